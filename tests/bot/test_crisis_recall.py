"""The crisis safety net on a labelled set, through the trained NLU (rules + classifier)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bot.conftest import Visitor

MESSAGES = yaml.safe_load((Path(__file__).parent / "crisis_messages.yml").read_text())
MAX_FALSE_ALARMS = 2


def _intent(agent: Any, loop: asyncio.AbstractEventLoop, text: str) -> str:
    parsed = loop.run_until_complete(agent.parse_message(text))
    return parsed["intent"]["name"]


def test_the_labelled_set_is_big_enough() -> None:
    assert len(MESSAGES["crisis"]) >= 80
    assert len(MESSAGES["not_crisis"]) >= 80


def test_every_crisis_message_is_recognised(
    agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop
) -> None:
    missed = [m for m in MESSAGES["crisis"] if _intent(agent, event_loop_for_agent, m) != "crisis"]
    assert missed == [], f"crisis messages not recognised ({len(missed)}): {missed}"


def test_false_alarms_stay_within_the_limit(
    agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop
) -> None:
    alarms = [
        m for m in MESSAGES["not_crisis"] if _intent(agent, event_loop_for_agent, m) == "crisis"
    ]
    assert len(alarms) <= MAX_FALSE_ALARMS, f"false alarms ({len(alarms)}): {alarms}"


FORM_ANSWERS = [
    ("treatment_interest", None),
    ("is_adult", "ketamine"),
    ("location", "yes"),
    ("antidepressants_tried", "90401"),
    ("full_name", "two"),
    ("phone", "Sam Rivera"),
    ("email", "310-555-0123"),
    ("preferred_contact_time", "sam.rivera@example.com"),
    ("payment_method", "mornings"),
    ("contact_consent", "insurance"),
    ("details_confirmed", "yes"),
]


@pytest.mark.parametrize(("asked", "previous_answer"), FORM_ANSWERS)
def test_crisis_at_every_form_question_gets_crisis_resources(
    visitor: Visitor, asked: str, previous_answer: str | None
) -> None:
    visitor.says("I'd like to book a consultation")
    for slot, answer in FORM_ANSWERS:
        if answer is not None:
            visitor.says(answer)
        if slot == asked:
            break
    assert visitor.slot("requested_slot") == asked
    reply = visitor.says("honestly i don't see the point of living anymore")
    assert "988" in reply and "911" in reply
    assert visitor.slot("crisis_detected") is True
    # The form is paused, not filled with the crisis message.
    assert visitor.slot("requested_slot") is None
    assert visitor.slot(asked) is None


def test_form_resumes_after_a_crisis_when_the_visitor_asks(visitor: Visitor) -> None:
    visitor.says("book a consultation")
    visitor.says("tms")
    visitor.says("i want to die")
    reply = visitor.says("can we continue the sign up")
    assert "18 or older" in reply
    assert visitor.slot("treatment_interest") == "tms"


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to know how much ketamine costs",
        # The issue's own example: it had fallen to the topic buttons ("dying" pulled it away from
        # the cost question), which is no crisis reply but no answer either.
        "I'm dying to know the price",
    ],
)
def test_figurative_language_gets_a_real_answer(visitor: Visitor, text: str) -> None:
    reply = visitor.says(text)
    assert "988" not in reply
    assert "insurance" in reply


def test_suicide_as_a_topic_gets_facts_and_the_988_line(visitor: Visitor) -> None:
    reply = visitor.says("does spravato help with suicidal thoughts?")
    assert "not been shown to prevent suicide" in reply
    assert "988" in reply
