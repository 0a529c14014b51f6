"""Reading a visitor's name from what they type, and telling a name from other answers."""

from __future__ import annotations

import re

import phonenumbers

from clinic.contact import DEFAULT_REGION, EMAIL_RE, InvalidValue

_NAME_PREFIX_RE = re.compile(
    r"^\s*(?:(?:hi|hello|hey)[,!. ]+)?(?:my\s+(?:full\s+)?name\s*(?:is|'s)|name\s*(?:is|:)|i\s*am|i'?m|im|"
    r"it'?s|its|this\s+is|call\s+me|they\s+call\s+me)\s*[:,-]?\s*",
    re.IGNORECASE,
)
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$", re.UNICODE)


def strip_contact_details(text: str) -> str:
    """The message without e-mail addresses, phone numbers and ZIP codes."""
    text = EMAIL_RE.sub(" ", text or "")
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION))):
        text = text[: match.start] + " " + text[match.end :]
    return re.sub(r"\b\d{5}(?:-\d{4})?\b", " ", text)


def name_from_text(text: str) -> str:
    """The name part of a short answer: "my name is jo ann smith, 213-..." -> "jo ann smith"."""
    text = strip_contact_details(text)
    text = _NAME_PREFIX_RE.sub("", text, count=1)
    text = re.split(r"[,;!?]|\band\b|\bbut\b", text, maxsplit=1)[0]
    return re.sub(r"\s+", " ", text).strip(" .")


_NOT_NAME_WORDS = {"email", "e-mail", "phone", "number", "skip", "none", "sure", "idea", "thanks",
                   "okay", "anytime", "whatever", "later"}
_NOT_NAME_FIRST_WORDS = {"no", "not", "yes", "ok", "nah", "nope"}


def parse_name(text: str) -> str:
    """A full name of at least two words, letters only; capitalised when typed all in one case."""
    name = re.sub(r"\s+", " ", (text or "").strip(" .,"))
    if not name:
        raise InvalidValue("it is empty")
    if any(char.isdigit() for char in name) or "@" in name:
        raise InvalidValue("a name has no digits or @")
    if not _NAME_RE.match(name) or len(name) > 100:
        raise InvalidValue("a name has letters, spaces, hyphens and apostrophes only")
    if len(name.split()) < 2:
        raise InvalidValue("please give your first and last name")
    words = name.lower().split()
    if set(words) & _NOT_NAME_WORDS or words[0] in _NOT_NAME_FIRST_WORDS:
        # "no email", "skip that", "not sure": an answer to another question, not a name.
        raise InvalidValue("that doesn't look like a name")
    if name.islower() or name.isupper():
        name = " ".join(part[:1].upper() + part[1:].lower() for part in name.split())
    return name
