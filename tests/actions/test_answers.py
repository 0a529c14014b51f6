import pytest

from actions.answers import read_age, read_antidepressants_tried, read_channels, read_payment


@pytest.mark.parametrize(
    ("text", "adult"),
    [
        ("I'm 17", False),
        ("im 19", True),
        ("45", None),
        ("16 years old", False),
        ("I'm over 18", True),
        ("I'm a minor", False),
        ("hello", None),
        ("I'm 90026", None),
    ],
)
def test_age(text: str, adult: bool | None) -> None:
    assert read_age(text) is adult


def test_a_bare_number_is_an_age_only_at_the_age_question() -> None:
    assert read_age("45", asked=True) is True
    assert read_age("12", asked=True) is False
    assert read_age("12") is None


def test_antidepressant_count_needs_context_unless_asked() -> None:
    assert read_antidepressants_tried("two", asked=True) == "2+"
    assert read_antidepressants_tried("two", asked=False) is None
    assert read_antidepressants_tried("I've tried 3 antidepressants", asked=False) == "2+"
    assert read_antidepressants_tried("never taken any meds", asked=False) == "0"


def test_payment_and_channels() -> None:
    assert read_payment("through my kaiser plan") == "insurance"
    assert read_payment("cash") == "self_pay"
    assert read_payment("whatever") is None
    assert read_channels("only email please") == ["email"]
    assert read_channels("call or text is fine") == ["call", "text"]
    assert read_channels("yes") is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yep", True),
        ("yes correct", True),
        ("sure thing", True),
        ("of course", True),
        ("nope", False),
        ("no thanks", False),
        ("not really", False),
        ("maybe", None),
        ("marcus@x.com", None),
    ],
)
def test_yes_no(text: str, answer: bool | None) -> None:
    from actions.answers import read_yes_no

    assert read_yes_no(text) is answer


def test_any_age_counts_while_the_age_is_asked() -> None:
    assert read_age("yep 41", asked=True) is True
    assert read_age("yep 41") is None
    assert read_age("15", asked=True) is False


@pytest.mark.parametrize("text", ["after 5pm", "5 pm works", "at 9:30", "around 6ish", "10 am"])
def test_a_time_of_day_is_no_age_and_no_count(text: str) -> None:
    assert read_age(text, asked=True) is None
    assert read_antidepressants_tried(text, asked=True) is None


def test_a_zip_code_is_no_antidepressant_count() -> None:
    assert read_antidepressants_tried("hmm what about 90401", asked=True) is None
    assert read_antidepressants_tried("12", asked=True) == "2+"
    assert read_antidepressants_tried("just 1", asked=True) == "1"
