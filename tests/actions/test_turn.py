"""Turn: one message read once per run of validate_lead_form, and never shared between runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import actions.turn
from actions.lead_form import ValidateLeadForm
from actions.turn import Turn
from tests.actions.conftest import TrackerFactory
from tests.actions.test_lead_form import DOMAIN

LONG_MESSAGE = "I'm David Kim, text me at 213-555-0177, I live in 90026 and want ketamine"


def spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """Count the calls of one of the parsers actions.turn uses."""
    calls: list[str] = []
    real: Callable[..., Any] = getattr(actions.turn, name)

    def counted(text: str, *args: Any) -> Any:
        calls.append(text)
        return real(text, *args)

    monkeypatch.setattr(actions.turn, name, counted)
    return calls


async def run_form(tracker: Tracker, form: ValidateLeadForm | None = None) -> dict[str, Any]:
    events = await (form or ValidateLeadForm()).run(CollectingDispatcher(), tracker, DOMAIN)
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "requested_slot",
    [None, "treatment_interest", "location", "phone", "payment_method", "details_confirmed"],
)
@pytest.mark.parametrize(
    "parser", ["find_phone", "find_email_attempt", "named_treatment", "is_valid_name"]
)
async def test_a_run_parses_the_message_once(
    make_tracker: TrackerFactory,
    monkeypatch: pytest.MonkeyPatch,
    requested_slot: str | None,
    parser: str,
) -> None:
    calls = spy(monkeypatch, parser)
    tracker = make_tracker(
        "hmm not sure, maybe evenings",
        requested_slot=requested_slot,
        entities=[{"entity": "person", "value": "Maybe Evenings"}],
    )
    await run_form(tracker)
    assert len(calls) <= 1  # none when no extraction needs it


@pytest.mark.asyncio
async def test_every_detail_of_a_long_message_is_found_with_one_parse_each(
    make_tracker: TrackerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone_calls = spy(monkeypatch, "find_phone")
    email_calls = spy(monkeypatch, "find_email_attempt")
    tracker = make_tracker(
        LONG_MESSAGE,
        intent="request_consultation",
        requested_slot="treatment_interest",
        entities=[{"entity": "person", "value": "David Kim"}],
    )
    slots = await run_form(tracker)
    assert slots["phone"] == "+12135550177" and slots["location"] == "Los Angeles, CA 90026"
    assert phone_calls == [LONG_MESSAGE]
    assert email_calls == [LONG_MESSAGE]


def test_outside_a_run_each_call_reads_the_message_again(make_tracker: TrackerFactory) -> None:
    tracker = make_tracker("90401")
    first = Turn.of(tracker)
    tracker.latest_message["text"] = "Santa Monica"
    assert Turn.of(tracker) is not first
    assert Turn.of(tracker).text == "Santa Monica"


def test_inside_a_run_the_turn_belongs_to_its_tracker(make_tracker: TrackerFactory) -> None:
    tracker, other = make_tracker("90401"), make_tracker("90401")
    assert tracker == other  # Tracker compares by sender and events: identity is what counts.
    with Turn.shared(tracker) as turn:
        assert Turn.of(tracker) is turn
        assert Turn.of(other) is not turn
    assert Turn.of(tracker) is not turn


def test_a_failed_run_leaves_no_turn_behind(make_tracker: TrackerFactory) -> None:
    tracker = make_tracker("90401")
    with pytest.raises(RuntimeError), Turn.shared(tracker) as turn:
        raise RuntimeError
    assert Turn.of(tracker) is not turn


class InterleavingForm(ValidateLeadForm):
    """Hands the event loop to the other runs between extractions, as a real await would."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def extract_treatment_interest(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        await asyncio.sleep(0)
        self.seen.append((tracker.latest_message["text"], Turn.of(tracker).text))
        return await super().extract_treatment_interest(dispatcher, tracker, domain)

    async def extract_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        await asyncio.sleep(0)
        self.seen.append((tracker.latest_message["text"], Turn.of(tracker).text))
        return await super().extract_location(dispatcher, tracker, domain)


@pytest.mark.asyncio
async def test_concurrent_runs_on_one_action_instance_keep_their_own_turn(
    make_tracker: TrackerFactory,
) -> None:
    """rasa-sdk runs every request on the same action object: runs that interleave must not
    read each other's message."""
    messages = [
        ("I live in 90026 and want ketamine", "location"),
        ("tms please, I'm in Santa Monica 90401", "treatment_interest"),
        ("my zip is 91101", "antidepressants_tried"),
    ]
    alone = [await run_form(make_tracker(text, requested_slot=slot)) for text, slot in messages]
    form = InterleavingForm()
    together = await asyncio.gather(
        *(run_form(make_tracker(text, requested_slot=slot), form) for text, slot in messages)
    )
    assert list(together) == alone
    assert all(message == turn_text for message, turn_text in form.seen)
    assert len({message for message, _ in form.seen}) == len(messages)


# --- what a Turn reads -----------------------------------------------------------------------
def test_an_entity_with_a_role_is_not_the_plain_entity(make_tracker: TrackerFactory) -> None:
    turn = Turn(
        make_tracker(
            "x",
            entities=[
                {"entity": "person", "value": "Ana Torres", "role": "friend"},
                {"entity": "person", "value": "Jo Smith"},
            ],
        )
    )
    assert turn.entity("person") == "Jo Smith"
    assert turn.entity("city") is None


@pytest.mark.parametrize(
    ("text", "intent", "requested_slot", "not_an_answer"),
    [
        ("skip this one", "stop", "phone", False),  # a skip read as "stop" skips the question only
        ("stop, forget it", "stop", "phone", True),
        ("what is spravato?", "faq", "treatment_interest", True),
        ("spravto i guess", "faq", "treatment_interest", False),
        ("thanks", "thanks", "phone", True),
        ("90401", "inform", "location", False),
    ],
)
def test_what_is_no_answer(
    make_tracker: TrackerFactory, text: str, intent: str, requested_slot: str, not_an_answer: bool
) -> None:
    turn = Turn(make_tracker(text, intent=intent, requested_slot=requested_slot))
    assert turn.not_an_answer is not_an_answer


def test_details_found_inside_a_message(make_tracker: TrackerFactory) -> None:
    turn = Turn(
        make_tracker(
            LONG_MESSAGE,
            intent="request_consultation",
            entities=[{"entity": "person", "value": "David Kim"}],
        )
    )
    assert turn.details == {"phone", "location", "treatment_interest", "full_name"}
    assert not turn.asks_for_the_consultation


def test_a_message_that_answers_another_question_is_not_the_answer(
    make_tracker: TrackerFactory,
) -> None:
    turn = Turn(
        make_tracker(
            "culver city",
            requested_slot="treatment_interest",
            entities=[
                {"entity": "city", "value": "Culver City", "start": 0, "end": 11},
            ],
        )
    )
    assert turn.details == {"location"}
    assert not turn.answers("treatment_interest")
    assert turn.or_whole_answer("treatment_interest", None) is None


@pytest.mark.parametrize(
    ("text", "requested_slot", "zip_code"),
    [
        ("I live in 90026", "phone", "90026"),  # a cue: a place at any question
        ("90026", "phone", None),  # five digits alone at the phone question: a bad number
        ("hmm what about 90401", "antidepressants_tried", "90401"),  # no count has five digits
        ("00000", "antidepressants_tried", None),  # not a ZIP code that exists
    ],
)
def test_a_zip_code_outside_the_location_question(
    make_tracker: TrackerFactory, text: str, requested_slot: str, zip_code: str | None
) -> None:
    assert Turn(make_tracker(text, requested_slot=requested_slot)).zip == zip_code


def test_the_city_after_in_or_near_wins(make_tracker: TrackerFactory) -> None:
    text = "ok cool, I'm near culver city"
    turn = Turn(
        make_tracker(
            text,
            entities=[
                {"entity": "city", "value": "Cool", "start": 3, "end": 7},
                {"entity": "city", "value": "Culver City", "start": 18, "end": 29},
            ],
        )
    )
    assert turn.city == "Culver City"


def test_a_button_payload_gives_no_details_in_its_words(make_tracker: TrackerFactory) -> None:
    turn = Turn(
        make_tracker('/inform{"antidepressants": "2+"}', requested_slot="antidepressants_tried")
    )
    assert turn.is_button_payload
    assert turn.antidepressants_tried is None
    assert not turn.answers("antidepressants_tried")


def _city(text: str, name: str) -> dict[str, Any]:
    start = text.lower().index(name.lower())
    return {"entity": "city", "value": name, "start": start, "end": start + len(name)}


@pytest.mark.parametrize(
    ("text", "requested_slot", "slots", "city"),
    [
        # A town's name after another word is part of something else, most often a name.
        ("Tom Baker", "full_name", {"location": "Los Angeles, CA 90025"}, None),
        ("Tom Baker", "full_name", {}, None),
        ("linda orange", "phone", {}, None),
        # Without a cue, a known place is never replaced.
        ("Salinas", "phone", {"location": "Los Angeles, CA 90025"}, None),
        # With a cue it is a place, whatever is known and whatever is asked.
        ("actually I live in Salinas now", "full_name", {"location": "x"}, "Salinas"),
        ("I'm Tom, from Baker", "full_name", {}, "Baker"),
        # On its own, with nothing known yet, or at the location question.
        ("ok Pasadena", "treatment_interest", {}, "Pasadena"),
        ("Pasadena", "treatment_interest", {}, "Pasadena"),
        ("Tom Baker", "location", {"location": "x"}, "Baker"),
    ],
)
def test_a_town_is_read_as_a_place_by_its_cue_and_position(
    make_tracker: TrackerFactory,
    text: str,
    requested_slot: str,
    slots: dict[str, Any],
    city: str | None,
) -> None:
    name = next(w for w in ("Baker", "Orange", "Salinas", "Pasadena") if w.lower() in text.lower())
    turn = Turn(
        make_tracker(text, requested_slot=requested_slot, slots=slots, entities=[_city(text, name)])
    )
    assert turn.city == city
    assert ("location" in turn.details) is (city is not None)


def test_a_town_inside_the_person_found_is_no_place(make_tracker: TrackerFactory) -> None:
    text = "hi, Ana Corona here, 90210 is my zip"
    entities = [
        {"entity": "person", "value": "Ana Corona", "start": 4, "end": 14},
        _city(text, "Corona"),
    ]
    turn = Turn(make_tracker(text, entities=entities))
    assert turn.city is None
    assert turn.place == "90210"
