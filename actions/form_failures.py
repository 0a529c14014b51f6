"""What the lead form does when a visitor skips a question or cannot answer it.

A question the clinic can do without (treatment, medication history, best time, payment, one
of phone and email) may be skipped, and after three failed answers the form moves on: the team
asks on the call, and nothing given so far is lost. A question a lead needs (age, place, name, a
way to reach them, consent) cannot be skipped; after three failed answers the form gives up
(`form_gave_up`), and action_submit_lead stores nothing and says why.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from clinic.lead import (
    DECLINED,
    NOT_GIVEN,
    SKIPPED,
    AntidepressantsTried,
    Channel,
    TreatmentInterest,
)

Slots = dict[str, Any]


class FormFailures(FormValidationAction, ABC):
    """A form validation action with the skip and three-failures policy.

    Abstract (`name`), so the action server registers only the forms built on it.
    """

    MAX_FAILURES: ClassVar[int] = 3
    # The two ways to reach a visitor: either may be declined while the other stays open.
    OTHER_CONTACT: ClassVar[dict[str, str]] = {"phone": "email", "email": "phone"}
    # What a question the lead can do without is recorded as when the visitor skips it, or after
    # MAX_FAILURES unreadable answers.
    SKIP_AFTER_FAILURES: ClassVar[dict[str, str]] = {
        "treatment_interest": TreatmentInterest.unsure.value,
        "antidepressants_tried": AntidepressantsTried.unsure.value,
        "preferred_contact_time": NOT_GIVEN,
        "payment_method": SKIPPED,
    }

    @abstractmethod
    def name(self) -> str: ...

    def _skip_asked(self, tracker: Tracker, dispatcher: CollectingDispatcher, slot: str) -> Slots:
        """The visitor declined the question asked: a question the lead can do without is recorded
        as skipped; for one it needs, the visitor hears why and is asked again."""
        return self._skipped_value(tracker, slot) or self._refuse(
            tracker, dispatcher, slot, skip_asked=True
        )

    def _refuse(
        self,
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
        slot: str,
        skip_asked: bool = False,
        **details: Any,
    ) -> Slots:
        """Explain why the answer was refused (`skip_asked`: the visitor wanted to skip a question
        the lead needs). After three refusals, skip a question the lead can do without; for one
        it needs, offer the phone instead."""
        # Read from the tracker, not kept: the SDK writes each validation back into it, so a
        # second refusal in the same run counts the first.
        failures = dict(tracker.get_slot("form_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        if failures[slot] < self.MAX_FAILURES:
            response = "utter_cannot_skip" if skip_asked else f"utter_invalid_{slot}"
            dispatcher.utter_message(response=response, **details)
            return {slot: None, "form_failures": failures}
        return self._after_last_failure(tracker, dispatcher, slot, failures)

    def _count_unanswered(
        self, tracker: Tracker, dispatcher: CollectingDispatcher, slot: str
    ) -> Slots:
        """The message gave other details instead of an answer to `slot` ("I live in Salinas" at
        the name question). Nothing was wrong, so nothing is said and the question is asked
        again; but it counts towards the three failures, so no question is asked for ever."""
        failures = dict(tracker.get_slot("form_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        if failures[slot] < self.MAX_FAILURES:
            return {"form_failures": failures}
        return self._after_last_failure(tracker, dispatcher, slot, failures)

    def _after_last_failure(
        self, tracker: Tracker, dispatcher: CollectingDispatcher, slot: str, failures: Slots
    ) -> Slots:
        skipped = self._skipped_value(tracker, slot)
        if skipped:
            dispatcher.utter_message(response="utter_skipping_question")
            return {**skipped, "form_failures": failures}
        dispatcher.utter_message(response="utter_too_many_attempts")
        return {slot: None, "form_failures": failures, "form_gave_up": True}

    def _skipped_value(self, tracker: Tracker, slot: str) -> Slots:
        """The slots that record `slot` as skipped, or {} when the lead cannot do without it."""
        if slot in self.SKIP_AFTER_FAILURES:
            return {slot: self.SKIP_AFTER_FAILURES[slot]}
        other = self.OTHER_CONTACT.get(slot)
        if other and tracker.get_slot(other) != DECLINED:
            # The other way to reach them is still open (given, or asked next).
            return self._declined(slot)
        return {}

    def _decline_contact(
        self, tracker: Tracker, dispatcher: CollectingDispatcher, slot: str
    ) -> Slots:
        """The visitor declined to give a phone or an email: one may be declined, not both."""
        if tracker.get_slot(self.OTHER_CONTACT[slot]) == DECLINED:
            dispatcher.utter_message(response="utter_need_one_contact")
            return {slot: None}
        return self._declined(slot)

    @staticmethod
    def _declined(slot: str) -> Slots:
        """Phone or email recorded as not given (the other one must stay open)."""
        return {slot: DECLINED, f"{slot}_masked": NOT_GIVEN}

    @staticmethod
    def _reachable_channels(tracker: Tracker) -> list[str]:
        """The channels left open by the phone and email given and not declined."""
        phone = tracker.get_slot("phone") not in (None, DECLINED)
        email = tracker.get_slot("email") not in (None, DECLINED)
        open_by = {Channel.call: phone, Channel.text: phone, Channel.email: email}
        return [channel.value for channel, is_open in open_by.items() if is_open]
