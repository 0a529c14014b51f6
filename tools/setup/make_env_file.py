"""Create .env from .env.example, giving every "generate-me" secret a fresh random value.

Run by `make` before anything starts, so a fresh clone runs without hand steps while no
secret ever lives in the repository. An existing .env keeps its values; settings added to
.env.example since it was made are appended.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

PLACEHOLDER = "generate-me"


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#") and value.strip() == PLACEHOLDER:
            line = f"{key}={secrets.token_urlsafe(32)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _keys(text: str) -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in text.splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }


def main(example_path: str = ".env.example", target_path: str = ".env") -> int:
    target = Path(target_path)
    rendered = render(Path(example_path).read_text())
    if not target.exists():
        target.write_text(rendered)
        target.chmod(0o600)
        print(f"Created {target} with new random secrets (edit it to change settings).")
        return 0
    current = target.read_text()
    missing = [
        line
        for line in rendered.splitlines()
        if "=" in line
        and not line.lstrip().startswith("#")
        and line.split("=", 1)[0] not in _keys(current)
    ]
    if missing:
        separator = "" if current.endswith("\n") else "\n"
        target.write_text(current + separator + "\n".join(missing) + "\n")
        print(
            f"Added new settings to {target}: "
            f"{', '.join(line.split('=', 1)[0] for line in missing)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
