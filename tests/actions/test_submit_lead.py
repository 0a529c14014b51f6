"""action_submit_lead and action_cancel_lead, with a fake HTTP transport for the leads API."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.leads_client import LeadsClient
from actions.outbox import Outbox
from actions.settings import ActionSettings
from actions.submit_lead import ActionCancelLead, ActionSubmitLead, idempotency_key
from clinic.lead import DECLINED, LEAD_FIELDS
from tests.actions.conftest import TrackerFactory, responses

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
