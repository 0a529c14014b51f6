"""Reading a message after a crisis reply (bot/crisis_follow_up.py): does it carry the crisis on,
settle it, or neither."""

from __future__ import annotations

import pytest

from bot.crisis_follow_up import continues_crisis, settles_crisis


@pytest.mark.parametrize(
    "message",
    [
        "ok im going to take all of them tonight",
        "already swallowed them",
        "i have the rope with me",
        "no one can stop me",
        "i'm on the bridge",
        "i feel really dizzy",
        "i already took them, the ambulance won't come in time",
    ],
)
def test_a_message_that_carries_the_crisis_on(message: str) -> None:
    assert continues_crisis(message)
    assert not settles_crisis(message)


@pytest.mark.parametrize(
    "message",
    [
        "i gave the bottle to my neighbour",
        "the paramedics just got here",
        "i texted the number you gave me",
        "my brother came over, i'm ok for now",
        "they're in the garbage now",
    ],
)
def test_a_message_that_settles_it(message: str) -> None:
    assert settles_crisis(message)
    assert not continues_crisis(message)


@pytest.mark.parametrize(
    "message", ["what does tms cost", "i'm not going to do it", "how long is a session", ""]
)
def test_a_message_that_does_neither(message: str) -> None:
    assert not continues_crisis(message)
    assert not settles_crisis(message)
