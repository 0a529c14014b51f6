"""Phone numbers and email addresses: the one set of rules the action server and the API share.

Each `parse_*` returns the normalised value (E.164, lower-cased address) or raises InvalidValue
with a reason a visitor can act on; each `find_*` looks for a value inside a longer message;
`mask_*` gives what may be shown back in a summary.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "US"

_EMAIL_START = r"[\w.+'-]+@"
EMAIL_RE = re.compile(_EMAIL_START + r"[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# The same start with anything after the @: an address typed wrong ("dana.k@gmail").
_EMAIL_ATTEMPT_RE = re.compile(_EMAIL_START + r"[^\s@,;]*", re.UNICODE)


class InvalidValue(ValueError):
    """A value the visitor gave that cannot be used; str() is the reason, in plain words."""


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
    for match in EMAIL_RE.finditer(text or ""):
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
