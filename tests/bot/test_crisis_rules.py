"""The rule-based crisis detector on its own (the labelled recall set comes with issue #3)."""

import pytest

from bot.crisis import detect_crisis


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself", "i wanna die", "im suicidal", "kms", "i keep cutting myself",
        "I took a bunch of pills", "i want to hurt my husband", "my son is suicidal",
        "life isnt worth living", "I cant go on like this", "having chest pains",
        "thinkin bout killin myself", "I want to diiieee", "how do i kill myself",
        # A harmless figure elsewhere in the message does not hide the disclosure.
        "i'd die of embarrassment but honestly i want to die", "i want to die of shame",
        "dying to know if anyone would care if i killed myself",
        # Euphemisms.
        "thinking of ending things", "i might do something stupid tonight",
    ],
)
def test_crisis_messages_are_caught(text: str) -> None:
    assert detect_crisis(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to know the price", "traffic kills me", "this wait is killing me",
        "does spravato help with suicidal thoughts?", "Is esketamine approved for suicidal ideation",
        "can you overdose on ketamine", "what is tms", "I killed it at work today",
        "i want to die of embarrassment lol", "I'm gonna die of boredom in this waiting room",
        "dying to try it honestly",
        "thinking about ending things with my ex", "i did something stupid at work",
    ],
)
def test_figurative_and_topic_questions_are_not_crises(text: str) -> None:
    assert detect_crisis(text) is None
