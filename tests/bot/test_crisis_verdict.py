"""The crisis rules' verdict on the examples issue #32 names (bot.crisis_verdict)."""

from __future__ import annotations

import pytest

from bot.crisis_verdict import CHECK_IN, CRISIS, SELF, SOMEONE_ELSE, Verdict, judge
from bot.language import ENGLISH, OTHER, SPANISH
from bot.spelling import common_english_words


def _judge(text: str, corrected: str | None = None) -> Verdict:
    return judge(text, corrected, common_english_words().__contains__)


@pytest.mark.parametrize(
    ("text", "tier", "audience"),
    [
        ("what's the lethal dose of tylenol", CRISIS, SELF),
        ("how high does a bridge need to be to die", CRISIS, SELF),
        ("how many pills would it take", CRISIS, SELF),
        ("how much is tms? if it doesnt work im ending it", CRISIS, SELF),
        ("my friend just took a bottle of pills", CRISIS, SOMEONE_ELSE),
        ("can ketamine kill you", CHECK_IN, SELF),
        ("I attempted two years ago, can I still get ketamine?", CHECK_IN, SELF),
        ("can you overdose on ketamine at the clinic", None, SELF),
        ("this depression is killing my motivation, does TMS help", None, SELF),
        ("my brother overdosed last year, is ketamine addictive?", None, SELF),
        ("my uncle died by suicide in 2015, does depression run in families?", None, SELF),
    ],
)
def test_the_issues_examples(text: str, tier: str | None, audience: str) -> None:
    verdict = _judge(text)
    assert (verdict.tier, verdict.audience) == (tier, audience)


def test_the_corrected_text_is_read_as_well() -> None:
    assert _judge("i feel like dieing", "i feel like dying").tier == CRISIS


@pytest.mark.parametrize(
    ("text", "language", "tier"),
    [
        ("quiero morir", SPANISH, CRISIS),
        ("¿cuánto cuesta el TMS?", SPANISH, None),
        ("tôi không muốn sống nữa", OTHER, None),
        ("我不想活了", OTHER, None),
        ("my name is José Núñez", ENGLISH, None),
        ("I’m interested in TMS 🙂", ENGLISH, None),
        ("Nguyễn Văn An, 90025", ENGLISH, None),
    ],
)
def test_language_is_judged_by_words(text: str, language: str, tier: str | None) -> None:
    verdict = _judge(text)
    assert (verdict.language, verdict.tier) == (language, tier)
