"""validate_lead_form, driven the way Rasa drives it: extraction, then validation."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.lead_form import ValidateLeadForm
from clinic.lead import DECLINED, QUESTIONS
from tests.actions.conftest import TrackerFactory, responses

REQUIRED = list(QUESTIONS)
DOMAIN: dict[str, Any] = {
    "forms": {"lead_form": {"required_slots": REQUIRED}},
    "slots": {
        name: {}
        for name in REQUIRED
        + [
            "zip_code",
            "city",
            "state",
            "phone_masked",
            "email_masked",
            "consent_channels",
            "form_failures",
            "form_gave_up",
        ]
    },
}


async def run_form(tracker: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    events = await ValidateLeadForm().run(dispatcher, tracker, DOMAIN)
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


@pytest.mark.asyncio
async def test_first_message_fills_every_slot_it_names(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "I'm David Kim, text me at 213-555-0177, I live in 90026 and want ketamine",
        intent="request_consultation",
        entities=[
            {"entity": "person", "value": "David Kim"},
            {"entity": "treatment", "value": "ketamine"},
        ],
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["full_name"] == "David Kim"
    assert slots["phone"] == "+12135550177"
    assert slots["location"] == "Los Angeles, CA 90026"
    assert (slots["zip_code"], slots["city"], slots["state"]) == ("90026", "Los Angeles", "CA")
    assert slots["treatment_interest"] == "ketamine"
    assert slots["phone_masked"] == "•••-•••-0177"
    assert "email" not in slots
    assert responses(dispatcher) == []


@pytest.mark.asyncio
async def test_a_short_number_at_the_phone_question_is_a_bad_phone_not_an_age(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("12", intent="inform", requested_slot="phone", slots={"is_adult": True})
    slots = await run_form(tracker, dispatcher)
    assert "is_adult" not in slots
    assert slots["phone"] is None
    assert responses(dispatcher) == ["utter_invalid_phone"]


@pytest.mark.asyncio
async def test_invalid_phone_is_refused_with_reason(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(make_tracker("12345", requested_slot="phone"), dispatcher)
    assert slots["phone"] is None
    [message] = dispatcher.messages
    assert message["response"] == "utter_invalid_phone"
    assert message["reason"] == "it has too few digits"


@pytest.mark.asyncio
async def test_invalid_email_is_refused_with_reason(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(make_tracker("sam.r@yahoo", requested_slot="email"), dispatcher)
    assert slots["email"] is None
    assert responses(dispatcher) == ["utter_invalid_email"]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["dana.k@gmail", "it's dana.k@gmail"])
async def test_a_mistyped_email_at_the_phone_question_is_refused_as_an_email(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    # Not "it has no digits" about a phone: the visitor gave their email instead.
    slots = await run_form(make_tracker(text, requested_slot="phone"), dispatcher)
    assert "phone" not in slots
    assert slots["email"] is None
    [message] = dispatcher.messages
    assert (message["response"], message["invalid_value"]) == (
        "utter_invalid_email",
        "dana.k@gmail",
    )


@pytest.mark.asyncio
async def test_email_can_be_declined_when_phone_given(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "I'd rather not give my email", requested_slot="email", slots={"phone": "+13105550123"}
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["email"] == DECLINED
    assert slots["email_masked"] == "not given"


@pytest.mark.asyncio
async def test_phone_and_email_cannot_both_be_declined(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("skip", requested_slot="email", slots={"phone": DECLINED})
    slots = await run_form(tracker, dispatcher)
    assert slots["email"] is None
    assert responses(dispatcher) == ["utter_need_one_contact"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text", ["i don't want to give my number", "not comfortable sharing my phone"]
)
async def test_declining_the_phone_understood_as_stop_is_a_decline(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    tracker = make_tracker(text, intent="stop", requested_slot="phone")
    slots = await run_form(tracker, dispatcher)
    assert slots["phone"] == DECLINED
    assert slots["phone_masked"] == "not given"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("stop, i don't want to give my number", "phone"),  # a stop word: the whole request ends
        ("cancel, skip it", "location"),
        ("never mind, i'd rather not say", "preferred_contact_time"),
    ],
)
async def test_a_stop_that_is_more_than_a_skip_fills_nothing(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str, asked: str
) -> None:
    tracker = make_tracker(text, intent="stop", requested_slot=asked)
    assert await run_form(tracker, dispatcher) == {}
    assert responses(dispatcher) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "asked", "value"),
    [
        ("skip this one", "treatment_interest", "unsure"),
        ("i'd rather not say", "antidepressants_tried", "unsure"),
        ("skip that", "preferred_contact_time", "not given"),
        ("can we skip the insurance question", "payment_method", "skipped"),
    ],
)
async def test_a_skip_read_as_stop_skips_a_question_the_lead_can_do_without(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    asked: str,
    value: str,
) -> None:
    # The classifier may call a skip "stop": the form still reads it as the answer.
    slots = await run_form(make_tracker(text, intent="stop", requested_slot=asked), dispatcher)
    assert slots[asked] == value
    assert responses(dispatcher) == []


@pytest.mark.asyncio
async def test_none_is_no_skip_at_the_antidepressants_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(
        make_tracker("none", intent="deny", requested_slot="antidepressants_tried"), dispatcher
    )
    assert slots["antidepressants_tried"] == "0"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "asked", "intent"),
    [
        ("i don't want to give my name", "full_name", "stop"),
        ("skip", "full_name", "inform"),
        ("rather not say", "location", "stop"),
        ("skip this one", "is_adult", "inform"),
    ],
)
async def test_a_question_the_lead_needs_cannot_be_skipped(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    asked: str,
    intent: str,
) -> None:
    slots = await run_form(make_tracker(text, intent=intent, requested_slot=asked), dispatcher)
    assert slots[asked] is None  # asked again: nothing was stored, the form goes on
    assert slots["form_failures"] == {asked: 1}
    assert responses(dispatcher) == ["utter_cannot_skip"]


@pytest.mark.asyncio
async def test_correction_replaces_a_value_given_earlier(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "actually my email is sam.r@yahoo.com",
        requested_slot="contact_consent",
        slots={"email": "old@example.com"},
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["email"] == "sam.r@yahoo.com"


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["crisis", "faq", "stop"])
async def test_no_slot_is_filled_from_a_crisis_question_or_stop(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, intent: str
) -> None:
    tracker = make_tracker(
        "I want to end it all, call 310-555-0123", intent=intent, requested_slot="full_name"
    )
    assert await run_form(tracker, dispatcher) == {}


@pytest.mark.asyncio
async def test_unknown_place_is_refused(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(make_tracker("the moon", requested_slot="location"), dispatcher)
    assert slots["location"] is None
    assert responses(dispatcher) == ["utter_invalid_location"]


@pytest.mark.asyncio
async def test_partial_name_entity_does_not_beat_the_whole_answer(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "Jo Smith", requested_slot="full_name", entities=[{"entity": "person", "value": "Smith"}]
    )
    assert (await run_form(tracker, dispatcher))["full_name"] == "Jo Smith"


@pytest.mark.asyncio
async def test_wrong_name_guess_in_another_answer_is_ignored(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "Maria.Lopez@Example.com",
        requested_slot="email",
        entities=[{"entity": "person", "value": "Maria.Lopez"}],
        slots={"full_name": "Maria Lopez"},
    )
    slots = await run_form(tracker, dispatcher)
    assert "full_name" not in slots
    assert slots["email"] == "maria.lopez@example.com"
    assert responses(dispatcher) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("intent", "value"), [("affirm", True), ("deny", False)])
async def test_consent_from_yes_or_no(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, intent: str, value: bool
) -> None:
    slots = await run_form(
        make_tracker("yes", intent=intent, requested_slot="contact_consent"), dispatcher
    )
    assert slots["contact_consent"] is value


@pytest.mark.asyncio
async def test_unclear_consent_is_asked_again(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(
        make_tracker("maybe later", requested_slot="contact_consent"), dispatcher
    )
    assert slots["contact_consent"] is None
    assert responses(dispatcher) == ["utter_invalid_contact_consent"]


@pytest.mark.asyncio
async def test_treatment_button_payload(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        '/inform{"treatment": "unsure"}',
        requested_slot="treatment_interest",
        entities=[{"entity": "treatment", "value": "unsure"}],
    )
    assert (await run_form(tracker, dispatcher))["treatment_interest"] == "unsure"


def test_slot_events_are_plain_slotsets() -> None:
    assert SlotSet("phone", None) == {
        "event": "slot",
        "timestamp": None,
        "name": "phone",
        "value": None,
    }


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "intent", "adult"),
    [
        ("yes", "affirm", True),
        ("no", "deny", False),
        ("I'm 17", "inform", False),
        ("i am 42", "inform", True),
        ("yep 41", "inform", True),
        ("yeah", "inform", True),
        ("nope, 16", "inform", False),
        ("of course", "faq", True),
    ],
)
async def test_age_question(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    intent: str,
    adult: bool,
) -> None:
    slots = await run_form(make_tracker(text, intent=intent, requested_slot="is_adult"), dispatcher)
    assert slots["is_adult"] is adult


@pytest.mark.asyncio
async def test_a_minor_ends_the_form(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = await ValidateLeadForm().run(
        dispatcher, make_tracker("no", intent="deny", requested_slot="is_adult"), DOMAIN
    )
    assert {"event": "slot", "timestamp": None, "name": "requested_slot", "value": None} in events


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "value"),
    [("two", "2+"), ("just one", "1"), ("none yet", "0"), ("not sure", "unsure"), ("like 5", "2+")],
)
async def test_antidepressants_tried(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str, value: str
) -> None:
    slots = await run_form(make_tracker(text, requested_slot="antidepressants_tried"), dispatcher)
    assert slots["antidepressants_tried"] == value


@pytest.mark.asyncio
async def test_antidepressants_from_a_sentence_in_another_answer(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "I've tried three antidepressants and I live in 90026", requested_slot="location"
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["antidepressants_tried"] == "2+"
    assert slots["zip_code"] == "90026"


@pytest.mark.asyncio
async def test_contact_time_free_text(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(
        make_tracker("weekday mornings  ", requested_slot="preferred_contact_time"), dispatcher
    )
    assert slots["preferred_contact_time"] == "weekday mornings"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text",
    ["rather not say", "skip for now", "next question please", "i don't want to answer that"],
)
async def test_contact_time_may_be_skipped(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    slots = await run_form(make_tracker(text, requested_slot="preferred_contact_time"), dispatcher)
    assert slots["preferred_contact_time"] == "not given"


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["skip for now", "let's move on", "next"])
async def test_skipping_the_treatment_question_leaves_it_open(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    slots = await run_form(make_tracker(text, requested_slot="treatment_interest"), dispatcher)
    assert slots["treatment_interest"] == "unsure"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [
        ("blue cross ppo", "inform", "insurance"),
        ("I'll pay out of pocket", "inform", "self_pay"),
        ("skip", "inform", "skipped"),
        ("no", "deny", "skipped"),
        # Naming one's insurer is an insurance question out of the form, an answer inside it.
        ("i have blue cross", "faq", "insurance"),
    ],
)
async def test_payment_method(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    intent: str,
    value: str,
) -> None:
    slots = await run_form(
        make_tracker(text, intent=intent, requested_slot="payment_method"), dispatcher
    )
    assert slots["payment_method"] == value


@pytest.mark.asyncio
async def test_consent_yes_covers_the_channels_the_visitor_gave(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "yes",
        intent="affirm",
        requested_slot="contact_consent",
        slots={"phone": "+13105550123", "email": DECLINED},
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["contact_consent"] is True
    assert slots["consent_channels"] == "call,text"


@pytest.mark.asyncio
async def test_consent_limited_to_one_channel(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "only email please",
        requested_slot="contact_consent",
        slots={"phone": "+13105550123", "email": "a@b.co"},
    )
    slots = await run_form(tracker, dispatcher)
    assert (slots["contact_consent"], slots["consent_channels"]) == (True, "email")


@pytest.mark.asyncio
async def test_consent_to_a_channel_without_details_is_asked_again(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        '/inform{"consent_channel": "email"}',
        requested_slot="contact_consent",
        entities=[{"entity": "consent_channel", "value": "email"}],
        slots={"phone": "+13105550123", "email": DECLINED},
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["contact_consent"] is None
    assert responses(dispatcher) == ["utter_consent_channel_unavailable"]


@pytest.mark.asyncio
async def test_summary_no_asks_what_to_change(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(
        make_tracker("no", intent="deny", requested_slot="details_confirmed"), dispatcher
    )
    assert slots["details_confirmed"] is None
    assert responses(dispatcher) == ["utter_ask_what_to_change"]


@pytest.mark.asyncio
async def test_third_failure_at_a_needed_question_offers_the_phone_and_ends_the_form(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "Narnia", requested_slot="location", slots={"form_failures": {"location": 2}}
    )
    slots = await run_form(tracker, dispatcher)
    assert responses(dispatcher) == ["utter_too_many_attempts"]
    assert slots["form_gave_up"] is True
    assert slots["requested_slot"] is None


@pytest.mark.asyncio
async def test_third_unreadable_phone_is_skipped_while_email_is_open(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "12345",
        requested_slot="phone",
        slots={"form_failures": {"phone": 2}, "full_name": "Ana Torres"},
    )
    slots = await run_form(tracker, dispatcher)
    assert responses(dispatcher) == ["utter_skipping_question"]
    assert (slots["phone"], slots["phone_masked"]) == (DECLINED, "not given")
    assert "form_gave_up" not in slots


@pytest.mark.asyncio
async def test_third_unreadable_phone_ends_the_form_when_email_was_declined(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "12345", requested_slot="phone", slots={"form_failures": {"phone": 2}, "email": DECLINED}
    )
    slots = await run_form(tracker, dispatcher)
    assert responses(dispatcher) == ["utter_too_many_attempts"]
    assert slots["form_gave_up"] is True


@pytest.mark.parametrize(
    ("slot", "answer", "recorded"),
    [
        ("preferred_contact_time", "whenever " * 15, "not given"),
        ("payment_method", "bitcoin", "skipped"),
        ("antidepressants_tried", "purple", "unsure"),
    ],
)
@pytest.mark.asyncio
async def test_third_failure_at_a_question_the_lead_can_do_without_skips_it(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    slot: str,
    answer: str,
    recorded: str,
) -> None:
    tracker = make_tracker(answer, requested_slot=slot, slots={"form_failures": {slot: 2}})
    slots = await run_form(tracker, dispatcher)
    assert responses(dispatcher) == ["utter_skipping_question"]
    assert slots[slot] == recorded
    assert slots["form_failures"][slot] == 3
    assert "form_gave_up" not in slots


@pytest.mark.asyncio
async def test_out_of_area_is_said_kindly_and_the_location_kept(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "San Diego", requested_slot="location", slots={"treatment_interest": "spravato"}
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["city"] == "San Diego"
    [message] = dispatcher.messages
    assert message["response"] == "utter_out_of_area"
    assert 90 < float(message["distance"]) < 140
    assert message["clinic"] == "Santa Monica Spravato clinic"


@pytest.mark.asyncio
async def test_no_consent_ends_the_form_without_a_summary(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    answered = {
        slot: "x" for slot in REQUIRED if slot not in ("contact_consent", "details_confirmed")
    }
    tracker = make_tracker(
        "no",
        intent="deny",
        requested_slot="contact_consent",
        slots={**answered, "phone": "+13105550123"},
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["contact_consent"] is False
    assert slots["requested_slot"] is None


@pytest.mark.asyncio
async def test_a_short_answer_classified_as_a_question_still_answers(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("spravto i guess", intent="faq", requested_slot="treatment_interest")
    assert (await run_form(tracker, dispatcher))["treatment_interest"] == "spravato"


@pytest.mark.asyncio
async def test_a_real_question_is_left_for_the_faq(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("what is spravato?", intent="faq", requested_slot="treatment_interest")
    assert await run_form(tracker, dispatcher) == {}


@pytest.mark.asyncio
async def test_answers_to_other_questions_are_taken_without_a_refusal(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "culver city",
        requested_slot="treatment_interest",
        entities=[{"entity": "city", "value": "culver city"}],
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["city"] == "Culver City"
    assert "treatment_interest" not in slots
    assert responses(dispatcher) == []
    phone = await run_form(
        make_tracker("424 555 0199", requested_slot="treatment_interest"), CollectingDispatcher()
    )
    assert phone["phone"] == "+14245550199" and "form_failures" not in phone


@pytest.mark.asyncio
async def test_an_answer_to_the_next_question_is_not_a_wrong_age(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("I've tried a few antidepressants", requested_slot="is_adult")
    slots = await run_form(tracker, dispatcher)
    assert slots["antidepressants_tried"] == "2+"
    assert "form_failures" not in slots and responses(dispatcher) == []


@pytest.mark.asyncio
async def test_an_introduction_gives_the_name_when_the_classifier_misses_it(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "ok can someone call me, I'm Marcus Webb, 818-555-0142, I'm in Burbank",
        intent="request_consultation",
        entities=[{"entity": "city", "value": "Burbank"}],
    )
    slots = await run_form(tracker, dispatcher)
    assert (slots["full_name"], slots["phone"], slots["city"]) == (
        "Marcus Webb",
        "+18185550142",
        "Burbank",
    )


@pytest.mark.asyncio
async def test_lower_case_words_after_im_are_not_a_name(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "I'm in Burbank and I'm really tired",
        intent="inform",
        requested_slot="location",
        entities=[{"entity": "city", "value": "Burbank"}],
    )
    assert "full_name" not in await run_form(tracker, dispatcher)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["not sure yet", "no idea", "I don't know yet"])
async def test_not_sure_to_another_question_keeps_the_treatment(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    tracker = make_tracker(
        text, requested_slot="payment_method", slots={"treatment_interest": "tms"}
    )
    slots = await run_form(tracker, dispatcher)
    assert "treatment_interest" not in slots
    assert slots["payment_method"] == "unsure"


@pytest.mark.asyncio
async def test_not_sure_to_the_treatment_question_is_unsure(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(
        make_tracker("not sure yet", requested_slot="treatment_interest"), dispatcher
    )
    assert slots["treatment_interest"] == "unsure"


@pytest.mark.asyncio
async def test_several_treatments_named_in_another_answer_is_unsure(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "I'm torn between ketamine and tms",
        requested_slot="location",
        slots={"treatment_interest": "tms"},
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["treatment_interest"] == "unsure"


@pytest.mark.asyncio
async def test_the_city_after_near_wins_over_a_word_that_is_also_a_town(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "ok cool. id like to sign up, im Jordan Blake 424 555 0177 near culver city"
    entities = [
        {"entity": "city", "value": "cool", "start": 3, "end": 7},
        {"entity": "city", "value": "culver city", "start": 63, "end": 74},
    ]
    tracker = make_tracker(text, intent="request_consultation", entities=entities)
    slots = await run_form(tracker, dispatcher)
    assert slots["city"] == "Culver City"


@pytest.mark.asyncio
async def test_an_introduction_beats_half_a_name_from_the_classifier(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "id like to sign up, im Jordan Blake 424 555 0177"
    tracker = make_tracker(
        text,
        intent="request_consultation",
        entities=[{"entity": "person", "value": "Jordan", "start": 23, "end": 29}],
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["full_name"] == "Jordan Blake"
    assert slots["phone"] == "+14245550177"


@pytest.mark.asyncio
async def test_no_email_is_not_a_name(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(make_tracker("no email", requested_slot="full_name"), dispatcher)
    assert slots.get("full_name") is None


@pytest.mark.asyncio
@pytest.mark.parametrize("asked", QUESTIONS[: QUESTIONS.index("payment_method") + 1])
# "ok" is no yes to "are you 18 or older?" when the rest asks for the call.
@pytest.mark.parametrize("text", ["can someone just call me", "ok can someone call me"])
async def test_asking_for_the_consultation_mid_form_is_no_wrong_answer(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, asked: str, text: str
) -> None:
    # Nothing is extracted, so Rasa hands the message to the rule that says the request is under
    # way and asks the question again, instead of "Please choose IV ketamine, ...".
    tracker = make_tracker(
        text,
        intent="request_consultation",
        requested_slot=asked,
        slots={"treatment_interest": "tms", "full_name": "Ana Diaz"},
    )
    slots = await run_form(tracker, dispatcher)
    assert asked not in slots and "form_failures" not in slots
    assert responses(dispatcher) == []


@pytest.mark.asyncio
async def test_an_age_beside_a_call_back_request_still_answers_the_age_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # Only the bare "ok" is no answer: a number given with the request is still the age.
    tracker = make_tracker(
        "ok can someone call me, 34", intent="request_consultation", requested_slot="is_adult"
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["is_adult"] is True


@pytest.mark.asyncio
async def test_asking_for_the_consultation_with_a_detail_still_gives_it(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "yes please have someone call me, I'm in 90401",
        intent="request_consultation",
        requested_slot="location",
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["zip_code"] == "90401"


@pytest.mark.asyncio
async def test_a_feeling_with_the_number_of_antidepressants_answers_the_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "i've tried 4 antidepressants and nothing works",
        intent="share_feelings",
        requested_slot="antidepressants_tried",
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["antidepressants_tried"] == "2+"
    assert responses(dispatcher) == ["utter_heard_you"]


@pytest.mark.asyncio
@pytest.mark.parametrize("asked", ["antidepressants_tried", "is_adult", "full_name"])
async def test_a_feeling_without_a_detail_answers_nothing(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, asked: str
) -> None:
    # "no one..." or "haven't..." must not read as "no" or "none": the feeling gets its own reply.
    tracker = make_tracker(
        "no one gets it, i haven't felt like myself in months",
        intent="share_feelings",
        requested_slot=asked,
    )
    slots = await run_form(tracker, dispatcher)
    assert asked not in slots and "form_failures" not in slots
    assert responses(dispatcher) == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("morning", "greet"),
        ("evening", "greet"),
        ("Evenings please", "greet"),
        ("nights", "goodbye"),
    ],
)
async def test_a_time_of_day_at_the_time_question_is_a_time_not_a_greeting(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str, intent: str
) -> None:
    tracker = make_tracker(text, intent=intent, requested_slot="preferred_contact_time")
    slots = await run_form(tracker, dispatcher)
    assert slots["preferred_contact_time"] == text


@pytest.mark.asyncio
async def test_a_greeting_at_the_time_question_is_no_time(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("good morning", intent="greet", requested_slot="preferred_contact_time")
    assert "preferred_contact_time" not in await run_form(tracker, dispatcher)


@pytest.mark.asyncio
async def test_a_crisis_starting_with_a_time_word_is_never_the_time(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "nights are the worst, i want to die",
        intent="crisis",
        requested_slot="preferred_contact_time",
    )
    assert await run_form(tracker, dispatcher) == {}


@pytest.mark.asyncio
async def test_out_of_area_is_said_once_when_the_form_resumes(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # A form that resumes (after a crisis or a question) validates the place again.
    tracker = make_tracker(
        "ok let's continue", slots={"location": "Sacramento, CA", "treatment_interest": "ketamine"}
    )
    slots = ValidateLeadForm().validate_location("Sacramento, CA", dispatcher, tracker, DOMAIN)
    assert slots["city"] == "Sacramento"
    assert responses(dispatcher) == []


@pytest.mark.asyncio
async def test_a_zip_code_at_a_later_question_corrects_the_place(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "hmm what about 90401",
        requested_slot="antidepressants_tried",
        slots={"location": "Sacramento, CA"},
    )
    slots = await run_form(tracker, dispatcher)
    assert (slots["city"], slots["zip_code"]) == ("Santa Monica", "90401")
    assert "antidepressants_tried" not in slots
    assert responses(dispatcher) == []


@pytest.mark.asyncio
async def test_a_time_at_the_age_question_is_no_minor(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    slots = await run_form(make_tracker("after 5pm", requested_slot="is_adult"), dispatcher)
    assert slots.get("is_adult") is None
    assert responses(dispatcher) == ["utter_invalid_is_adult"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text",
    ["hello, can someone call me? Rosa Lin here, i'm 37", "Hello Rosa Lin here, can you call me"],
)
async def test_a_name_introduced_with_here_is_taken_whole(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    # The classifier may catch only the first name ("Rosa").
    tracker = make_tracker(
        text, intent="request_consultation", entities=[{"entity": "person", "value": "Rosa"}]
    )
    slots = await run_form(tracker, dispatcher)
    assert slots["full_name"] == "Rosa Lin"


@pytest.mark.asyncio
async def test_other_details_instead_of_the_answer_count_towards_three_failures(
    make_tracker: TrackerFactory,
) -> None:
    """ "I live in Salinas" at the name question moves the place and asks for the name again
    without calling the message wrong. Said again, it gives nothing new: that counts as a failed
    answer, and the third time the form stops asking."""
    text = "I live in Salinas"
    city = {"entity": "city", "value": "Salinas", "start": 10, "end": 17}
    slots: dict[str, Any] = {"location": "Los Angeles, CA 90025"}
    counted = []
    for _ in range(4):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text, entities=[city], requested_slot="full_name", slots=slots)
        changed = await run_form(tracker, dispatcher)
        slots = {**slots, **changed}
        counted.append((slots.get("form_failures") or {}).get("full_name", 0))
        if not slots.get("form_gave_up"):
            assert responses(dispatcher) in ([], ["utter_out_of_area"])
    assert slots["location"] == "Salinas, CA"
    assert counted == [0, 1, 2, 3]
    assert slots["form_gave_up"] is True
    assert responses(dispatcher) == ["utter_too_many_attempts"]


@pytest.mark.asyncio
async def test_an_unexpected_error_asks_again_and_keeps_nothing_unchecked(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: Any) -> dict[str, Any]:
        raise KeyError("a bug")

    monkeypatch.setattr(ValidateLeadForm, "validate_full_name", broken)
    tracker = make_tracker(
        "Dana Whitfield", slots={"requested_slot": "full_name", "full_name": "Dana Whitfield"}
    )
    events = await ValidateLeadForm().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_answer_not_read"]
    assert SlotSet("full_name", None) in events
    assert "KeyError" in caplog.text and "Dana" not in caplog.text
