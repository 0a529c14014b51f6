"""One visitor message as the lead form reads it: a `Turn`.

Every `extract_<slot>` method asks the same things of the message (is it an answer at all,
which question is asked, which details does it give), and finding the details means parsing
the text for a phone number, an email, a ZIP code, an age. A Turn reads each of these once,
when first asked (`cached_property`), so one action run parses the message once however many
slots the form extracts.

A Turn holds only the message and the question asked (`requested_slot`), which stay the same
during a run. The other slots change while the form extracts and validates (the SDK writes each
result back into the tracker), so they are read from the tracker where they are needed.

One Turn per run: `Turn.shared(tracker)` wraps the run and `Turn.of(tracker)` returns that Turn
inside it. rasa-sdk keeps one action instance for all requests, so the Turn cannot live on the
action; it lives in a ContextVar, which belongs to the asyncio task serving the request: a
concurrent request, in its own task, never sees it. It is also tied to the tracker object it
was read from (the SDK passes the same one to every method of a run); Tracker cannot key a
WeakKeyDictionary, as it compares by value (sender and events) and is unhashable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from typing import Any

from rasa_sdk import Tracker

from actions.answers import (
    CHANNELS,
    is_decline,
    read_age,
    read_antidepressants_tried,
    read_channels,
    read_yes_no,
)
from actions.names import introduced_name, is_valid_name
from actions.towns import town_named
from actions.treatments import find_treatment, named_treatment, normalise_treatment
from clinic.clean_text import visible_text
from clinic.contact import find_email, find_email_attempt, find_phone
from clinic.places import find_zip, place_for_zip

# Messages with these intents are never taken as a slot value.
NOT_AN_ANSWER = {
    "crisis",
    "stop",
    "greet",
    "goodbye",
    "thanks",
    "share_feelings",
    "in_spanish",
    "other_language",
}
# These are questions or small talk only when the message reads like one: "spravto i guess",
# classified as a question about Spravato, answers "which treatment?"; "what is spravato?" does not.
QUESTION_LIKE = {"faq", "bot_challenge", "chitchat", "out_of_scope"}
_QUESTION_RE = re.compile(
    r"\?|^\s*(?:what|whats|what's|how|why|when|where|which|who|is|are|am|can|could|do|does|did|"
    r"will|would|should|tell me|explain)\b",
    re.IGNORECASE,
)
SHORT_ANSWER_WORDS = 6
# Intents under which a message may carry details even when no question asked for them.
GIVES_DETAILS = {"inform", "request_consultation", "affirm", "nlu_fallback"}
# Words that end the whole request, not only decline the detail asked for.
_STOP_WORDS = re.compile(
    r"\b(?:stop|cancel|quit|exit|abort|never\s*mind|forget (?:it|about|the|this)|"
    r"changed my mind|(?:don'?t|do not) want to (?:continue|go on|book|sign up|do this))\b",
    re.IGNORECASE,
)
_PLACE_CUE = re.compile(
    r"\b(?:zip|zipcode|postal|live|living|located|based|from|in|near|area)\b", re.IGNORECASE
)
# Questions whose answer never holds five digits in a row: a ZIP code given there is a place.
_NO_ZIP_ANSWERS = {
    "treatment_interest",
    "is_adult",
    "antidepressants_tried",
    "full_name",
    "preferred_contact_time",
    "payment_method",
    "contact_consent",
    "details_confirmed",
}
# A bare time of day or week: "morning", "evenings please", "weekends".
_TIME_ANSWER = re.compile(
    r"^\s*(?:in the\s+|early\s+|late\s+)?(?:mornings?|afternoons?|evenings?|nights?|weekdays?|"
    r"weekends?|any\s*time)\b(?!\s+(?:to|everyone|all)\b)",
    re.IGNORECASE,
)

_SHARED: ContextVar[tuple[Tracker, Turn] | None] = ContextVar("lead_form_turn", default=None)


class Turn:
    """The latest message of a tracker, with what the form reads from it."""

    def __init__(self, tracker: Tracker) -> None:
        message: dict[str, Any] = tracker.latest_message or {}
        self.intent: str | None = (message.get("intent") or {}).get("name")
        # The form reads what the visitor sees: "Nguyễn Văn An" pasted with a zero-width space
        # is that name.
        self.text: str = visible_text(message.get("text") or "")
        self.entities: list[dict[str, Any]] = message.get("entities") or []
        self.requested_slot: str | None = tracker.get_slot("requested_slot")
        # The place known before this message: a town's name without a cue does not replace it.
        self.known_location: str | None = tracker.get_slot("location")

    @classmethod
    @contextmanager
    def shared(cls, tracker: Tracker) -> Iterator[Turn]:
        """Within the block, `Turn.of(tracker)` is this one Turn."""
        turn = cls(tracker)
        token = _SHARED.set((tracker, turn))
        try:
            yield turn
        finally:
            _SHARED.reset(token)

    @classmethod
    def of(cls, tracker: Tracker) -> Turn:
        """The Turn shared for this tracker, or a new one (a method called outside a run)."""
        shared = _SHARED.get()
        if shared is not None and shared[0] is tracker:
            return shared[1]
        return cls(tracker)

    # --- what the message is -----------------------------------------------------------------
    def asked(self, slot: str) -> bool:
        return self.requested_slot == slot

    def entity(self, name: str) -> str | None:
        """The first value of an entity (without role or group) the classifier found."""
        return next(
            (
                e.get("value")
                for e in self.entities
                if e.get("entity") == name and e.get("group") is None and e.get("role") is None
            ),
            None,
        )

    @property
    def is_button_payload(self) -> bool:
        return self.text.startswith("/")

    @cached_property
    def declines(self) -> bool:
        """ "no", "skip it", "rather not say": a refusal of the question asked, by its words."""
        return is_decline(self.text)

    @property
    def declines_or_denies(self) -> bool:
        return self.declines or self.intent == "deny"

    @property
    def yes_or_no(self) -> bool | None:
        """True or False when the classifier reads the message as a yes or a no."""
        return {"affirm": True, "deny": False}.get(self.intent or "")

    @cached_property
    def skips_asked_question(self) -> bool:
        """A decline of the question asked, without words that end the whole request."""
        return bool(self.requested_slot) and self.declines and not _STOP_WORDS.search(self.text)

    @cached_property
    def not_an_answer(self) -> bool:
        if self.intent == "stop" and self.skips_asked_question:
            # "I don't want to give my number", "skip this one" understood as "stop": it skips the
            # question asked only, so the form reads it (and goes on, or says why it cannot skip)
            # instead of ending and erasing everything.
            return False
        if self.intent in NOT_AN_ANSWER:
            return True
        if self.intent in QUESTION_LIKE:
            return (
                bool(_QUESTION_RE.search(self.text)) or len(self.text.split()) > SHORT_ANSWER_WORDS
            )
        return False

    @property
    def may_carry_details(self) -> bool:
        return not self.not_an_answer

    @property
    def greets_with_a_time(self) -> bool:
        """ "morning", "evenings please" read as a greeting or a goodbye: a bare time of day or
        week (only under those intents: a crisis is never taken as an answer)."""
        return self.intent in ("greet", "goodbye") and bool(_TIME_ANSWER.match(self.text))

    # --- details found inside the message ------------------------------------------------------
    @cached_property
    def phone(self) -> str | None:
        return find_phone(self.text)

    @cached_property
    def email_attempt(self) -> str | None:
        return find_email_attempt(self.text)

    @cached_property
    def email(self) -> str | None:
        """A valid address, else a word meant as one: a mistyped address ("dana.k@gmail") is
        still an email, even at another question, and its validation says what is wrong."""
        return find_email(self.text) or self.email_attempt

    @cached_property
    def named_treatment(self) -> str | None:
        return named_treatment(self.text)

    @cached_property
    def valid_person(self) -> str | None:
        """The person the classifier found, when it is a valid full name."""
        person = self.entity("person")
        return person if person and is_valid_name(person) else None

    @cached_property
    def zip(self) -> str | None:
        """A ZIP code in a message that is not the answer to the location question."""
        if _PLACE_CUE.search(self.text):
            return find_zip(self.text)
        if self.requested_slot in _NO_ZIP_ANSWERS:
            zip_code = find_zip(self.text)
            return zip_code if zip_code and place_for_zip(zip_code) else None
        return None

    @cached_property
    def city(self) -> str | None:
        """The city the message gives (actions/towns.py says when a town's name is a place)."""
        return town_named(
            self.text,
            self.entities,
            any_town=self.asked("location"),
            alone_is_enough=self.known_location is None and not self.asked("full_name"),
        )

    @cached_property
    def details(self) -> frozenset[str]:
        """The form questions this message has an answer for, found inside it."""
        found = {
            "phone": self.phone,
            "email": self.email_attempt,
            "location": self.zip or self.city,
            "treatment_interest": self.entity("treatment") or self.named_treatment,
            "is_adult": read_age(self.text),
            "antidepressants_tried": read_antidepressants_tried(self.text, False),
            "full_name": self.valid_person,
        }
        return frozenset(slot for slot, value in found.items() if value is not None)

    # --- what the message answers --------------------------------------------------------------
    @cached_property
    def treatment(self) -> str | None:
        """The treatment the message names, by its entity or in its words."""
        entity = self.entity("treatment")
        value = normalise_treatment(entity) if entity else None
        if value is None and not self.is_button_payload:
            # "not sure" is an answer to this question only, not to whichever is asked.
            asked = self.asked("treatment_interest")
            value = find_treatment(self.text) if asked else self.named_treatment
        return value

    @cached_property
    def adult(self) -> bool | None:
        """True for an adult, False for a minor, None when the message does not say."""
        asked = self.asked("is_adult")
        # "ok can someone call me": the "ok" is no yes to the age question (an age given with
        # the request still is the answer).
        value = read_age(self.text, asked, yes_no=not self.asks_for_the_consultation)
        return self.yes_or_no if value is None and asked else value

    @cached_property
    def place(self) -> str | None:
        """A ZIP code or a city the message gives."""
        # Five digits alone may be a bad phone number: outside the location question a ZIP
        # code needs words around it ("I live in 90026", "zip 91101"), or a later question
        # that no ZIP code can answer ("hmm what about 90401" at the medication question).
        asked = self.asked("location")
        value = find_zip(self.text) if asked else self.zip
        if value is None and (asked or self.intent in GIVES_DETAILS):
            value = self.city
        return value

    @cached_property
    def antidepressants_tried(self) -> str | None:
        """ "0", "1", "2+" or "unsure", by its entity or in its words."""
        value = self.entity("antidepressants")
        if value is None and not self.is_button_payload:
            # A feeling shared ("I haven't felt well in months") is no "none": a number is
            # taken from it only when it names the medication.
            asked = self.asked("antidepressants_tried") and self.intent != "share_feelings"
            value = read_antidepressants_tried(self.text, asked)
        return value

    @cached_property
    def name(self) -> str | None:
        """The name the message gives: the classifier's, or one introduced ("I'm Marcus Webb")."""
        person = self.entity("person")
        if self.valid_person is None:
            # The classifier may catch half a name ("Jordan" of "im Jordan Blake").
            return introduced_name(self.text) or person
        return person

    @cached_property
    def consent(self) -> bool | str | None:
        """Yes (True), no (False), or the channels ("email", "call,text") consent is limited to."""
        channel = self.entity("consent_channel")
        if channel in CHANNELS:
            return channel
        if self.intent == "deny":
            return False
        channels = read_channels(self.text) if not self.is_button_payload else None
        if channels:
            return ",".join(channels)
        yes_no = read_yes_no(self.text)
        if self.intent == "affirm" or yes_no is True:
            return True
        return False if yes_no is False else None

    # --- is it the answer to a question --------------------------------------------------------
    @cached_property
    def asks_for_the_consultation(self) -> bool:
        """ "ok can someone call me" in the middle of the form: the visitor asks for what the form
        is doing, which is no answer to the question; a rule says so and asks it again. A message
        that also gives a detail ("yes book me, I'm in 90401") still gives it."""
        return self.intent == "request_consultation" and not self.details

    def or_whole_answer(self, slot: str, found: Any) -> Any:
        """`found` (a value read inside the message), else the whole message when it answers
        `slot`, else None."""
        if found is None and self.answers(slot):
            return self.text
        return found

    def gives_other_details_instead(self, slot: str) -> bool:
        """`slot` is asked, and the message answers other questions instead of it."""
        return (
            self.asked(slot)
            and not self.not_an_answer
            and not self.is_button_payload
            and bool(self.details - {slot})
        )

    def answers(self, slot: str) -> bool:
        """Whether the whole message may be read as the answer to `slot`.

        Not when it answers other questions instead ("culver city" while the treatment is asked):
        those are taken, and the question is asked again without calling the message wrong.
        """
        return (
            self.asked(slot)
            and not self.not_an_answer
            and not self.is_button_payload
            and not self.asks_for_the_consultation
            and not (self.details - {slot})
        )
