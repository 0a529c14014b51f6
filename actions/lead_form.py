"""validate_lead_form: fill the lead form from what visitors type, and check every value.

Extraction (`extract_<slot>`) runs on every message while the form is active and on the
message that starts it, so "I'm David Kim, text me at 213-555-0177, I live in 90026 and want
ketamine" fills four slots at once and a later "actually my email is ..." corrects one, even
at the summary. Values found *inside* a message (a phone number, an email, a ZIP code, a
treatment name) are taken from any message (actions/turn.py reads them); the whole message is
taken as a value only for the question being asked, and never from a crisis, a question, or a
stop request. Skipped and failed questions: actions/form_failures.py.
"""

from __future__ import annotations

import re
from functools import partialmethod
from typing import Any, Callable, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import CHANNELS, is_decline, read_antidepressants_tried, read_payment, read_yes_no
from actions.form_failures import FormFailures, Slots
from actions.names import is_plausible_unasked_name, name_from_text, name_in_answer, parse_name
from actions.treatments import normalise_treatment
from actions.turn import Turn
from clinic.contact import InvalidValue, find_email, find_phone, mask_email, mask_phone
from clinic.contact import parse_email, parse_phone
from clinic.lead import DECLINED, SKIPPED, AntidepressantsTried, PaymentMethod
from clinic.places import parse_place
from clinic.profile import load_profile
from clinic.triage import service_area

TRIED_ANSWERS = tuple(answer.value for answer in AntidepressantsTried)
PAYMENT_ANSWERS = tuple(answer.value for answer in PaymentMethod) + (SKIPPED,)


class ValidateLeadForm(FormFailures):
    def name(self) -> Text:
        return "validate_lead_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        # Every extract_ method reads the same message: read it once for this run.
        with Turn.shared(tracker):
            return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
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

    # --- extraction ------------------------------------------------------------------------
    async def extract_treatment_interest(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.may_carry_details:
            return {}
        value = turn.or_whole_answer("treatment_interest", turn.treatment)
        return {"treatment_interest": value} if value else {}

    async def extract_is_adult(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.may_carry_details:
            return {}
        value = turn.or_whole_answer("is_adult", turn.adult)
        return {"is_adult": value} if value is not None else {}

    async def extract_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.may_carry_details or turn.is_button_payload:
            return {}
        value = turn.or_whole_answer("location", turn.place)
        return {"location": value} if value else {}

    async def extract_antidepressants_tried(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        # "I've tried four antidepressants and none of them work" shares a feeling and answers
        # the question: the number is taken, from an explicit mention only, and the visitor
        # hears that they were listened to.
        feeling = turn.intent == "share_feelings"
        if not (turn.may_carry_details or feeling):
            return {}
        value = turn.or_whole_answer("antidepressants_tried", turn.antidepressants_tried)
        if value and feeling:
            dispatcher.utter_message(response="utter_heard_you")
        return {"antidepressants_tried": value} if value else {}

    async def extract_full_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.may_carry_details or turn.is_button_payload:
            return {}
        if turn.answers("full_name"):
            return {"full_name": name_in_answer(turn.text, turn.name)}
        has_a_name = bool(tracker.get_slot("full_name"))
        if turn.name is None or not is_plausible_unasked_name(turn.name, turn.text, has_a_name):
            return {}
        return {"full_name": turn.name}

    async def _extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, slot: Text
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.may_carry_details or turn.is_button_payload:
            return {}
        value = turn.phone if slot == "phone" else turn.email
        if value is None and turn.answers(slot):
            value = DECLINED if turn.declines_or_denies else turn.text
        return {slot: value} if value else {}

    # Phone and email are read, and checked, alike.
    extract_phone = partialmethod(_extract_contact, slot="phone")
    extract_email = partialmethod(_extract_contact, slot="email")

    async def extract_preferred_contact_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        # "morning" or "evening" at this question is a time, even when it reads as a greeting.
        is_a_time = turn.asked("preferred_contact_time") and turn.greets_with_a_time
        if not (turn.answers("preferred_contact_time") or is_a_time):
            return {}
        return {"preferred_contact_time": turn.text}

    async def extract_payment_method(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.asked("payment_method") or turn.not_an_answer:
            return {}
        value = turn.entity("payment")
        if value is None and turn.asks_for_the_consultation:
            return {}
        if value is None:
            value = SKIPPED if turn.declines_or_denies else (read_payment(turn.text) or turn.text)
        return {"payment_method": value}

    async def extract_contact_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.asked("contact_consent") or turn.not_an_answer:
            return {}
        # Anything else is shown to validate_contact_consent, which asks again.
        return {"contact_consent": turn.text if turn.consent is None else turn.consent}

    async def extract_details_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        turn = Turn.of(tracker)
        if not turn.asked("details_confirmed") or turn.not_an_answer:
            return {}
        answer = turn.yes_or_no
        if answer is None and not (turn.details - {"details_confirmed"}):
            answer = read_yes_no(turn.text)
        return {} if answer is None else {"details_confirmed": answer}

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
        if not area.in_area and label != tracker.get_slot("location"):
            dispatcher.utter_message(
                response="utter_out_of_area", place=place.city, distance=f"{area.distance_miles:.0f}",
                clinic=area.clinic.name,
            )
        # zip_code, or city and state, are what action_submit_lead finds the place again by.
        return {"location": label, "zip_code": place.zip_code, "city": place.city, "state": place.state}

    def validate_antidepressants_tried(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        answer = str(value) if str(value) in TRIED_ANSWERS else read_antidepressants_tried(str(value), True)
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
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        slot: Text, parse: Callable[[Text], Text], mask: Callable[[Text], Text],
    ) -> Slots:
        if value == DECLINED:
            return self._decline_contact(tracker, dispatcher, slot)
        try:
            normalised = parse(str(value))
        except InvalidValue as reason:
            return self._refuse(tracker, dispatcher, slot, invalid_value=str(value)[:60], reason=str(reason))
        return {slot: normalised, f"{slot}_masked": mask(normalised)}

    validate_phone = partialmethod(_validate_contact, slot="phone", parse=parse_phone, mask=mask_phone)
    validate_email = partialmethod(_validate_contact, slot="email", parse=parse_email, mask=mask_email)

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
        chosen = [c for c in str(value).split(",") if c in CHANNELS] if isinstance(value, str) else []
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
