import pytest

from actions.answers import is_decline
from actions.names import name_from_text, parse_name
from clinic.contact import (
    InvalidValue,
    find_email,
    find_email_attempt,
    find_phone,
    mask_email,
    mask_phone,
    parse_email,
    parse_phone,
)
from clinic.lead import DECLINED


@pytest.mark.parametrize(
    "text",
    [
        "(310) 555-0123",
        "310-555-0123",
        "310.555.0123",
        "3105550123",
        "+1 310 555 0123",
        "1-310-555-0123",
    ],
)
def test_us_numbers_in_any_format_become_e164(text: str) -> None:
    assert parse_phone(text) == "+13105550123"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12345", "too few digits"),
        ("310555012345678", "too many digits"),
        ("call me maybe", "no digits"),
        ("(123) 555-0123", "doesn't exist"),
    ],
)
def test_bad_numbers_are_refused_with_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        parse_phone(text)


def test_phone_found_inside_a_sentence() -> None:
    assert find_phone("sure, text me at 213-555-0177 after 5pm") == "+12135550177"
    assert find_phone("my zip is 90026") is None


def test_email_normalised_and_lower_cased() -> None:
    assert parse_email(" Sam.R@Yahoo.COM ") == "sam.r@yahoo.com"


@pytest.mark.parametrize("text", ["sam.r@", "sam@yahoo", "no at sign", "sam@@yahoo.com"])
def test_bad_emails_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_email(text)


def test_email_found_inside_a_sentence() -> None:
    assert find_email("actually my email is sam.r@yahoo.com, thanks") == "sam.r@yahoo.com"
    assert find_email("I don't have one") is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my name is jo ann smith", "jo ann smith"),
        ("I'm David Kim, text me at 213-555-0177", "David Kim"),
        ("it's Maria Lopez.", "Maria Lopez"),
        ("Ana-Lucia Torres", "Ana-Lucia Torres"),
    ],
)
def test_name_taken_from_answer(text: str, name: str) -> None:
    assert name_from_text(text) == name


def test_real_names_near_the_refused_words_are_kept() -> None:
    assert parse_name("Minh No") == "Minh No"
    assert parse_name("Noah Phoneix") == "Noah Phoneix"


def test_names_capitalised_when_typed_in_one_case() -> None:
    assert parse_name("jo ann smith") == "Jo Ann Smith"
    assert parse_name("JAMES O'BRIEN") == "James O'brien"
    assert parse_name("Siobhán McDonald") == "Siobhán McDonald"


@pytest.mark.parametrize(
    "text",
    [
        "Maria",
        "R2D2 Droid",
        "me@x.com",
        "",
        "<script>alert(1)</script>",
        "no email",
        "not sure",
        "skip that",
        "phone number",
    ],
)
def test_bad_names_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "skip",
        "no",
        "I'd rather not give my email",
        "I don't have an email",
        "none",
        "skip for now",
        "next question please",
        "let's move on",
        "pass on that",
        "i don't want to answer that",
        "can we skip ahead",
        "leave my email out of it",
        "leave that blank",
        "skip the phone",
        "not telling you where i live",
    ],
)
def test_declines_are_recognised(text: str) -> None:
    assert is_decline(text)


def test_an_answer_is_not_a_decline() -> None:
    assert not is_decline("sam.r@yahoo.com")
    assert not is_decline("Nora Jones")
    assert not is_decline("next week is best")
    assert not is_decline("i want to move on with treatment")
    assert not is_decline("i don't answer unknown numbers, text me")


def test_masking_hides_most_of_the_detail() -> None:
    assert mask_phone("+13105550123") == "•••-•••-0123"
    assert mask_email("sam.r@yahoo.com") == "s•••@yahoo.com"
    assert DECLINED == "declined"


@pytest.mark.parametrize(
    ("text", "attempt"),
    [
        ("dana.k@gmail", "dana.k@gmail"),
        ("mail me at sam@yahoo.com.", "sam@yahoo.com"),
        ("call me at 6", None),
        ("i'm @ home", None),
    ],
)
def test_find_email_attempt(text: str, attempt: str | None) -> None:
    assert find_email_attempt(text) == attempt
