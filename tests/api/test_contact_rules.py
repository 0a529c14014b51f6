"""The API accepts exactly the phones and emails the action server accepts, normalised the same.

Both call clinic/contact.py; these cases pin the agreement, including the inputs on which the
two used to differ (an address wrapped in punctuation as typed in chat).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from api.schemas import LeadCreate
from clinic.contact import InvalidValue, parse_email, parse_phone
from tests.api.conftest import lead_body

PHONES = [
    "(310) 555-0123",
    "310.555.0123",
    "+1 310 555 0123",
    "1-310-555-0123",
    "+44 20 7946 0958",
    "12345",
    "555-0123",
    "(000) 555-0123",
    "310-555-01234567",
    "+999 1234 5678",
    "call me",
    "",
]
EMAILS = [
    "David.Kim@Example.COM",
    "<jo@example.com>",
    "jo@example.com.",
    "'ana@example.org'",
    "dana.k@gmail",
    "no-at-sign.example.com",
    "a@b@c.com",
    "josé@example.com",
    "jo @example.com",
]


def _action_server(parse: Callable[[str], str], text: str) -> str | None:
    try:
        return parse(text)
    except InvalidValue:
        return None


def _api(field: str, text: str) -> str | None:
    other = {"email": None} if field == "phone" else {"phone": None}
    try:
        lead = LeadCreate.model_validate(lead_body(**{field: text, **other}))
    except ValidationError:
        return None
    return getattr(lead, field)


@pytest.mark.parametrize("text", [p for p in PHONES if p])
def test_a_phone_is_accepted_by_both_or_by_neither(text: str) -> None:
    assert _api("phone", text) == _action_server(parse_phone, text)


@pytest.mark.parametrize("text", EMAILS)
def test_an_email_is_accepted_by_both_or_by_neither(text: str) -> None:
    assert _api("email", text) == _action_server(parse_email, text)


def test_the_cases_cover_both_outcomes() -> None:
    accepted = [
        text
        for text in PHONES + EMAILS
        if _action_server(parse_phone, text) or _action_server(parse_email, text)
    ]
    assert 0 < len(accepted) < len(PHONES + EMAILS)


def test_a_refusal_says_why() -> None:
    with pytest.raises(ValidationError, match="too few digits"):
        LeadCreate.model_validate(lead_body(phone="12345"))
