"""What a visitor's message gives the lead form: one `extract_<slot>` method per question.

Extraction runs on every message while the form is active and on the message that starts it,
so "I'm David Kim, text me at 213-555-0177, I live in 90026 and want ketamine" fills four slots
at once and a later "actually my email is ..." corrects one, even at the summary. Values found
*inside* a message (a phone number, an email, a ZIP code, a treatment name) are taken from any
message (actions/turn.py reads them); the whole message is taken as a value only for the
question being asked, and never from a crisis, a question, or a stop request. What each
question then accepts is in actions/lead_form.py.
"""

from __future__ import annotations

from functools import partialmethod

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import read_payment, read_yes_no
from actions.form_failures import Slots
from actions.names import is_plausible_unasked_name, name_in_answer
from actions.turn import Turn
from clinic.lead import DECLINED, SKIPPED


class LeadExtraction:
    """The extract_ methods of validate_lead_form, mixed into ValidateLeadForm."""

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
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, slot: str
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
