"""validate_lead_form: fill the lead form from what visitors type, and check every value.

Extraction (`extract_<slot>`) runs on every message while the form is active and on the
message that starts it, so "I'm David Kim, text me at 213-555-0177, I live in 90026 and want
ketamine" fills four slots at once and a later "actually my email is ..." corrects one, even
at the summary. Values found *inside* a message (a phone number, an email, a ZIP code, a
treatment name) are taken from any message; the whole message is taken as a value only for the
question being asked, and never from a crisis, a question, or a stop request.

After three failed answers to a question the clinic can do without (treatment, medication
history, best time, payment, one of phone and email), the form moves on and the team asks on the
call; nothing given so far is lost. It ends early (no more questions) only for a visitor under
18, or after three failed answers to a question a lead needs (age, place, name, a way to reach
them, consent); action_submit_lead then stores nothing and says why.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import (
    CHANNELS,
    is_decline,
    read_age,
    read_antidepressants_tried,
    read_channels,
    read_payment,
    read_yes_no,
)
from actions.names import name_from_text, parse_name
from clinic.contact import (
    InvalidValue,
    find_email,
    find_email_attempt,
    find_phone,
    mask_email,
    mask_phone,
    parse_email,
    parse_phone,
)
from clinic.lead import DECLINED, FORM_SLOTS, NOT_GIVEN, SKIPPED
from clinic.places import find_zip, parse_place, place_for_zip
from actions.treatments import find_treatment, named_treatment, normalise_treatment
from clinic.triage import service_area
from clinic.profile import load_profile

# Messages with these intents are never taken as a slot value.
NOT_AN_ANSWER = {"crisis", "stop", "greet", "goodbye", "thanks", "share_feelings"}
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
MAX_FAILURES = 3
# The two ways to reach a visitor: either may be declined while the other stays open.
OTHER_CONTACT = {"phone": "email", "email": "phone"}
# What a question the lead can do without is recorded as when the visitor skips it, or after
# MAX_FAILURES unreadable answers.
SKIP_AFTER_FAILURES = {
    "treatment_interest": "unsure", "antidepressants_tried": "unsure",
    "preferred_contact_time": NOT_GIVEN, "payment_method": SKIPPED,
}
_PLACE_CUE = re.compile(r"\b(?:zip|zipcode|postal|live|living|located|based|from|in|near|area)\b", re.IGNORECASE)
# "I'm Marcus Webb", "my name is Ana Torres": a cue and two or three capitalised words, for
# when the classifier's entity misses a name that nobody asked for yet.
_INTRODUCTION_RE = re.compile(
    r"\b(?:[Ii]'?m|I am|[Mm]y name is|[Mm]y name's|[Tt]his is|[Ii]t'?s)\s+"
    r"([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){1,2})\b"
    # "Rosa Lin here"
    r"|\b(?!(?:Hi|Hello|Hey|Yes|Ok|Okay|So)\b)([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+){1,2})\s+here\b"
)
# Words that end the whole request, not only decline the detail asked for.
_STOP_WORDS = re.compile(
    r"\b(?:stop|cancel|quit|exit|abort|never\s*mind|forget (?:it|about|the|this)|"
    r"changed my mind|(?:don'?t|do not) want to (?:continue|go on|book|sign up|do this))\b",
    re.IGNORECASE,
)
# A bare time of day or week: "morning", "evenings please", "weekends".
_TIME_ANSWER = re.compile(
    r"^\s*(?:in the\s+|early\s+|late\s+)?(?:mornings?|afternoons?|evenings?|nights?|weekdays?|"
    r"weekends?|any\s*time)\b(?!\s+(?:to|everyone|all)\b)",
    re.IGNORECASE,
)
# Questions whose answer never holds five digits in a row: a ZIP code given there is a place.
_NO_ZIP_ANSWERS = {
    "treatment_interest", "is_adult", "antidepressants_tried", "full_name", "preferred_contact_time",
    "payment_method", "contact_consent", "details_confirmed",
}
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


def _not_an_answer(tracker: Tracker) -> bool:
    intent, text = _intent(tracker), _text(tracker)
    if intent == "stop" and _skips_asked_question(tracker):
        # "I don't want to give my number", "skip this one" understood as "stop": it skips the
        # question asked only, so the form reads it (and goes on, or says why it cannot skip)
        # instead of ending and erasing everything.
        return False
    if intent in NOT_AN_ANSWER:
        return True
    if intent in QUESTION_LIKE:
        return bool(_QUESTION_RE.search(text)) or len(text.split()) > SHORT_ANSWER_WORDS
    return False


def _details_in(tracker: Tracker) -> set[Text]:
    """The form questions this message has an answer for, found inside it."""
    text = _text(tracker)
    found = {
        "phone": find_phone(text), "email": find_email_attempt(text),
        "location": _zip_in(tracker) or _city(tracker),
        "treatment_interest": _entity(tracker, "treatment") or named_treatment(text),
        "is_adult": read_age(text), "antidepressants_tried": read_antidepressants_tried(text, False),
    }
    person = _entity(tracker, "person")
    found["full_name"] = person if person and _is_valid_name(person) else None
    return {slot for slot, value in found.items() if value is not None}


def _zip_in(tracker: Tracker) -> Optional[Text]:
    """A ZIP code in a message that is not the answer to the location question."""
    text = _text(tracker)
    if _PLACE_CUE.search(text):
        return find_zip(text)
    if tracker.get_slot("requested_slot") in _NO_ZIP_ANSWERS:
        zip_code = find_zip(text)
        return zip_code if zip_code and place_for_zip(zip_code) else None
    return None


def _skips_asked_question(tracker: Tracker) -> bool:
    """A decline of the question asked, without words that end the whole request."""
    text = _text(tracker)
    return bool(tracker.get_slot("requested_slot")) and is_decline(text) and not _STOP_WORDS.search(text)


def _answers(tracker: Tracker, slot: Text) -> bool:
    """Whether the whole message may be read as the answer to `slot`.

    Not when it answers other questions instead ("culver city" while the treatment is asked):
    those are taken, and the question is asked again without calling the message wrong.
    """
    return (
        _asked(tracker, slot)
        and not _not_an_answer(tracker)
        and not _is_button_payload(tracker)
        and not _asks_for_the_consultation(tracker)
        and not (_details_in(tracker) - {slot})
    )


def _asks_for_the_consultation(tracker: Tracker) -> bool:
    """"ok can someone call me" in the middle of the form: the visitor asks for what the form
    is doing, which is no answer to the question; a rule says so and asks it again. A message
    that also gives a detail ("yes book me, I'm in 90401") still gives it."""
    return _intent(tracker) == "request_consultation" and not _details_in(tracker)


def _may_carry_details(tracker: Tracker) -> bool:
    return not _not_an_answer(tracker)


def _entity(tracker: Tracker, name: Text) -> Optional[Text]:
    return next(tracker.get_latest_entity_values(name), None)


_CITY_CUE_BEFORE = re.compile(r"\b(?:in|near|from|around|by|at|to)\s*$", re.IGNORECASE)


def _city(tracker: Tracker) -> Optional[Text]:
    """The city the message gives. Several city names can match ("ok cool, I'm near culver
    city": Cool is a town in California): prefer the one after "in"/"near"/"from", then the
    longest name, then the last one."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    cities = [e for e in message.get("entities") or [] if e.get("entity") == "city" and e.get("value")]
    if not cities:
        return None

    def rank(entity: Dict[Text, Any]) -> tuple[bool, int, int]:
        start = int(entity.get("start") or 0)
        return bool(_CITY_CUE_BEFORE.search(text[:start])), len(str(entity["value"])), start

    return str(max(cities, key=rank)["value"])


def _is_valid_name(name: Text) -> bool:
    try:
        parse_name(name)
    except InvalidValue:
        return False
    return True


def _is_plausible_unasked_name(tracker: Tracker, name: Text) -> bool:
    """A name the classifier found in a message that answered another question.

    It may replace a name already given only when the visitor says it is their name
    ("actually my name is ..."), and it must be a valid name: a wrong guess is dropped
    silently instead of troubling the visitor.
    """
    if tracker.get_slot("full_name") and not _NAME_CUE.search(_text(tracker)):
        return False
    return _is_valid_name(name)


class ValidateLeadForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_lead_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
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
        if not _may_carry_details(tracker):
            return {}
        entity = _entity(tracker, "treatment")
        value = normalise_treatment(entity) if entity else None
        if value is None and not _is_button_payload(tracker):
            # "not sure" is an answer to this question only, not to whichever is asked.
            read = find_treatment if _asked(tracker, "treatment_interest") else named_treatment
            value = read(_text(tracker))
        if value is None and _answers(tracker, "treatment_interest"):
            value = _text(tracker)
        return {"treatment_interest": value} if value else {}

    async def extract_is_adult(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _may_carry_details(tracker):
            return {}
        asked = _asked(tracker, "is_adult")
        # "ok can someone call me": the "ok" is no yes to the age question (an age given with
        # the request still is the answer).
        yes_no = not _asks_for_the_consultation(tracker)
        value: Any = read_age(_text(tracker), asked, yes_no)
        if value is None and asked:
            value = {"affirm": True, "deny": False}.get(_intent(tracker) or "")
        if value is None and _answers(tracker, "is_adult"):
            value = _text(tracker)
        return {"is_adult": value} if value is not None else {}

    async def extract_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _may_carry_details(tracker) or _is_button_payload(tracker):
            return {}
        text = _text(tracker)
        # Five digits alone may be a bad phone number: outside the location question a ZIP
        # code needs words around it ("I live in 90026", "zip 91101"), or a later question
        # that no ZIP code can answer ("hmm what about 90401" at the medication question).
        value = find_zip(text) if _asked(tracker, "location") else _zip_in(tracker)
        if value is None and (_asked(tracker, "location") or _intent(tracker) in GIVES_DETAILS):
            value = _city(tracker)
        if value is None and _answers(tracker, "location"):
            value = text
        return {"location": value} if value else {}

    async def extract_antidepressants_tried(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        # "I've tried four antidepressants and none of them work" shares a feeling and answers
        # the question: the number is taken, from an explicit mention only ("I haven't felt
        # well in months" is no "none"), and the visitor hears that they were listened to.
        feeling = _intent(tracker) == "share_feelings"
        if not (_may_carry_details(tracker) or feeling):
            return {}
        value = _entity(tracker, "antidepressants")
        if value is None and not _is_button_payload(tracker):
            asked = _asked(tracker, "antidepressants_tried") and not feeling
            value = read_antidepressants_tried(_text(tracker), asked)
            if value is None and _answers(tracker, "antidepressants_tried"):
                value = _text(tracker)
        if value and feeling:
            dispatcher.utter_message(response="utter_heard_you")
        return {"antidepressants_tried": value} if value else {}

    async def extract_full_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _may_carry_details(tracker) or _is_button_payload(tracker):
            return {}
        value = _entity(tracker, "person")
        if value is None or not _is_valid_name(value):
            # The classifier may catch half a name ("Jordan" of "im Jordan Blake").
            introduction = _INTRODUCTION_RE.search(_text(tracker))
            value = (introduction.group(1) or introduction.group(2)) if introduction else value
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
        # A mistyped address at another question ("dana.k@gmail" for the phone) is still an
        # email: its validation says what is wrong with it.
        return self._extract_contact(tracker, "email", lambda text: find_email(text) or find_email_attempt(text))

    @staticmethod
    def _extract_contact(tracker: Tracker, slot: Text, find: Callable[[Text], Optional[Text]]) -> Slots:
        if not _may_carry_details(tracker) or _is_button_payload(tracker):
            return {}
        text = _text(tracker)
        value = find(text)
        if value is None and _answers(tracker, slot):
            value = DECLINED if is_decline(text) or _intent(tracker) == "deny" else text
        return {slot: value} if value else {}

    async def extract_preferred_contact_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        # "morning" or "evening" at this question is a time, even when it reads as a greeting
        # (only a greeting or goodbye: a crisis is never taken as an answer).
        is_a_time = (
            _asked(tracker, "preferred_contact_time")
            and _intent(tracker) in ("greet", "goodbye")
            and bool(_TIME_ANSWER.match(_text(tracker)))
        )
        if not (_answers(tracker, "preferred_contact_time") or is_a_time):
            return {}
        return {"preferred_contact_time": _text(tracker)}

    async def extract_payment_method(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _asked(tracker, "payment_method") or _not_an_answer(tracker):
            return {}
        value = _entity(tracker, "payment")
        if value is None and _asks_for_the_consultation(tracker):
            return {}
        if value is None:
            text = _text(tracker)
            value = SKIPPED if is_decline(text) or _intent(tracker) == "deny" else (read_payment(text) or text)
        return {"payment_method": value}

    async def extract_contact_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _asked(tracker, "contact_consent") or _not_an_answer(tracker):
            return {}
        channel = _entity(tracker, "consent_channel")
        if channel in CHANNELS:
            return {"contact_consent": channel}
        if _intent(tracker) == "deny":
            return {"contact_consent": False}
        channels = read_channels(_text(tracker)) if not _is_button_payload(tracker) else None
        if channels:
            return {"contact_consent": ",".join(channels)}
        if _intent(tracker) == "affirm" or read_yes_no(_text(tracker)) is True:
            return {"contact_consent": True}
        if read_yes_no(_text(tracker)) is False:
            return {"contact_consent": False}
        # Anything else is shown to validate_contact_consent, which asks again.
        return {"contact_consent": _text(tracker)}

    async def extract_details_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not _asked(tracker, "details_confirmed") or _not_an_answer(tracker):
            return {}
        text = _text(tracker)
        answer = {"affirm": True, "deny": False}.get(_intent(tracker) or "")
        if answer is None and not (_details_in(tracker) - {"details_confirmed"}):
            answer = read_yes_no(text)
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
        return {"location": label, "zip_code": place.zip_code, "city": place.city, "state": place.state}

    def validate_antidepressants_tried(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        answer = str(value) if str(value) in ("0", "1", "2+", "unsure") else read_antidepressants_tried(str(value), True)
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

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return self._validate_contact(value, dispatcher, tracker, "phone", "email", parse_phone, mask_phone)

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        return self._validate_contact(value, dispatcher, tracker, "email", "phone", parse_email, mask_email)

    def _validate_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: Text,
        other: Text,
        parse: Callable[[Text], Text],
        mask: Callable[[Text], Text],
    ) -> Slots:
        if value == DECLINED:
            # One of phone and email may be declined, not both.
            if tracker.get_slot(other) == DECLINED:
                dispatcher.utter_message(response="utter_need_one_contact")
                return {slot: None}
            return _declined(slot)
        try:
            normalised = parse(str(value))
        except InvalidValue as reason:
            return self._refuse(tracker, dispatcher, slot, invalid_value=str(value)[:60], reason=str(reason))
        return {slot: normalised, f"{slot}_masked": mask(normalised)}

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
        if value in ("insurance", "self_pay", "unsure", SKIPPED):
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

    @staticmethod
    def _reachable_channels(tracker: Tracker) -> List[Text]:
        phone = tracker.get_slot("phone") not in (None, DECLINED)
        email = tracker.get_slot("email") not in (None, DECLINED)
        return [c for c, ok in (("call", phone), ("text", phone), ("email", email)) if ok]

    def validate_details_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if value is True:
            return {"details_confirmed": True}
        dispatcher.utter_message(response="utter_ask_what_to_change")
        return {"details_confirmed": None}

    # --- skips and failures ----------------------------------------------------------------
    @classmethod
    def _skip_asked(cls, tracker: Tracker, dispatcher: CollectingDispatcher, slot: Text) -> Slots:
        """The visitor declined the question asked: a question the lead can do without is recorded
        as skipped; for one it needs, the visitor hears why and is asked again."""
        return _skipped_value(tracker, slot) or cls._refuse(tracker, dispatcher, slot, skip_asked=True)

    @staticmethod
    def _refuse(
        tracker: Tracker, dispatcher: CollectingDispatcher, slot: Text, skip_asked: bool = False, **details: Any
    ) -> Slots:
        """Explain why the answer was refused (`skip_asked`: the visitor wanted to skip a question
        the lead needs). After three refusals, skip a question the lead can do without; for one
        it needs, offer the phone instead."""
        failures = dict(tracker.get_slot("form_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        if failures[slot] < MAX_FAILURES:
            response = "utter_cannot_skip" if skip_asked else f"utter_invalid_{slot}"
            dispatcher.utter_message(response=response, **details)
            return {slot: None, "form_failures": failures}
        skipped = _skipped_value(tracker, slot)
        if skipped:
            dispatcher.utter_message(response="utter_skipping_question")
            return {**skipped, "form_failures": failures}
        dispatcher.utter_message(response="utter_too_many_attempts")
        return {slot: None, "form_failures": failures, "form_gave_up": True}


def _skipped_value(tracker: Tracker, slot: Text) -> Slots:
    """The slots that record `slot` as skipped, or {} when the lead cannot do without it."""
    if slot in SKIP_AFTER_FAILURES:
        return {slot: SKIP_AFTER_FAILURES[slot]}
    other = OTHER_CONTACT.get(slot)
    if other and tracker.get_slot(other) != DECLINED:
        # The other way to reach them is still open (given, or asked next).
        return _declined(slot)
    return {}


def _declined(slot: Text) -> Slots:
    """Phone or email recorded as not given (the other one must stay open)."""
    return {slot: DECLINED, f"{slot}_masked": NOT_GIVEN}
