"""Text from outside made safe to carry (clinic/clean_text.py)."""

from __future__ import annotations

import json

import pytest

from clinic.clean_text import clean_record, clean_text, visible_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Jos\u00e9 Nguy\u1ec5n \u738b\u82b3", "Jos\u00e9 Nguy\u1ec5n \u738b\u82b3"),
        ("line one\nline two\tend", "line one\nline two\tend"),
        ("a\x00b\x1bc\x7fd\x85e\x9f", "abcde"),
        ("lone \ud83d surrogate \udc80", "lone  surrogate "),
        ("emoji \U0001f600 stays", "emoji \U0001f600 stays"),
    ],
)
def test_only_unwanted_characters_go(raw: str, clean: str) -> None:
    cleaned = clean_text(raw, 100)
    assert cleaned == clean
    cleaned.encode("utf-8")  # what failed before: the JSON body, the outbox, the database


def test_length_is_capped() -> None:
    assert clean_text("x" * 50, 10) == "x" * 10


def test_a_record_is_cleaned_field_by_field() -> None:
    record = {"name": "Ana\x00", "utm": "\ud800", "n": 3, "bad\x00key": "ok", "long": "y" * 9}
    cleaned = clean_record(record, {"long": 4}, default=20)
    assert cleaned == {"name": "Ana", "utm": None, "n": 3, "badkey": "ok", "long": "yyyy"}
    json.dumps(cleaned, ensure_ascii=False).encode("utf-8")


def test_what_the_visitor_sees_has_no_invisible_formatting() -> None:
    assert (
        visible_text("\ufeffNguy\u1ec5n\u200b V\u0103n\u200f An\x00") == "Nguy\u1ec5n V\u0103n An"
    )
