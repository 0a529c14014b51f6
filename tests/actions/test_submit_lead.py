"""action_submit_lead and action_cancel_lead, with a fake HTTP transport for the leads API."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.crisis_record import crisis_record, message_category
from actions.leads_client import LeadDeliveryError, LeadsClient
from actions.outbox import Outbox
from actions.settings import ActionSettings
from actions.submit_lead import (
    DELIVERY_BUDGET_SECONDS,
    ActionCancelLead,
    ActionSubmitLead,
    idempotency_key,
    lead_payload,
)
from clinic.lead import DECLINED, LEAD_FIELDS
from clinic.outbox_files import outbox_status
from tests.actions.conftest import TrackerFactory, responses

CONTRACT_422 = Path(__file__).resolve().parents[1] / "contracts" / "lead_refused_422.json"

SETTINGS = ActionSettings(
    leads_api_url="http://leads.test", leads_service_token="svc-token", timeout_seconds=1
)
FORM_SLOTS = {
    "full_name": "Maria Lopez",
    "phone": "+13105550123",
    "email": DECLINED,
    "location": "Santa Monica, CA 90401",
    "zip_code": "90401",
    "city": "Santa Monica",
    "state": "CA",
    "treatment_interest": "spravato",
    "contact_consent": True,
    "is_adult": True,
    "antidepressants_tried": "2+",
    "preferred_contact_time": "mornings",
    "payment_method": "skipped",
    "consent_channels": "call,text",
    "details_confirmed": True,
    "crisis_detected": True,
}
DOMAIN = {
    "responses": {
        "utter_ask_contact_consent": [{"text": "May we?", "metadata": {"consent_version": "v7"}}]
    }
}
FORM_EVENTS = [{"event": "active_loop", "name": "lead_form", "timestamp": 1700000000.5}]


class FakeLeadsApi:
    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 201
        if status == -1:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(status, json={"id": "lead-1", **json.loads(request.content)})

    def action(self, outbox: Outbox | None = None) -> ActionSubmitLead:
        client = LeadsClient(SETTINGS, transport=httpx.MockTransport(self.handler))
        return ActionSubmitLead(client, outbox or Outbox(Path("/nonexistent/outbox")))


@pytest.mark.asyncio
async def test_submit_posts_lead_with_service_token_and_key(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi(201)
    tracker = make_tracker(
        slots=FORM_SLOTS,
        events=[
            *FORM_EVENTS,
            {
                "event": "user",
                "text": "hi",
                "metadata": {"utm_source": "google", "utm_campaign": "fall"},
            },
        ],
    )
    events = await api.action().run(dispatcher, tracker, DOMAIN)

    [request] = api.requests
    assert request.url == "http://leads.test/api/leads"
    assert request.headers["Authorization"] == "Bearer svc-token"
    assert request.headers["Idempotency-Key"] == idempotency_key(tracker)
    body = json.loads(request.content)
    assert {
        k: body[k] for k in ("full_name", "phone", "email", "zip_code", "treatment_interest")
    } == {
        "full_name": "Maria Lopez",
        "phone": "+13105550123",
        "email": None,
        "zip_code": "90401",
        "treatment_interest": "spravato",
    }
    assert (
        body["contact_consent"],
        body["consent_call"],
        body["consent_text"],
        body["consent_email"],
    ) == (True, True, True, False)
    assert body["consent_text_version"] == "v7" and body["consented_at"]
    assert (body["age_confirmed"], body["antidepressants_tried"], body["payment_method"]) == (
        True,
        "2+",
        None,
    )
    assert (
        body["nearest_clinic"] == "Santa Monica Spravato clinic" and body["in_service_area"] is True
    )
    assert body["distance_miles"] < 5
    assert (body["qualified"], body["urgent"]) == (True, True)
    assert "Spravato and TMS" in body["suggested_consult"]
    assert (body["utm_source"], body["utm_campaign"]) == ("google", "fall")
    assert responses(dispatcher) == ["utter_lead_submitted"]
    cleared = {event["name"] for event in events if event["value"] is None}
    assert {"full_name", "phone", "email", "zip_code"} <= cleared


@pytest.mark.asyncio
async def test_questions_skipped_after_failed_answers_are_sent_as_not_given(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi(201)
    slots = {**FORM_SLOTS, "preferred_contact_time": "not given", "antidepressants_tried": "unsure"}
    await api.action().run(dispatcher, make_tracker(slots=slots, events=FORM_EVENTS), DOMAIN)
    body = json.loads(api.requests[0].content)
    assert (body["preferred_contact_time"], body["antidepressants_tried"]) == (None, "unsure")
    assert responses(dispatcher) == ["utter_lead_submitted"]


@pytest.mark.asyncio
async def test_transient_failures_are_retried_with_the_same_key(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi(-1, 503, 201)
    await api.action().run(dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), DOMAIN)
    assert len(api.requests) == 3
    assert len({request.headers["Idempotency-Key"] for request in api.requests}) == 1
    assert responses(dispatcher) == ["utter_lead_submitted"]


@pytest.mark.asyncio
async def test_api_down_keeps_the_lead_in_the_outbox_and_says_so(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, tmp_path: Path
) -> None:
    api = FakeLeadsApi(-1, -1, -1)
    outbox = Outbox(tmp_path)
    tracker = make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS)
    await api.action(outbox).run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lead_queued"]
    [waiting] = outbox.pending()
    assert waiting.stem == idempotency_key(tracker)
    assert json.loads(waiting.read_text())["lead"]["full_name"] == "Maria Lopez"


@pytest.mark.asyncio
async def test_bad_bytes_in_fields_and_metadata_are_cleaned_and_every_letter_kept(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi(201)
    slots = {
        **FORM_SLOTS,
        "full_name": "Nguy\u1ec5n\x00 Jos\u00e9 \u738b\u82b3\ud800",
        "city": "Santa\x85 Monica",
    }
    metadata = {
        "utm_source": "news\udc80letter\x07",
        "utm_campaign": "x" * 500,
        "utm_medium": "\x01",
    }
    tracker = make_tracker(
        slots=slots, events=[*FORM_EVENTS, {"event": "user", "text": "yes", "metadata": metadata}]
    )
    await api.action().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lead_submitted"]
    body = json.loads(api.requests[0].content.decode("utf-8"))
    assert body["full_name"] == "Nguy\u1ec5n Jos\u00e9 \u738b\u82b3"
    assert body["city"] == "Santa Monica"
    assert body["utm_source"] == "newsletter"
    assert body["utm_campaign"] == "x" * 100
    assert "utm_medium" not in body


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "metadata",
    ["utm_source=news", ["utm_source"], {"utm_source": 10**5000}, {"utm_source": {"a": 1}}],
)
async def test_metadata_of_another_shape_carries_no_campaign_and_the_lead_goes(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, metadata: Any
) -> None:
    api = FakeLeadsApi(201)
    tracker = make_tracker(
        slots=FORM_SLOTS,
        events=[*FORM_EVENTS, {"event": "user", "text": "yes", "metadata": metadata}],
    )
    await api.action().run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lead_submitted"]
    assert "utm_source" not in json.loads(api.requests[0].content)


class StallingClient(LeadsClient):
    """An API that takes its time with every byte: the action must not wait for it."""

    async def submit(
        self, lead: dict[str, Any], idempotency_key: str, budget_seconds: float | None = None
    ) -> dict[str, Any]:
        await asyncio.sleep(60)
        return {"id": "late"}


@pytest.mark.asyncio
async def test_a_stalling_api_gets_the_lead_queued_within_the_budget(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, tmp_path: Path
) -> None:
    outbox = Outbox(tmp_path)
    action = ActionSubmitLead(StallingClient(SETTINGS), outbox)
    started = time.monotonic()
    await action.run(dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), DOMAIN)
    assert time.monotonic() - started < DELIVERY_BUDGET_SECONDS + 2
    assert responses(dispatcher) == ["utter_lead_queued"] and len(outbox.pending()) == 1


@pytest.mark.asyncio
async def test_a_success_that_is_not_the_apis_keeps_the_lead_for_a_person(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, tmp_path: Path
) -> None:
    """LEADS_API_URL pointing at the website: 200 and a page, no lead stored anywhere."""
    outbox = Outbox(tmp_path)
    page = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>Home</html>"))
    action = ActionSubmitLead(LeadsClient(SETTINGS, transport=page), outbox)
    await action.run(dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), DOMAIN)
    assert responses(dispatcher) == ["utter_lead_queued"]
    assert outbox_status(tmp_path).needs_a_person == 1


@pytest.mark.asyncio
async def test_a_cancelled_delivery_keeps_the_lead(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, tmp_path: Path
) -> None:
    """The action server gives up on a request (its response timeout): the lead stays."""
    outbox = Outbox(tmp_path)
    action = ActionSubmitLead(StallingClient(SETTINGS), outbox)
    tracker = make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS)
    task = asyncio.ensure_future(action.run(dispatcher, tracker, DOMAIN))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(outbox.pending()) == 1


class BrokenClient(LeadsClient):
    async def submit(
        self, lead: dict[str, Any], idempotency_key: str, budget_seconds: float | None = None
    ) -> dict[str, Any]:
        raise RuntimeError("a bug in the client")


@pytest.mark.asyncio
async def test_an_unexpected_error_in_delivery_keeps_the_lead_in_the_outbox(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    outbox = Outbox(tmp_path)
    tracker = make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS)
    await ActionSubmitLead(BrokenClient(SETTINGS), outbox).run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lead_queued"]
    [waiting] = outbox.pending()
    assert json.loads(waiting.read_text())["idempotency_key"] == idempotency_key(tracker)
    assert "RuntimeError" in caplog.text and "Maria" not in caplog.text


@pytest.mark.asyncio
async def test_when_the_outbox_cannot_keep_it_the_visitor_hears_it_was_not_saved(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, tmp_path: Path
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the outbox folder should be
    api = FakeLeadsApi(-1, -1, -1)
    tracker = make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS)
    await api.action(Outbox(blocked / "outbox")).run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lead_not_saved"]


@pytest.mark.asyncio
async def test_a_lead_that_cannot_be_built_is_not_claimed_saved(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi(201)
    slots = {**FORM_SLOTS, "consent_channels": 7}  # not a text: building the lead fails
    await api.action().run(dispatcher, make_tracker(slots=slots, events=FORM_EVENTS), DOMAIN)
    assert api.requests == []
    assert responses(dispatcher) == ["utter_lead_not_saved"]


@pytest.mark.asyncio
async def test_a_refused_field_is_left_out_and_the_lead_sent_again_with_a_note(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    def refuse_city_once(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        if len(sent) == 1:  # the API's own 422 body (tests/api/test_leads.py checks it)
            return httpx.Response(422, content=CONTRACT_422.read_bytes())
        return httpx.Response(201, json={"id": "lead-1"})

    sent: list[dict[str, Any]] = []
    client = LeadsClient(SETTINGS, transport=httpx.MockTransport(refuse_city_once))
    tracker = make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS)
    await ActionSubmitLead(client).run(dispatcher, tracker, DOMAIN)
    assert responses(dispatcher) == ["utter_lead_submitted"]
    assert sent[1]["city"] is None and sent[1]["full_name"] == "Maria Lopez"
    assert sent[1]["delivery_note"] == (
        "Sent without city (city: String should have at most 100 characters)"
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [401, 403, 404, 400, 413])
async def test_a_refusal_a_person_can_fix_keeps_the_lead_in_the_outbox(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, tmp_path: Path, status: int
) -> None:
    api = FakeLeadsApi(status)
    outbox = Outbox(tmp_path)
    await api.action(outbox).run(
        dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), DOMAIN
    )
    assert len(api.requests) == 1
    assert responses(dispatcher) == ["utter_lead_queued"]
    [waiting] = outbox.pending()
    assert json.loads(waiting.read_text())["last_error"] == f"Leads API answered HTTP {status}"


@pytest.mark.asyncio
async def test_rejected_lead_is_not_retried(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi(422)
    await api.action().run(dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), DOMAIN)
    assert len(api.requests) == 1
    assert responses(dispatcher) == ["utter_lead_not_saved"]


@pytest.mark.asyncio
async def test_without_consent_nothing_is_sent_and_details_are_cleared(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi()
    events = await api.action().run(
        dispatcher,
        make_tracker(slots={**FORM_SLOTS, "contact_consent": False}, events=FORM_EVENTS),
        {},
    )
    assert api.requests == []
    assert responses(dispatcher) == ["utter_no_consent"]
    assert all(event["value"] is None for event in events if event["name"] != "erase_details_since")


def test_key_is_stable_per_form_and_differs_between_forms(make_tracker: TrackerFactory) -> None:
    first = make_tracker(events=FORM_EVENTS)
    again = make_tracker(events=FORM_EVENTS)
    second_form = make_tracker(
        events=[
            *FORM_EVENTS,
            {"event": "active_loop", "name": "lead_form", "timestamp": 1700000999.0},
        ]
    )
    other_visitor = make_tracker(events=FORM_EVENTS, sender_id="visitor-2")
    assert idempotency_key(first) == idempotency_key(again)
    assert len({idempotency_key(t) for t in (first, second_form, other_visitor)}) == 3


@pytest.mark.asyncio
async def test_cancel_clears_every_detail(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = await ActionCancelLead().run(
        dispatcher,
        make_tracker(
            slots=FORM_SLOTS,
            events=[
                {"event": "user", "text": "book me in", "timestamp": 1700000000.1},
                *FORM_EVENTS,
            ],
        ),
        {},
    )
    assert responses(dispatcher) == ["utter_lead_cancelled"]
    assert {event["name"] for event in events} >= set(FORM_SLOTS) - {"crisis_detected"}
    assert "crisis_detected" not in {event["name"] for event in events}
    erase = [event for event in events if event["name"] == "erase_details_since"]
    assert [event["value"] for event in erase] == [1700000000.1]
    assert all(event["value"] is None for event in events if event["name"] != "erase_details_since")


@pytest.mark.asyncio
async def test_stop_after_a_crisis_paused_and_resumed_the_form_erases_from_its_first_start(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    started = [
        {"event": "user", "text": "book me in", "timestamp": 1700000000.1},
        *FORM_EVENTS,
        {"event": "slot", "name": "phone", "value": "3105550111", "timestamp": 1700000001.0},
        {"event": "user", "text": "(crisis)", "timestamp": 1700000002.0},
        {"event": "active_loop", "name": None, "timestamp": 1700000002.1},
    ]
    for events in (
        started,  # paused: "stop" with no form running
        [
            *started,
            {"event": "user", "text": "go on", "timestamp": 1700000003.0},
            {"event": "active_loop", "name": "lead_form", "timestamp": 1700000003.1},
        ],
    ):
        dispatcher.messages.clear()
        erased = await ActionCancelLead().run(
            dispatcher, make_tracker(slots=FORM_SLOTS, events=events), {}
        )
        assert responses(dispatcher) == ["utter_lead_cancelled"]
        since = [event["value"] for event in erased if event["name"] == "erase_details_since"]
        assert since == [1700000000.1]


@pytest.mark.asyncio
async def test_stop_with_no_details_held_erases_nothing_and_asks_what_else(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = [{"event": "user", "text": "what does tms cost", "timestamp": 1700000000.1}]
    assert await ActionCancelLead().run(dispatcher, make_tracker(events=events), {}) == []
    assert responses(dispatcher) == ["utter_anything_else"]


@pytest.mark.asyncio
async def test_a_minor_is_told_and_nothing_is_sent(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi()
    events = await api.action().run(
        dispatcher,
        make_tracker(slots={**FORM_SLOTS, "is_adult": False}, events=FORM_EVENTS),
        DOMAIN,
    )
    assert api.requests == []
    assert responses(dispatcher) == ["utter_minor"]
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "erase_details_since",
        "value": 1700000000.5,
    } in events


@pytest.mark.asyncio
async def test_out_of_area_lead_is_recorded_but_not_qualified(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi()
    slots = {
        **FORM_SLOTS,
        "zip_code": "92101",
        "city": "San Diego",
        "location": "San Diego, CA 92101",
    }
    await api.action().run(dispatcher, make_tracker(slots=slots, events=FORM_EVENTS), DOMAIN)
    body = json.loads(api.requests[0].content)
    assert (body["in_service_area"], body["qualified"]) == (False, False)
    assert body["distance_miles"] > 90


@pytest.mark.asyncio
async def test_the_lead_sent_has_exactly_the_fields_the_api_takes(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # tests/structure checks LEAD_FIELDS against the API's LeadCreate; this checks the sender.
    api = FakeLeadsApi(201)
    tracker = make_tracker(
        slots=FORM_SLOTS,
        events=[
            *FORM_EVENTS,
            {
                "event": "user",
                "text": "hi",
                "metadata": {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "fall"},
            },
        ],
    )
    await api.action().run(dispatcher, tracker, DOMAIN)

    [request] = api.requests
    assert set(json.loads(request.content)) == set(LEAD_FIELDS)


# --- the crisis record: which crisis reply the conversation drew, for which visitor message ---
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def said(text: str, tier: str | None = None, category: str | None = None) -> dict[str, Any]:
    """A visitor message as Rasa stores it, with the crisis detector's entry."""
    crisis = {"tier": tier, "category": category, "audience": "self", "language": "en"}
    return {"event": "user", "text": text, "parse_data": {"text": text, "crisis": crisis}}


def answered(*actions: str) -> list[dict[str, Any]]:
    return [{"event": "action", "name": name} for name in (*actions, "action_listen")]


OPENING = [{"event": "action", "name": "action_session_start"}, said("/greet"), *answered()]
CRISIS_THEN_CHECK_IN = [
    *OPENING,
    said("what does ketamine cost"),
    *answered("utter_faq"),
    said("i have a bottle of pills and i want to take them all", "crisis", "means"),
    *answered("action_deactivate_loop", "utter_crisis"),
    said("maybe i'm just tired of everything", "check_in", "hedged"),
    *answered("utter_crisis_check_in"),
]
CHECK_IN_ONLY = [
    *OPENING,
    said("hi"),
    *answered("utter_greet"),
    said("sometimes i wish i wouldn't wake up", "check_in", "hedged"),
    *answered("utter_crisis_check_in"),
    said("i tried to end it years ago", "check_in", "past"),
    *answered("utter_crisis_check_in"),
]
NO_CRISIS = [*OPENING, said("is tms covered by insurance"), *answered("utter_faq")]
# The check-in, then the dialogue gives the crisis reply to a message the detector did not mark
# (a button's "/affirm" on the way is no message of the visitor's).
FOLLOW_UP_CRISIS = [
    *OPENING,
    said("i don't really see the point anymore", "check_in", "hedged"),
    *answered("utter_crisis_check_in"),
    said("/affirm"),
    *answered("utter_after_crisis_yes"),
    said("yes, i've been thinking about how i'd do it"),
    *answered("utter_crisis"),
]


@pytest.mark.parametrize(
    ("events", "crisis_detected", "expected"),
    [
        pytest.param(
            CRISIS_THEN_CHECK_IN, True, ("crisis", "means", 2, True), id="crisis-then-check-in"
        ),
        pytest.param(
            CHECK_IN_ONLY, False, ("check_in", "hedged", 2, False), id="check-in-only-first-one"
        ),
        pytest.param(NO_CRISIS, False, (None, None, None, False), id="none"),
        # crisis_detected stays unset (the intent was not `crisis`): the reply makes it urgent.
        pytest.param(
            FOLLOW_UP_CRISIS, False, ("crisis", "follow_up", 2, True), id="follow-up-crisis"
        ),
    ],
)
def test_the_lead_carries_the_highest_crisis_reply_and_the_message_that_drew_it(
    make_tracker: TrackerFactory,
    events: list[dict[str, Any]],
    crisis_detected: bool,
    expected: tuple[Any, ...],
) -> None:
    tracker = make_tracker(
        slots={**FORM_SLOTS, "crisis_detected": crisis_detected}, events=[*FORM_EVENTS, *events]
    )
    payload = lead_payload(tracker, DOMAIN, NOW)
    assert (
        payload["crisis_tier"],
        payload["crisis_category"],
        payload["crisis_turn"],
        payload["urgent"],
    ) == expected
    sent = json.dumps(payload)
    sentences = [e["text"] for e in events if e["event"] == "user" and len(e["text"]) > 12]
    assert sentences and not any(text in sent for text in sentences)  # no visitor text


def test_a_crisis_after_a_check_in_outranks_it() -> None:
    events = [
        said("hi"),
        *answered("utter_greet"),
        said("not sure i want to be here", "check_in", "hedged"),
        *answered("utter_crisis_check_in"),
        said("i'm going to jump tonight", "crisis", "plan"),
        *answered("utter_crisis"),
        said("i want to die", "crisis", "direct"),
        *answered("utter_crisis"),
    ]
    assert crisis_record(events) == {
        "crisis_tier": "crisis",
        "crisis_category": "plan",
        "crisis_turn": 3,
    }


def test_a_category_the_api_would_refuse_is_sent_as_a_slug() -> None:
    assert message_category(said("x", "crisis", "Third-Person")) == "third_person"
    assert message_category(said("x", "crisis", "")) == "follow_up"
    assert message_category({"event": "user", "text": "x", "parse_data": {}}) == "follow_up"


@pytest.mark.asyncio
async def test_the_crisis_record_reaches_the_api(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    api = FakeLeadsApi(201)
    tracker = make_tracker(slots=FORM_SLOTS, events=[*FORM_EVENTS, *CHECK_IN_ONLY])
    await api.action().run(dispatcher, tracker, DOMAIN)
    body = json.loads(api.requests[0].content)
    assert (body["crisis_tier"], body["crisis_category"], body["crisis_turn"]) == (
        "check_in",
        "hedged",
        2,
    )


@pytest.mark.asyncio
async def test_no_retry_starts_past_the_budget() -> None:
    api = FakeLeadsApi(503, 503, 503)
    client = LeadsClient(SETTINGS, transport=httpx.MockTransport(api.handler))
    with pytest.raises(LeadDeliveryError) as raised:
        await client.submit({"n": 1}, "lead-1", budget_seconds=0.1)  # the next wait is 0.2 s
    assert len(api.requests) == 1 and raised.value.retryable
    stored = await client.submit({"n": 1}, "lead-1")  # no budget: two more 503s, then 201
    assert len(api.requests) == 4 and stored["id"] == "lead-1"
