"""FormFailures: the skip and three-failures policy, on a form of its own."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.form_failures import FormFailures
from clinic.lead import DECLINED, NOT_GIVEN, SKIPPED
from tests.actions.conftest import TrackerFactory, responses


class Form(FormFailures):
    def name(self) -> str:
        return "validate_some_form"


def failures(slot: str, count: int) -> dict[str, Any]:
    return {"form_failures": {slot: count}}


def test_the_base_is_abstract_so_the_action_server_skips_it() -> None:
    assert inspect.isabstract(FormFailures)
    executor = ActionExecutor()
    executor.register_package("actions")
    assert "validate_lead_form" in executor.actions


@pytest.mark.parametrize("earlier", [0, 1])
def test_a_refused_answer_is_explained_and_asked_again(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, earlier: int
) -> None:
    tracker = make_tracker(slots=failures("phone", earlier))
    slots = Form()._refuse(
        tracker, dispatcher, "phone", invalid_value="12", reason="it has too few digits"
    )
    assert slots == {"phone": None, "form_failures": {"phone": earlier + 1}}
    assert dispatcher.messages[0]["response"] == "utter_invalid_phone"
    assert dispatcher.messages[0]["reason"] == "it has too few digits"


def test_failures_are_counted_per_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(slots={"form_failures": {"location": 2}})
    slots = Form()._refuse(tracker, dispatcher, "full_name")
    assert slots["form_failures"] == {"location": 2, "full_name": 1}
    assert tracker.get_slot("form_failures") == {
        "location": 2
    }  # the tracker's value is not changed


@pytest.mark.parametrize(
    ("slot", "skipped"),
    [
        ("treatment_interest", "unsure"),
        ("antidepressants_tried", "unsure"),
        ("preferred_contact_time", NOT_GIVEN),
        ("payment_method", SKIPPED),
    ],
)
def test_the_third_failure_skips_a_question_the_lead_can_do_without(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, slot: str, skipped: str
) -> None:
    slots = Form()._refuse(make_tracker(slots=failures(slot, 2)), dispatcher, slot)
    assert slots == {slot: skipped, "form_failures": {slot: 3}}
    assert responses(dispatcher) == ["utter_skipping_question"]


@pytest.mark.parametrize("slot", ["is_adult", "location", "full_name", "contact_consent"])
def test_the_third_failure_at_a_question_the_lead_needs_gives_up(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, slot: str
) -> None:
    slots = Form()._refuse(make_tracker(slots=failures(slot, 2)), dispatcher, slot)
    assert slots == {slot: None, "form_failures": {slot: 3}, "form_gave_up": True}
    assert responses(dispatcher) == ["utter_too_many_attempts"]


def test_the_third_failure_at_the_phone_declines_it_while_the_email_is_open(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = Form()._refuse(make_tracker(slots=failures("phone", 2)), dispatcher, "phone")
    assert slots == {"phone": DECLINED, "phone_masked": NOT_GIVEN, "form_failures": {"phone": 3}}
    assert responses(dispatcher) == ["utter_skipping_question"]


def test_the_third_failure_at_the_email_gives_up_when_the_phone_was_declined(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(slots={"phone": DECLINED, **failures("email", 2)})
    slots = Form()._refuse(tracker, dispatcher, "email")
    assert slots["form_gave_up"] is True
    assert responses(dispatcher) == ["utter_too_many_attempts"]


def test_skipping_a_question_the_lead_can_do_without(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = Form()._skip_asked(make_tracker(), dispatcher, "payment_method")
    assert slots == {"payment_method": SKIPPED}
    assert dispatcher.messages == []


def test_skipping_a_question_the_lead_needs_is_refused_and_counted(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = Form()._skip_asked(make_tracker(), dispatcher, "location")
    assert slots == {"location": None, "form_failures": {"location": 1}}
    assert responses(dispatcher) == ["utter_cannot_skip"]


@pytest.mark.parametrize(("other", "open_"), [(None, True), ("a@b.co", True), (DECLINED, False)])
def test_phone_or_email_may_be_declined_while_the_other_is_open(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, other: str | None, open_: bool
) -> None:
    tracker = make_tracker(slots={"email": other})
    slots = Form()._decline_contact(tracker, dispatcher, "phone")
    if open_:
        assert slots == {"phone": DECLINED, "phone_masked": NOT_GIVEN}
        assert dispatcher.messages == []
    else:
        assert slots == {"phone": None}
        assert responses(dispatcher) == ["utter_need_one_contact"]


@pytest.mark.parametrize(
    ("phone", "email", "channels"),
    [
        ("+13105550123", "a@b.co", ["call", "text", "email"]),
        ("+13105550123", DECLINED, ["call", "text"]),
        (DECLINED, "a@b.co", ["email"]),
        (None, None, []),
    ],
)
def test_reachable_channels(
    make_tracker: TrackerFactory, phone: str | None, email: str | None, channels: list[str]
) -> None:
    assert (
        Form._reachable_channels(make_tracker(slots={"phone": phone, "email": email})) == channels
    )
