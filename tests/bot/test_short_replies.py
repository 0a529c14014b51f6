"""A bare "yes" or "no" means what the question before it asked, and nothing else.

With no learned dialogue policy, each of these turns is a rule: these conversations are the
check that none of them falls to "I didn't understand".
"""

from __future__ import annotations

import pytest

from tests.bot.conftest import Visitor

pytestmark = pytest.mark.conversation

NOT_UNDERSTOOD = "not sure I understood"
ANYTHING_ELSE = "anything else I can help with"
GOODBYE = "Take care"


@pytest.mark.parametrize("opening", ["thanks", "thank you so much", "stop"])
def test_no_to_anything_else_says_goodbye(visitor: Visitor, opening: str) -> None:
    assert ANYTHING_ELSE in visitor.says(opening)
    reply = visitor.says("no")
    assert GOODBYE in reply and "988" in reply


@pytest.mark.parametrize("opening", ["thanks", "stop"])
def test_yes_to_anything_else_asks_what(visitor: Visitor, opening: str) -> None:
    assert ANYTHING_ELSE in visitor.says(opening)
    reply = visitor.says("yes")
    assert "What would you like to know" in reply
    assert NOT_UNDERSTOOD not in reply


def test_no_after_stopping_the_form_says_goodbye(visitor: Visitor) -> None:
    visitor.says("I'd like to book a free consultation")
    assert ANYTHING_ELSE in visitor.says("stop")
    assert GOODBYE in visitor.says("no thanks")


def test_no_after_the_crisis_message_keeps_the_lines_and_no_pressure(visitor: Visitor) -> None:
    assert "988" in visitor.says("i dont want to be alive anymore")
    reply = visitor.says("no")
    assert "988" in reply and "911" in reply
    assert NOT_UNDERSTOOD not in reply
    assert "full name" not in reply and "Which treatment" not in reply


def test_a_yes_or_no_with_nothing_asked_offers_the_topics(visitor: Visitor) -> None:
    for reply in ("yes", "no"):
        answer = visitor.says(reply)
        assert "Is it about one of these?" in answer and "Which treatment" not in answer


def test_yes_and_no_after_an_answer_start_nothing(visitor: Visitor) -> None:
    assert "magnetic" in visitor.says("what is tms")
    for reply in ("yes", "no"):
        answer = visitor.says(reply)
        assert "Which treatment" not in answer and "full name" not in answer
