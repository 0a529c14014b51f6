"""Since when a conversation holds an unsent form's details: what "stop" and the abandoned-form
sweep erase from."""

from __future__ import annotations

from typing import Any

from clinic.unsent_details import unsent_details_since


def user(at: float) -> dict[str, Any]:
    return {"event": "user", "text": "…", "timestamp": at}


def action(name: str, at: float) -> dict[str, Any]:
    return {"event": "action", "name": name, "timestamp": at}


def form(at: float, name: str | None = "lead_form") -> dict[str, Any]:
    return {"event": "active_loop", "name": name, "timestamp": at}


def slot(name: str, value: Any, at: float) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value, "timestamp": at}


def test_nothing_asked_nothing_held() -> None:
    assert unsent_details_since([user(1), action("utter_greet", 2)]) is None


def test_a_form_opens_at_the_message_that_started_it() -> None:
    assert unsent_details_since([user(1), user(5), form(6), slot("phone", "310", 8)]) == 5


def test_details_given_before_the_form_open_it_at_that_message() -> None:
    events = [user(1), slot("full_name", "Ana Ruiz", 2), user(3), form(4)]
    assert unsent_details_since(events) == 1


def test_a_crisis_pause_and_a_resume_keep_the_first_start() -> None:
    events = [
        user(1),
        form(2),
        slot("phone", "310", 3),
        user(4),  # crisis: the form is paused
        form(5, None),
        action("utter_crisis", 5),
        user(6),  # asks to go on
        form(7),
        slot("email", "a@b.co", 8),
    ]
    assert unsent_details_since(events) == 1


def test_a_sent_lead_closes_the_instance_and_a_new_one_opens_later() -> None:
    sent = [
        user(1),
        form(2),
        slot("phone", "310", 3),
        action("action_submit_lead", 4),
        slot("phone", None, 4),
        action("action_listen", 5),
    ]
    assert unsent_details_since(sent) is None
    assert unsent_details_since([*sent, user(6), form(7)]) == 6


def test_a_lead_that_could_not_be_saved_leaves_its_details_unsent() -> None:
    events = [user(1), form(2), slot("phone", "310", 3), action("action_submit_lead", 4)]
    assert unsent_details_since([*events, action("action_listen", 5)]) == 1


def test_a_stop_closes_the_instance() -> None:
    events = [
        user(1),
        form(2),
        slot("phone", "310", 3),
        user(4),
        action("action_cancel_lead", 5),
        slot("phone", None, 5),
        slot("erase_details_since", 1, 5),
    ]
    assert unsent_details_since(events) is None
