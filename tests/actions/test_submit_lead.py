"""action_submit_lead and action_cancel_lead, with a fake HTTP transport for the leads API."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import DECLINED
from actions.leads_client import LeadsClient
from actions.settings import ActionSettings
from actions.submit_lead import ActionCancelLead, ActionSubmitLead, idempotency_key
from tests.actions.conftest import TrackerFactory, responses

SETTINGS = ActionSettings(leads_api_url="http://leads.test", leads_service_token="svc-token", timeout_seconds=1)
FORM_SLOTS = {
    "full_name": "Maria Lopez", "phone": "+13105550123", "email": DECLINED,
    "location": "Santa Monica, CA 90401", "zip_code": "90401", "city": "Santa Monica", "state": "CA",
    "treatment_interest": "spravato", "contact_consent": True,
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

    def action(self) -> ActionSubmitLead:
        return ActionSubmitLead(LeadsClient(SETTINGS, transport=httpx.MockTransport(self.handler)))


@pytest.mark.asyncio
async def test_submit_posts_lead_with_service_token_and_key(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    api = FakeLeadsApi(201)
    tracker = make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS)
    events = await api.action().run(dispatcher, tracker, {})

    [request] = api.requests
    assert request.url == "http://leads.test/api/leads"
    assert request.headers["Authorization"] == "Bearer svc-token"
    assert request.headers["Idempotency-Key"] == idempotency_key(tracker)
    body = json.loads(request.content)
    assert body == {
        "conversation_id": "visitor-1", "full_name": "Maria Lopez", "phone": "+13105550123",
        "email": None, "zip_code": "90401", "city": "Santa Monica", "state": "CA",
        "treatment_interest": "spravato", "contact_consent": True,
    }
    assert responses(dispatcher) == ["utter_lead_submitted"]
    cleared = {event["name"] for event in events if event["value"] is None}
    assert {"full_name", "phone", "email", "zip_code"} <= cleared


@pytest.mark.asyncio
async def test_transient_failures_are_retried_with_the_same_key(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    api = FakeLeadsApi(-1, 503, 201)
    await api.action().run(dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), {})
    assert len(api.requests) == 3
    assert len({request.headers["Idempotency-Key"] for request in api.requests}) == 1
    assert responses(dispatcher) == ["utter_lead_submitted"]


@pytest.mark.asyncio
async def test_api_down_tells_the_visitor_and_keeps_the_details(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    api = FakeLeadsApi(-1, -1, -1)
    events = await api.action().run(dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), {})
    assert responses(dispatcher) == ["utter_lead_not_saved"]
    assert events == []


@pytest.mark.asyncio
async def test_rejected_lead_is_not_retried(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    api = FakeLeadsApi(422)
    await api.action().run(dispatcher, make_tracker(slots=FORM_SLOTS, events=FORM_EVENTS), {})
    assert len(api.requests) == 1
    assert responses(dispatcher) == ["utter_lead_not_saved"]


@pytest.mark.asyncio
async def test_without_consent_nothing_is_sent_and_details_are_cleared(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    api = FakeLeadsApi()
    events = await api.action().run(
        dispatcher, make_tracker(slots={**FORM_SLOTS, "contact_consent": False}, events=FORM_EVENTS), {}
    )
    assert api.requests == []
    assert responses(dispatcher) == ["utter_no_consent"]
    assert all(event["value"] is None for event in events)


def test_key_is_stable_per_form_and_differs_between_forms(make_tracker: TrackerFactory) -> None:
    first = make_tracker(events=FORM_EVENTS)
    again = make_tracker(events=FORM_EVENTS)
    second_form = make_tracker(events=[*FORM_EVENTS, {"event": "active_loop", "name": "lead_form", "timestamp": 1700000999.0}])
    other_visitor = make_tracker(events=FORM_EVENTS, sender_id="visitor-2")
    assert idempotency_key(first) == idempotency_key(again)
    assert len({idempotency_key(t) for t in (first, second_form, other_visitor)}) == 3


@pytest.mark.asyncio
async def test_cancel_clears_every_detail(make_tracker: TrackerFactory, dispatcher: CollectingDispatcher) -> None:
    events = await ActionCancelLead().run(dispatcher, make_tracker(slots=FORM_SLOTS), {})
    assert responses(dispatcher) == ["utter_lead_cancelled"]
    assert {event["name"] for event in events} >= set(FORM_SLOTS)
    assert all(event["value"] is None for event in events)


