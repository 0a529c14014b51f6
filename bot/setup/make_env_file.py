"""Create .env from .env.example, giving every "generate-me" secret a fresh random value.

Run by `make` before anything starts, so a fresh clone runs without hand steps while no
secret ever lives in the repository. An existing .env is left alone.
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


def main(example_path: str = ".env.example", target_path: str = ".env") -> int:
    target = Path(target_path)
    if target.exists():
        return 0
    target.write_text(render(Path(example_path).read_text()))
    target.chmod(0o600)
    print(f"Created {target} with new random secrets (edit it to change settings).")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
