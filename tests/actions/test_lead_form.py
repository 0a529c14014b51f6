"""validate_lead_form, driven the way Rasa drives it: extraction, then validation."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import DECLINED
from actions.lead_form import ValidateLeadForm
from tests.actions.conftest import TrackerFactory, responses

DOMAIN: dict[str, Any] = {
    "forms": {"lead_form": {"required_slots": [
        "treatment_interest", "location", "full_name", "phone", "email", "contact_consent",
    ]}},
    "slots": {name: {} for name in [
        "treatment_interest", "location", "zip_code", "city", "state", "full_name", "phone",
        "email", "contact_consent",
    ]},
}


async def run_form(tracker: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    events = await ValidateLeadForm().run(dispatcher, tracker, DOMAIN)
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


@pytest.mark.asyncio
async def test_first_message_fills_every_slot_it_names(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(
        "I'm David Kim, text me at 213-555-0177, I live in 90026 and want ketamine",
        intent="request_consultation",
        entities=[{"entity": "person", "value": "David Kim"}, {"entity": "treatment", "value": "ketamine"}],
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["full_name"] == "David Kim"
    assert slots["phone"] == "+12135550177"
    assert slots["location"] == "Los Angeles, CA 90026"
    assert (slots["zip_code"], slots["city"], slots["state"]) == ("90026", "Los Angeles", "CA")
    assert slots["treatment_interest"] == "ketamine"
    assert "email" not in slots
    assert responses(dispatcher) == []


@pytest.mark.asyncio
async def test_invalid_phone_is_refused_with_reason(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    slots = await run_form(make_tracker("12345", requested_slot="phone"), dispatcher)
    assert slots["phone"] is None
    [message] = dispatcher.messages
    assert message["response"] == "utter_invalid_phone"
    assert message["reason"] == "it has too few digits"


@pytest.mark.asyncio
async def test_invalid_email_is_refused_with_reason(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    slots = await run_form(make_tracker("sam.r@yahoo", requested_slot="email"), dispatcher)
    assert slots["email"] is None
    assert responses(dispatcher) == ["utter_invalid_email"]


@pytest.mark.asyncio
async def test_email_can_be_declined_when_phone_given(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("I'd rather not give my email", requested_slot="email", slots={"phone": "+13105550123"})
    slots = await run_form(tracker, dispatcher)
    assert slots["email"] == DECLINED


@pytest.mark.asyncio
async def test_phone_and_email_cannot_both_be_declined(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("skip", requested_slot="email", slots={"phone": DECLINED})
    slots = await run_form(tracker, dispatcher)
    assert slots["email"] is None
    assert responses(dispatcher) == ["utter_need_one_contact"]


@pytest.mark.asyncio
async def test_correction_replaces_a_value_given_earlier(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(
        "actually my email is sam.r@yahoo.com", requested_slot="contact_consent",
        slots={"email": "old@example.com"},
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["email"] == "sam.r@yahoo.com"


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["crisis", "faq", "stop"])
async def test_no_slot_is_filled_from_a_crisis_question_or_stop(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, intent: str
) -> None:
    tracker = make_tracker("I want to end it all, call 310-555-0123", intent=intent, requested_slot="full_name")
    assert await run_form(tracker, dispatcher) == {}


@pytest.mark.asyncio
async def test_unknown_place_is_refused(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    slots = await run_form(make_tracker("the moon", requested_slot="location"), dispatcher)
    assert slots["location"] is None
    assert responses(dispatcher) == ["utter_invalid_location"]


@pytest.mark.asyncio
async def test_partial_name_entity_does_not_beat_the_whole_answer(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("Jo Smith", requested_slot="full_name", entities=[{"entity": "person", "value": "Smith"}])
    assert (await run_form(tracker, dispatcher))["full_name"] == "Jo Smith"


@pytest.mark.asyncio
async def test_wrong_name_guess_in_another_answer_is_ignored(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(
        "Maria.Lopez@Example.com", requested_slot="email",
        entities=[{"entity": "person", "value": "Maria.Lopez"}], slots={"full_name": "Maria Lopez"},
    )
    slots = await run_form(tracker, dispatcher)
    assert "full_name" not in slots
    assert slots["email"] == "maria.lopez@example.com"
    assert responses(dispatcher) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("intent", "value"), [("affirm", True), ("deny", False)])
async def test_consent_from_yes_or_no(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, intent: str, value: bool) -> None:
    slots = await run_form(make_tracker("yes", intent=intent, requested_slot="contact_consent"), dispatcher)
    assert slots["contact_consent"] is value


@pytest.mark.asyncio
async def test_unclear_consent_is_asked_again(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    slots = await run_form(make_tracker("maybe later", requested_slot="contact_consent"), dispatcher)
    assert slots["contact_consent"] is None
    assert responses(dispatcher) == ["utter_invalid_contact_consent"]


@pytest.mark.asyncio
async def test_treatment_button_payload(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker(
        '/inform{"treatment": "unsure"}', requested_slot="treatment_interest",
        entities=[{"entity": "treatment", "value": "unsure"}],
    )
    assert (await run_form(tracker, dispatcher))["treatment_interest"] == "unsure"


def test_slot_events_are_plain_slotsets() -> None:
    assert SlotSet("phone", None) == {"event": "slot", "timestamp": None, "name": "phone", "value": None}
