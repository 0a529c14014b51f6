"""bot/action_response_check.py checks action server answers exactly as Rasa does, only with
the validator compiled once."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import action_response_check

GOOD = {
    "events": [{"event": "slot", "name": "phone", "value": "+13105550144"}],
    "responses": [{"response": "utter_ask_email"}],
}
BAD: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"events": [{"event": 7}]},
    {"responses": "utter_ask_email"},
]


def _outcome(check: Any, result: dict[str, Any]) -> tuple[bool, str]:
    action = RemoteAction("action_submit_lead", EndpointConfig("http://127.0.0.1:1/webhook"))
    try:
        return check(action, result), ""
    except ValidationError as error:
        return False, error.message


@pytest.mark.parametrize("result", [GOOD, *BAD])
def test_same_verdict_and_message_as_rasa(result: dict[str, Any]) -> None:
    assert _outcome(action_response_check._validate_action_result, result) == _outcome(
        action_response_check._ORIGINAL, result
    )


def test_bad_answers_are_refused() -> None:
    for result in BAD:
        accepted, message = _outcome(action_response_check._validate_action_result, result)
        assert not accepted and "Failed to validate Action server response" in message


def test_install_replaces_the_check() -> None:
    original = RemoteAction._validate_action_result
    try:
        action_response_check.install()
        assert RemoteAction._validate_action_result is action_response_check._validate_action_result
    finally:
        RemoteAction._validate_action_result = original
