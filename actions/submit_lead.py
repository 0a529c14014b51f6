"""Deliver a completed lead to the leads API (or the outbox), or drop it when it may not be kept."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.crisis_record import crisis_record
from actions.delivery import deliver
from actions.leads_client import LeadDeliveryError, LeadsClient
from actions.outbox import Outbox, outbox_from_env
from actions.settings import ActionSettings
from clinic.clean_text import clean_record, clean_text
from clinic.lead import FORM_SLOTS, NOT_ANSWERED, TEXT_LIMITS, UTM_KEYS, CrisisTier
from clinic.log_safety import conversation_ref
from clinic.places import Place, place_for_city, place_for_zip
from clinic.profile import load_profile
from clinic.triage import is_qualified, service_area, suggested_consult
from clinic.unsent_details import unsent_details_since

logger = logging.getLogger(__name__)

# How long the visitor waits for the API at the final "yes" before the lead goes to the outbox.
DELIVERY_BUDGET_SECONDS = 3.0


def _form_started_at(tracker: Tracker) -> float | None:
    """When the current lead form was activated: one form instance, one lead."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "lead_form":
            return event.get("timestamp")
    return None


def idempotency_key(tracker: Tracker) -> str:
    seed = f"{tracker.sender_id}:{_form_started_at(tracker)}"
    return "lead-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


def consent_version(domain: DomainDict) -> str | None:
    """The version of the consent text the visitor was shown (metadata of the domain response)."""
    variants = (domain.get("responses") or {}).get("utter_ask_contact_consent") or [{}]
    return (variants[0].get("metadata") or {}).get("consent_version")


def campaign(tracker: Tracker) -> dict[str, Any]:
    """UTM parameters the website passed in a message's metadata, latest first."""
    for event in reversed(tracker.events):
        metadata = event.get("metadata") if event.get("event") == "user" else None
        if not isinstance(metadata, dict):
            continue  # the widget sends an object; anything else carries no campaign
        # Only text: a number or an object in a UTM field is no campaign name.
        found = {
            key: clean_text(metadata[key], TEXT_LIMITS[key])
            for key in UTM_KEYS
            if isinstance(metadata.get(key), str)
        }
        found = {key: value for key, value in found.items() if value}
        if found:
            return found
    return {}


def _given(value: Any) -> Any:
    return None if value is None or value in NOT_ANSWERED else value


def lead_place(tracker: Tracker) -> Place | None:
    """The place validate_lead_form resolved, found again by what it stored: its ZIP code, or
    its city and state as the postal data spells them. Lookups: what the visitor typed is not
    read again."""
    zip_code, city, state = (tracker.get_slot(name) for name in ("zip_code", "city", "state"))
    if zip_code:
        return place_for_zip(zip_code)
    return place_for_city(city, state) if city and state else None


def lead_payload(tracker: Tracker, domain: DomainDict, now: datetime) -> dict[str, Any]:
    slot = tracker.get_slot
    treatment = slot("treatment_interest")
    channels = (slot("consent_channels") or "").split(",")
    place = lead_place(tracker)
    # The service area is computed again: the nearest clinic depends on the treatment, which the
    # visitor may change after giving the place.
    area = service_area(place, treatment, load_profile()) if place else None
    phone, email = _given(slot("phone")), _given(slot("email"))
    adult = slot("is_adult") is True
    in_area = area.in_area if area else None
    crisis = crisis_record(tracker.events)
    # A crisis reply makes the lead urgent even when the dialogue, not the detector, gave it.
    urgent = slot("crisis_detected") is True or crisis["crisis_tier"] == CrisisTier.crisis.value
    lead = {
        "conversation_id": tracker.sender_id,
        "full_name": slot("full_name"),
        "phone": phone,
        "email": email,
        "zip_code": slot("zip_code"),
        "city": slot("city"),
        "state": slot("state"),
        "treatment_interest": treatment,
        "contact_consent": slot("contact_consent") is True,
        "age_confirmed": adult,
        "antidepressants_tried": slot("antidepressants_tried"),
        "preferred_contact_time": _given(slot("preferred_contact_time")),
        "payment_method": _given(slot("payment_method")),
        "consent_text_version": consent_version(domain),
        "consented_at": now.isoformat(),
        "consent_call": "call" in channels and phone is not None,
        "consent_text": "text" in channels and phone is not None,
        "consent_email": "email" in channels and email is not None,
        "in_service_area": in_area,
        "distance_miles": area.distance_miles if area else None,
        "nearest_clinic": area.clinic.name if area else None,
        "qualified": is_qualified(
            adult, bool(phone or email), slot("contact_consent") is True, bool(in_area)
        ),
        "urgent": urgent,
        "suggested_consult": suggested_consult(treatment, slot("antidepressants_tried")),
        **crisis,
        "delivery_note": None,  # set by actions.delivery when the API refused a field
        **campaign(tracker),
    }
    # Slots hold what the visitor typed, which the form checked but did not clean.
    return clean_record(lead, TEXT_LIMITS, default=max(TEXT_LIMITS.values()))


def clear_form_slots() -> list[EventType]:
    return [SlotSet(name, None) for name in FORM_SLOTS] + [SlotSet("requested_slot", None)]


def erase_form_details(tracker: Tracker) -> list[EventType]:
    """Clear the form and have the conversation store erase what was said since the unsent
    form instance began (clinic.unsent_details), before a crisis that paused it included."""
    since = unsent_details_since(tracker.events)
    erase = [SlotSet("erase_details_since", since)] if since is not None else []
    return clear_form_slots() + erase


class ActionSubmitLead(Action):
    def __init__(self, client: LeadsClient | None = None, outbox: Outbox | None = None) -> None:
        self._client = client
        self._outbox = outbox

    def name(self) -> str:
        return "action_submit_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Nothing is kept for a minor, without consent, or when the form gave up.
        if tracker.get_slot("is_adult") is False:
            dispatcher.utter_message(response="utter_minor")
            return erase_form_details(tracker)
        if tracker.get_slot("form_gave_up"):
            return erase_form_details(tracker)
        if tracker.get_slot("contact_consent") is not True:
            dispatcher.utter_message(response="utter_no_consent")
            return erase_form_details(tracker)

        ref = conversation_ref(tracker.sender_id)
        try:
            lead = lead_payload(tracker, domain, datetime.now(timezone.utc))
        except Exception as exc:  # noqa: BLE001 - the visitor hears the truth whatever failed
            logger.error("Lead for conversation %s not built: %s", ref, type(exc).__name__)
            dispatcher.utter_message(response="utter_lead_not_saved")
            return []
        key = idempotency_key(tracker)
        try:
            client = self._client or LeadsClient(ActionSettings.from_env())
            # The client keeps to the budget per try; this bounds an API that answers slowly.
            stored = await asyncio.wait_for(
                deliver(client, lead, key, DELIVERY_BUDGET_SECONDS), DELIVERY_BUDGET_SECONDS + 1
            )
        except asyncio.TimeoutError:
            logger.warning("Lead delivery for conversation %s ran out of time", ref)
            return self._keep(dispatcher, key, lead, ref, "delivery took too long", False)
        except asyncio.CancelledError:
            # The action server gave up on this request: the lead is kept before it goes.
            self._keep(dispatcher, key, lead, ref, "delivery cancelled", False)
            raise
        except LeadDeliveryError as exc:
            if not exc.retryable:
                logger.error("Lead refused by the API for conversation %s: %s", ref, exc)
                dispatcher.utter_message(response="utter_lead_not_saved")
                return []
            logger.warning("Lead for conversation %s not delivered: %s", ref, exc)
            return self._keep(dispatcher, key, lead, ref, str(exc), exc.needs_a_person)
        except Exception as exc:  # noqa: BLE001 - a lead about to be delivered is never dropped
            logger.error("Lead delivery for conversation %s failed: %s", ref, type(exc).__name__)
            return self._keep(dispatcher, key, lead, ref, type(exc).__name__, False)
        logger.info("Lead %s stored for conversation %s", stored.get("id"), ref)
        dispatcher.utter_message(response="utter_lead_submitted")
        return clear_form_slots()

    def _keep(
        self,
        dispatcher: CollectingDispatcher,
        key: str,
        lead: dict[str, Any],
        ref: str,
        reason: str,
        needs_a_person: bool,
    ) -> list[EventType]:
        """Keep the lead in the outbox for later delivery, or tell the visitor it is not saved."""
        try:
            (self._outbox or outbox_from_env()).put(key, lead, reason, needs_a_person)
        except Exception as exc:  # noqa: BLE001 - a full disk must not silence the reply
            logger.error("Outbox refused the lead of conversation %s: %s", ref, type(exc).__name__)
            dispatcher.utter_message(response="utter_lead_not_saved")
            return []
        logger.warning("Lead for conversation %s kept in the outbox", ref)
        dispatcher.utter_message(response="utter_lead_queued")
        return clear_form_slots()


class ActionCancelLead(Action):
    def name(self) -> str:
        return "action_cancel_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if unsent_details_since(tracker.events) is None:  # nothing was asked or given
            dispatcher.utter_message(response="utter_anything_else")
            return []
        dispatcher.utter_message(response="utter_lead_cancelled")
        return erase_form_details(tracker)
