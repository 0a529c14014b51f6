"""Text from outside (what a visitor typed, what the website put in a message's metadata) made
safe to carry: a lone surrogate cannot be encoded as UTF-8, so it fails the JSON body, the
outbox file and the database alike; control characters have no place in a name or a campaign
tag. Every letter of every script stays (José, 王芳, Nguyễn).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# C0 controls other than tab and newline, DEL, C1 controls, and UTF-16 surrogates (which only
# occur in a Python str alone, never as a pair).
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


# Invisible formatting that copy and paste brings along (zero-width spaces and joiners, bidi
# marks, the byte-order mark): not part of any answer.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def visible_text(value: str) -> str:
    """What the visitor sees of `value`: without unwanted characters and invisible formatting."""
    return _INVISIBLE.sub("", _UNWANTED.sub("", value))


def clean_text(value: str, limit: int) -> str:
    """`value` without lone surrogates and control characters, at most `limit` characters."""
    return _UNWANTED.sub("", value)[:limit]


def clean_record(
    record: Mapping[str, Any], limits: Mapping[str, int], default: int
) -> dict[str, Any]:
    """Every text value of `record` cleaned and capped at its field's limit (`default` for a
    field with none), None where nothing is left of it; keys are cleaned too, other values kept
    as they are."""
    cleaned: dict[str, Any] = {}
    for key, value in record.items():
        name = clean_text(str(key), default)
        if isinstance(value, str):
            value = clean_text(value, limits.get(name, default)) or None
        cleaned[name] = value
    return cleaned
