"""The lock files in requirements/ against pyproject.toml: `make lock` stamps, `make lint` checks.

Each lock is compiled by uv from some extras of pyproject.toml. Its first line records a hash of
those extras' requirement lists, so a range edited in pyproject.toml without `make lock` is
caught before a fresh clone installs something CI never ran. The check also makes sure every
requirement is pinned in its lock, which a hand edit of a lock could break.

    python tools/setup/check_locks.py            exit 1 and say which lock is stale
    python tools/setup/check_locks.py --stamp    write the stamp line after `uv pip compile`
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import tomllib

ROOT = Path(__file__).resolve().parents[2]
# Lock file -> the extras of pyproject.toml it is compiled from.
LOCKS: dict[str, tuple[str, ...]] = {
    "requirements/bot.txt": ("bot", "bot-test"),
    "requirements/bot-nodeps.txt": ("bot-nodeps",),
    "requirements/api.txt": ("api", "api-test"),
    "requirements/dev.txt": ("dev",),
}
STAMP_PREFIX = "# pyproject-sha256: "
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==", re.MULTILINE)


def canonical(name: str) -> str:
    """A package name as registries compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(pyproject: dict[str, Any], extras: tuple[str, ...]) -> list[str]:
    optional = pyproject["project"]["optional-dependencies"]
    return [str(line) for extra in extras for line in optional[extra]]


def stamp(pyproject: dict[str, Any], extras: tuple[str, ...]) -> str:
    digest = hashlib.sha256(json.dumps(requirements(pyproject, extras)).encode()).hexdigest()
    return STAMP_PREFIX + digest


def problems(root: Path = ROOT) -> list[str]:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    found = []
    for lock, extras in LOCKS.items():
        path = root / lock
        if not path.exists():
            found.append(f"{lock} is missing: run `make lock`")
            continue
        text = path.read_text(encoding="utf-8")
        if text.splitlines()[0] != stamp(pyproject, extras):
            found.append(
                f"{lock} is stale: pyproject.toml's {', '.join(extras)} changed; run `make lock`"
            )
        pinned = {canonical(name) for name in _PINNED.findall(text)}
        for requirement in requirements(pyproject, extras):
            match = _NAME.match(requirement)
            if match and canonical(match.group(1)) not in pinned:
                found.append(f"{lock} does not pin {match.group(1)}: run `make lock`")
    return found


def write_stamps(root: Path = ROOT) -> None:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    for lock, extras in LOCKS.items():
        path = root / lock
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith(STAMP_PREFIX)
        ]
        path.write_text("\n".join([stamp(pyproject, extras), *lines]) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stamp", action="store_true", help="write the stamp lines")
    args = parser.parse_args(argv)
    if args.stamp:
        write_stamps()
        return 0
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
