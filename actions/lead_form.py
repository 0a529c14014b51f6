"""validate_lead_form: what each question of the lead form accepts, and when it is asked.

What a message gives each question is read in actions/lead_extraction.py, skipped and failed
questions are handled by actions/form_failures.py; this class checks each value and says why
one is refused.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partialmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import (
    CHANNELS,
    is_decline,
    read_antidepressants_tried,
)
from actions.form_failures import FormFailures, Slots
from actions.lead_extraction import LeadExtraction
from actions.names import name_from_text, parse_name
from actions.treatments import normalise_treatment
from actions.turn import Turn
from clinic.contact import (
    InvalidValue,
    find_email,
    find_phone,
    mask_email,
    mask_phone,
    parse_email,
    parse_phone,
)
from clinic.lead import DECLINED, QUESTIONS, SKIPPED, AntidepressantsTried, PaymentMethod
from clinic.log_safety import conversation_ref
from clinic.places import parse_place
from clinic.profile import load_profile
from clinic.triage import service_area

TRIED_ANSWERS = tuple(answer.value for answer in AntidepressantsTried)
PAYMENT_ANSWERS = tuple(answer.value for answer in PaymentMethod) + (SKIPPED,)
# Questions at which a message that gives other details instead counts as a failed answer. Not
# the summary: any detail given there is the change the visitor asked for.
COUNTS_UNANSWERED = set(QUESTIONS) - {"details_confirmed"}

logger = logging.getLogger(__name__)


class ValidateLeadForm(LeadExtraction, FormFailures):
    def name(self) -> str:
        return "validate_lead_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            return await self._validate(dispatcher, tracker, domain)
        except Exception as exc:  # noqa: BLE001 - the visitor is asked again, the form goes on
            logger.error(
                "validate_lead_form failed for conversation %s: %s",
                conversation_ref(tracker.sender_id),
                type(exc).__name__,
            )
            dispatcher.utter_message(response="utter_answer_not_read")
            # Nothing unchecked is kept: the question is asked again.
            return [SlotSet(slot, None) for slot in tracker.slots_to_validate()]

    async def _validate(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if _check_in_due(tracker):
            # A possible crisis typed as an answer: heard first, then the form goes on (outside
            # the form bot/crisis_policy.py says it; here only the form's run reads the answer).
            dispatcher.utter_message(response="utter_crisis_check_in")
        # Every extract_ method reads the same message: read it once for this run.
        with Turn.shared(tracker) as turn:
            before = dict(tracker.slots)
            events = await super().run(dispatcher, tracker, domain)
            asked = turn.requested_slot
            if (
                asked in COUNTS_UNANSWERED
                and turn.gives_other_details_instead(asked)
                and not any(
                    e.get("event") == "slot" and e.get("value") != before.get(e.get("name"))
                    for e in events
                )
            ):
                # The message only repeated details already given: a failed answer.
                counted = self._count_unanswered(tracker, dispatcher, asked)
                events += [SlotSet(slot, value) for slot, value in counted.items()]
            return events

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # A minor, or a visitor we could not help after three tries: no more questions.
        # (The SDK validates only the slots returned here, so a minor's answer stays in.)
        if tracker.get_slot("is_adult") is False:
            return ["is_adult"]
        if tracker.get_slot("form_gave_up"):
            return []
        if tracker.get_slot("contact_consent") is False:
            # No consent, no lead: nothing left to confirm.
            return [slot for slot in domain_slots if slot != "details_confirmed"]
        return domain_slots

    # --- validation ------------------------------------------------------------------------
    def validate_treatment_interest(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if is_decline(str(value)):
            # "skip for now": undecided, which the consultation can settle.
            return self._skip_asked(tracker, dispatcher, "treatment_interest")
        treatment = normalise_treatment(str(value))
        if treatment is None:
            return self._refuse(tracker, dispatcher, "treatment_interest")
        return {"treatment_interest": treatment}

    def validate_is_adult(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if isinstance(value, bool):
            return {"is_adult": value}
        if is_decline(str(value)):
            return self._skip_asked(tracker, dispatcher, "is_adult")
        return self._refuse(tracker, dispatcher, "is_adult")

    def validate_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        place = parse_place(str(value))
        if place is None and is_decline(str(value)):
            return self._skip_asked(tracker, dispatcher, "location")
        if place is None:
            return self._refuse(tracker, dispatcher, "location")
        label = f"{place.city}, {place.state}" + (f" {place.zip_code}" if place.zip_code else "")
        area = service_area(place, tracker.get_slot("treatment_interest"), load_profile())
        # Once per place: a form that resumes (after a crisis, a question) validates it again.
        # (Compared with the place before this message: the SDK has already put the extracted
        # value, "Salinas", in the slot.)
        if not area.in_area and label != Turn.of(tracker).known_location:
            dispatcher.utter_message(
                response="utter_out_of_area",
                place=place.city,
                distance=f"{area.distance_miles:.0f}",
                clinic=area.clinic.name,
            )
        # zip_code, or city and state, are what action_submit_lead finds the place again by.
        return {
            "location": label,
            "zip_code": place.zip_code,
            "city": place.city,
            "state": place.state,
        }

    def validate_antidepressants_tried(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        answer = (
            str(value)
            if str(value) in TRIED_ANSWERS
            else read_antidepressants_tried(str(value), True)
        )
        if answer is None and is_decline(str(value)):
            # Read first: "none" is 0, not a skip.
            return self._skip_asked(tracker, dispatcher, "antidepressants_tried")
        if answer is None:
            return self._refuse(tracker, dispatcher, "antidepressants_tried")
        return {"antidepressants_tried": answer}

    def validate_full_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if is_decline(str(value)):
            # Checked first: "i don't want to give my name" would otherwise read as a name.
            return self._skip_asked(tracker, dispatcher, "full_name")
        try:
            return {"full_name": parse_name(name_from_text(str(value)) or str(value))}
        except InvalidValue:
            return self._refuse(tracker, dispatcher, "full_name")

    def _validate_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        slot: str,
        parse: Callable[[str], str],
        mask: Callable[[str], str],
    ) -> Slots:
        if value == DECLINED:
            return self._decline_contact(tracker, dispatcher, slot)
        try:
            normalised = parse(str(value))
        except InvalidValue as reason:
            return self._refuse(
                tracker, dispatcher, slot, invalid_value=str(value)[:60], reason=str(reason)
            )
        return {slot: normalised, f"{slot}_masked": mask(normalised)}

    validate_phone = partialmethod(
        _validate_contact, slot="phone", parse=parse_phone, mask=mask_phone
    )
    validate_email = partialmethod(
        _validate_contact, slot="email", parse=parse_email, mask=mask_email
    )

    def validate_preferred_contact_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        answer = re.sub(r"\s+", " ", str(value)).strip(" .")
        if is_decline(answer):
            # "rather not say": the team calls in opening hours, no time is stored.
            return self._skip_asked(tracker, dispatcher, "preferred_contact_time")
        if not answer or len(answer) > 100 or find_phone(answer) or find_email(answer):
            return self._refuse(tracker, dispatcher, "preferred_contact_time")
        return {"preferred_contact_time": answer}

    def validate_payment_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value in PAYMENT_ANSWERS:
            return {"payment_method": value}
        return self._refuse(tracker, dispatcher, "payment_method")

    def validate_contact_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is False:
            return {"contact_consent": False, "consent_channels": None}
        reachable = self._reachable_channels(tracker)
        if value is True:
            return {"contact_consent": True, "consent_channels": ",".join(reachable)}
        chosen = (
            [c for c in str(value).split(",") if c in CHANNELS] if isinstance(value, str) else []
        )
        usable = [c for c in chosen if c in reachable]
        if chosen and not usable:
            dispatcher.utter_message(response="utter_consent_channel_unavailable")
            return {"contact_consent": None}
        if usable:
            return {"contact_consent": True, "consent_channels": ",".join(usable)}
        return self._refuse(tracker, dispatcher, "contact_consent")

    def validate_details_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is True:
            return {"details_confirmed": True}
        dispatcher.utter_message(response="utter_ask_what_to_change")
        return {"details_confirmed": None}


def _check_in_due(tracker: Tracker) -> bool:
    """The form reads a new message that the crisis net judged a possible crisis."""
    crisis = (tracker.latest_message or {}).get("crisis") or {}
    if crisis.get("tier") != "check_in":
        return False
    # Rasa runs the validation on a copy that ends with the form's own action: the message is
    # new when nothing else ran since it (an answered question or the check-in already said).
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in (
            "lead_form",
            "action_listen",
        ):
            return False
    return False
