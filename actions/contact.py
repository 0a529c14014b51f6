"""Finding and checking contact details in what visitors type.

Each `parse_*` returns the normalised value or raises InvalidValue with a reason a visitor can
act on; each `find_*` looks for a value inside a longer message.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "US"
# Stored in the phone or email slot when the visitor prefers not to give it.
DECLINED = "declined"

_EMAIL_START = r"[\w.+'-]+@"
_EMAIL_RE = re.compile(_EMAIL_START + r"[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# The same start with anything after the @: an address typed wrong ("dana.k@gmail").
_EMAIL_ATTEMPT_RE = re.compile(_EMAIL_START + r"[^\s@,;]*", re.UNICODE)
_DECLINE_RE = re.compile(
    r"^\W*(?:no+|nope|nah|none|skip|pass|next|n/?a|no thanks?|no thank you)\W*$|"
    # "skip for now", "next question", "let's move on": skipping the question asked.
    r"\b(?:skip(?:\s+(?:it|this|that)(?:\s+one)?)?\s+for\s+now|next\s+(?:question|one)|move\s+on\b(?!\s+with)|skip\s+ahead|"
    r"pass\s+on\s+(?:that|this|it))\b|"
    # "leave my email out of it", "leave that blank", "skip the phone".
    r"\b(?:leave\s+(?:my\s+)?(?:phone|number|email|e-mail)\s+out|leave\s+(?:it|that|this)\s+(?:blank|empty|out)|"
    r"skip\s+(?:the|my)\s+(?:phone|number|email|e-mail|question|time|payment|insurance))\b|"
    r"\b(?:rather not|prefer not|don'?t have|do not have|dont have|no (?:phone|email|e-mail|number|cell)|"
    r"skip (?:it|this|that)|not (?:giving|sharing|telling)|won'?t (?:give|share)|only (?:by )?(?:email|phone|text)|"
    r"(?:don'?t|do not|dont) (?:want to|wanna) (?:give|share|answer|say)|not comfortable (?:giving|sharing))\b",
    re.IGNORECASE,
)
_NAME_PREFIX_RE = re.compile(
    r"^\s*(?:(?:hi|hello|hey)[,!. ]+)?(?:my\s+(?:full\s+)?name\s*(?:is|'s)|name\s*(?:is|:)|i\s*am|i'?m|im|"
    r"it'?s|its|this\s+is|call\s+me|they\s+call\s+me)\s*[:,-]?\s*",
    re.IGNORECASE,
)
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$", re.UNICODE)


class InvalidValue(ValueError):
    """A value the visitor gave that cannot be used; str() is the reason, in plain words."""


def is_decline(text: str) -> bool:
    return bool(_DECLINE_RE.search(text or ""))


# --- phone ----------------------------------------------------------------------------------
_PHONE_REASONS = {
    phonenumbers.ValidationResult.TOO_SHORT: "it has too few digits",
    phonenumbers.ValidationResult.TOO_LONG: "it has too many digits",
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "the country code is not valid",
    phonenumbers.ValidationResult.INVALID_LENGTH: "it doesn't have the right number of digits",
}


def parse_phone(text: str) -> str:
    """The number in E.164 (+13105550123), or InvalidValue with the reason."""
    if not re.search(r"\d", text or ""):
        raise InvalidValue("it has no digits")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidValue("it isn't a phone number I can read") from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible in _PHONE_REASONS:
        raise InvalidValue(_PHONE_REASONS[possible])
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue("that number doesn't exist (check the area code)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_phone(text: str) -> str | None:
    """The first valid phone number inside a message, in E.164."""
    for match in phonenumbers.PhoneNumberMatcher(text or "", DEFAULT_REGION):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def mask_phone(e164: str) -> str:
    return f"•••-•••-{e164[-4:]}" if len(e164) >= 4 else "•••"


# --- email ----------------------------------------------------------------------------------
def parse_email(text: str) -> str:
    """The address normalised and lower-cased, or InvalidValue with the reason. No DNS look-up."""
    candidate = (text or "").strip().strip(".,;:!?<>()[]\"'")
    if "@" not in candidate:
        raise InvalidValue("it has no @")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidValue(str(exc).rstrip(".")) from None
    return result.normalized.lower()


def find_email(text: str) -> str | None:
    """The first valid email address inside a message."""
    for match in _EMAIL_RE.finditer(text or ""):
        try:
            return parse_email(match.group(0))
        except InvalidValue:
            continue
    return None


def find_email_attempt(text: str) -> str | None:
    """A word with an @ that is meant as an address even when it is not a valid one
    ("dana.k@gmail"), so it is refused as an email, with the reason, and not read as a phone."""
    match = _EMAIL_ATTEMPT_RE.search(text or "")
    return match.group(0).rstrip(".") if match else None


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


# --- name -----------------------------------------------------------------------------------
def strip_contact_details(text: str) -> str:
    """The message without e-mail addresses, phone numbers and ZIP codes."""
    text = _EMAIL_RE.sub(" ", text or "")
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
