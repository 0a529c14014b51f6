"""Reading a visitor's name from what they type, and telling a name from other answers."""

from __future__ import annotations

import re

import phonenumbers

from clinic.contact import DEFAULT_REGION, EMAIL_RE, InvalidValue

_NAME_PREFIX_RE = re.compile(
    r"^\s*(?:(?:hi|hello|hey)[,!. ]+)?"
    r"(?:my\s+(?:full\s+)?name\s*(?:is|'s)|name\s*(?:is|:)|i\s*am|i'?m|im|"
    r"it'?s|its|this\s+is|call\s+me|they\s+call\s+me)\s*[:,-]?\s*",
    re.IGNORECASE,
)
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$", re.UNICODE)
# "I'm Marcus Webb", "my name is Ana Torres": a cue and two or three capitalised words, for
# when the classifier's entity misses a name that nobody asked for yet.
_INTRODUCTION_RE = re.compile(
    r"\b(?:[Ii]'?m|I am|[Mm]y name is|[Mm]y name's|[Tt]his is|[Ii]t'?s)\s+"
    r"([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){1,2})\b"
    # "Rosa Lin here"
    r"|\b(?!(?:Hi|Hello|Hey|Yes|Ok|Okay|So)\b)([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){1,2})\s+here\b"
)
# Words with which a visitor says that what follows is their name.
_NAME_CUE = re.compile(r"\b(?:name|i'?m|i am|call me|this is)\b", re.IGNORECASE)


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


_NOT_NAME_WORDS = {
    "email",
    "e-mail",
    "phone",
    "number",
    "skip",
    "none",
    "sure",
    "idea",
    "thanks",
    "okay",
    "anytime",
    "whatever",
    "later",
}
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


def is_valid_name(name: str) -> bool:
    try:
        parse_name(name)
    except InvalidValue:
        return False
    return True


def introduced_name(text: str) -> str | None:
    """The name in "I'm Marcus Webb" or "Rosa Lin here", as typed; None without such a phrase."""
    match = _INTRODUCTION_RE.search(text)
    return (match.group(1) or match.group(2)) if match else None


def name_in_answer(text: str, found: str | None) -> str:
    """The name in a message that answers the name question; `found` is the one the classifier
    (or an introduction) found. The classifier may catch only part of a name ("Smith" of "Jo
    Smith"): the whole answer comes first, `found` second, the raw text to explain a refusal."""
    valid = [name for name in (name_from_text(text), found) if name and is_valid_name(name)]
    return valid[0] if valid else text


def is_plausible_unasked_name(name: str, text: str, has_a_name: bool) -> bool:
    """A name the classifier found in a message (`text`) that answered another question.

    It may replace a name already given (`has_a_name`) only when the visitor says it is their
    name ("actually my name is ..."), and it must be a valid name: a wrong guess is dropped
    silently instead of troubling the visitor.
    """
    if has_a_name and not _NAME_CUE.search(text):
        return False
    return is_valid_name(name)
