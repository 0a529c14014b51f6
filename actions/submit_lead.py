"""Deliver a completed lead to the leads API, or drop it when the visitor stops."""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.contact import DECLINED
from actions.lead_form import form_slot_names
from actions.leads_client import LeadDeliveryError, LeadsClient
from actions.settings import ActionSettings

logger = logging.getLogger(__name__)


def _form_started_at(tracker: Tracker) -> Optional[float]:
    """When the current lead form was activated: one form instance, one lead."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "lead_form":
            return event.get("timestamp")
    return None


def idempotency_key(tracker: Tracker) -> Text:
    seed = f"{tracker.sender_id}:{_form_started_at(tracker)}"
    return "lead-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


def conversation_ref(sender_id: Text) -> Text:
    """A log-safe reference to a conversation."""
    return hashlib.sha256(sender_id.encode()).hexdigest()[:12]


def _given(value: Any) -> Any:
    return None if value in (None, DECLINED) else value


def lead_payload(tracker: Tracker) -> Dict[str, Any]:
    slot = tracker.get_slot
    return {
        "conversation_id": tracker.sender_id,
        "full_name": slot("full_name"),
        "phone": _given(slot("phone")),
        "email": _given(slot("email")),
        "zip_code": slot("zip_code"),
        "city": slot("city"),
        "state": slot("state"),
        "treatment_interest": slot("treatment_interest"),
        "contact_consent": slot("contact_consent") is True,
    }


def clear_form_slots() -> List[EventType]:
    return [SlotSet(name, None) for name in form_slot_names()]


class ActionSubmitLead(Action):
    def __init__(self, client: Optional[LeadsClient] = None) -> None:
        self._client = client

    def name(self) -> Text:
        return "action_submit_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("contact_consent") is not True:
            # No consent, no lead: nothing is sent and the details are forgotten.
            dispatcher.utter_message(response="utter_no_consent")
            return clear_form_slots()

        client = self._client or LeadsClient(ActionSettings.from_env())
        try:
            lead = await client.submit(lead_payload(tracker), idempotency_key(tracker))
        except LeadDeliveryError as exc:
            logger.error(
                "Lead not delivered for conversation %s: %s",
                conversation_ref(tracker.sender_id), exc,
            )
            dispatcher.utter_message(response="utter_lead_not_saved")
            return []
        logger.info(
            "Lead %s stored for conversation %s", lead.get("id"), conversation_ref(tracker.sender_id)
        )
        dispatcher.utter_message(response="utter_lead_submitted")
        return clear_form_slots()


class ActionCancelLead(Action):
    def name(self) -> Text:
        return "action_cancel_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_lead_cancelled")
        return clear_form_slots() + [SlotSet("requested_slot", None)]
