"""The settings a fresh `.env` starts with: .env.example, read strictly."""

from __future__ import annotations

import re
from pathlib import Path

ENV_EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"
ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def env_example() -> dict[str, str]:
    """{name: value} of .env.example; fails on a line that is neither a setting nor a comment."""
    settings: dict[str, str] = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = ENV_LINE.match(stripped)
        assert match, f".env.example:{number}: not NAME=value: {line!r}"
        name, value = match.groups()
        assert name not in settings, f".env.example:{number}: {name} is set twice"
        settings[name] = value.strip()
    return settings
