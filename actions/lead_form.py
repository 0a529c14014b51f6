"""validate_lead_form: fill the lead form from what visitors type, and check every value.

Extraction (`extract_<slot>`) runs on every message while the form is active and on the
message that starts it, so "I'm David Kim, text me at 213-555-0177, I live in 90026 and want
ketamine" fills four slots at once and a later "actually my email is ..." corrects one.
Values found *inside* a message (a phone number, an email, a ZIP code, a treatment name)
are taken from any message; the whole message is taken as a value only for the question being
asked, and never from a crisis, a question, or a stop request.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.contact import (
    DECLINED,
    InvalidValue,
    find_email,
    find_phone,
    is_decline,
    name_from_text,
    parse_email,
    parse_name,
    parse_phone,
)
from actions.places import find_zip, parse_place
from actions.treatments import find_treatment, normalise_treatment

# Messages with these intents are never taken as a slot value.
NOT_AN_ANSWER = {"crisis", "faq", "stop", "bot_challenge", "greet", "goodbye", "thanks"}
# Intents under which a message may carry details even when no question asked for them.
GIVES_DETAILS = {"inform", "request_consultation", "affirm", "nlu_fallback"}

_NAME_CUE = re.compile(r"\b(?:name|i'?m|i am|call me|this is)\b", re.IGNORECASE)

Slots = Dict[Text, Any]


def _intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""


def _asked(tracker: Tracker, slot: Text) -> bool:
    return tracker.get_slot("requested_slot") == slot


def _is_button_payload(tracker: Tracker) -> bool:
    return _text(tracker).startswith("/")


def _answers(tracker: Tracker, slot: Text) -> bool:
    """Whether the whole message may be read as the answer to `slot`."""
    return (
        _asked(tracker, slot)
        and _intent(tracker) not in NOT_AN_ANSWER
        and not _is_button_payload(tracker)
    )


def _may_carry_details(tracker: Tracker) -> bool:
    return _intent(tracker) not in NOT_AN_ANSWER


def _is_plausible_unasked_name(tracker: Tracker, name: Text) -> bool:
    """A name the classifier found in a message that answered another question.

    It may replace a name already given only when the visitor says it is their name
    ("actually my name is ..."), and it must be a valid name: a wrong guess is dropped
    silently instead of troubling the visitor.
    """
    if tracker.get_slot("full_name") and not _NAME_CUE.search(_text(tracker)):
        return False
    return _is_valid_name(name)


def _is_valid_name(name: Text) -> bool:
    try:
        parse_name(name)
    except InvalidValue:
        return False
    return True


class ValidateLeadForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_lead_form"

    # --- extraction ------------------------------------------------------------------------
    async def extract_treatment_interest(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _may_carry_details(tracker):
            return {}
        entity = next(tracker.get_latest_entity_values("treatment"), None)
        value = normalise_treatment(entity) if entity else None
        if value is None and not _is_button_payload(tracker):
            value = find_treatment(_text(tracker))
        if value is None and _answers(tracker, "treatment_interest"):
            value = _text(tracker)
        return {"treatment_interest": value} if value else {}

    async def extract_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _may_carry_details(tracker) or _is_button_payload(tracker):
            return {}
        text = _text(tracker)
        value = find_zip(text)
        if value is None and (_asked(tracker, "location") or _intent(tracker) in GIVES_DETAILS):
            value = next(tracker.get_latest_entity_values("city"), None)
        if value is None and _answers(tracker, "location"):
            value = text
        return {"location": value} if value else {}

    async def extract_full_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _may_carry_details(tracker) or _is_button_payload(tracker):
            return {}
        value = next(tracker.get_latest_entity_values("person"), None)
        if _answers(tracker, "full_name"):
            # The classifier may catch only part of a name ("Smith" of "Jo Smith"): the
            # whole answer comes first, the entity second, the raw text to explain a refusal.
            candidates = [name_from_text(_text(tracker)), value]
            valid = [c for c in candidates if c and _is_valid_name(c)]
            return {"full_name": valid[0] if valid else _text(tracker)}
        if value is None or not _is_plausible_unasked_name(tracker, value):
            return {}
        return {"full_name": value}

    async def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return self._extract_contact(tracker, "phone", find_phone)

    async def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return self._extract_contact(tracker, "email", find_email)

    @staticmethod
    def _extract_contact(tracker: Tracker, slot: Text, find: Any) -> Slots:
        if not _may_carry_details(tracker) or _is_button_payload(tracker):
            return {}
        text = _text(tracker)
        value = find(text)
        if value is None and _answers(tracker, slot):
            value = DECLINED if is_decline(text) or _intent(tracker) == "deny" else text
        return {slot: value} if value else {}

    async def extract_contact_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _asked(tracker, "contact_consent") or _intent(tracker) in NOT_AN_ANSWER:
            return {}
        intent = _intent(tracker)
        if intent == "affirm":
            return {"contact_consent": True}
        if intent == "deny":
            return {"contact_consent": False}
        # Anything else is shown to validate_contact_consent, which asks again.
        return {"contact_consent": _text(tracker)}

    # --- validation ------------------------------------------------------------------------
    def validate_treatment_interest(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        treatment = normalise_treatment(str(value))
        if treatment is None:
            dispatcher.utter_message(response="utter_invalid_treatment_interest")
        return {"treatment_interest": treatment}

    def validate_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        place = parse_place(str(value))
        if place is None:
            dispatcher.utter_message(response="utter_invalid_location")
            return {"location": None}
        label = f"{place.city}, {place.state}" + (f" {place.zip_code}" if place.zip_code else "")
        return {
            "location": label,
            "zip_code": place.zip_code,
            "city": place.city,
            "state": place.state,
        }

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        try:
            return {"full_name": parse_name(name_from_text(str(value)) or str(value))}
        except InvalidValue:
            dispatcher.utter_message(response="utter_invalid_full_name")
            return {"full_name": None}

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return self._validate_contact(value, dispatcher, tracker, "phone", "email", parse_phone)

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return self._validate_contact(value, dispatcher, tracker, "email", "phone", parse_email)

    @staticmethod
    def _validate_contact(
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: Text,
        other: Text,
        parse: Callable[[Text], Text],
    ) -> Slots:
        if value == DECLINED:
            # One of phone and email may be declined, not both.
            if tracker.get_slot(other) == DECLINED:
                dispatcher.utter_message(response="utter_need_one_contact")
                return {slot: None}
            return {slot: DECLINED}
        try:
            return {slot: parse(str(value))}
        except InvalidValue as reason:
            dispatcher.utter_message(
                response=f"utter_invalid_{slot}", invalid_value=str(value)[:60], reason=str(reason)
            )
            return {slot: None}

    def validate_contact_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if isinstance(value, bool):
            return {"contact_consent": value}
        dispatcher.utter_message(response="utter_invalid_contact_consent")
        return {"contact_consent": None}


def form_slot_names() -> List[Text]:
    """Every slot the form fills, directly or while validating."""
    return [
        "treatment_interest", "location", "zip_code", "city", "state",
        "full_name", "phone", "email", "contact_consent",
    ]
