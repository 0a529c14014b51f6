"""The lead's vocabulary, defined once: the form's questions and slots, the answers each question
takes, the values that stand for "not given", and the fields a lead travels with.

The action server fills and sends these, the API validates and stores them, the conversation
store erases them; tests check domain.yml's form and the API's LeadCreate against this module.
"""

from __future__ import annotations

import enum


class TreatmentInterest(str, enum.Enum):
    ketamine = "ketamine"
    spravato = "spravato"
    tms = "tms"
    unsure = "unsure"


class AntidepressantsTried(str, enum.Enum):
    none = "0"
    one = "1"
    two_or_more = "2+"
    unsure = "unsure"


class PaymentMethod(str, enum.Enum):
    insurance = "insurance"
    self_pay = "self_pay"
    unsure = "unsure"


class CrisisTier(str, enum.Enum):
    """The reply a visitor message drew from the assistant: the full crisis reply, or the lighter
    check-in for a possible crisis."""

    crisis = "crisis"
    check_in = "check_in"


class Channel(str, enum.Enum):
    call = "call"
    text = "text"
    email = "email"


# Values a slot holds when the visitor chose not to answer. None of them reaches the API.
DECLINED = "declined"  # phone or email: the other one stays open
NOT_GIVEN = "not given"  # preferred contact time, and the masked copy of a declined contact
SKIPPED = "skipped"  # payment method
NOT_ANSWERED = frozenset({DECLINED, NOT_GIVEN, SKIPPED})

# The questions of the lead form, in the order they are asked (domain.yml, forms: lead_form).
QUESTIONS: tuple[str, ...] = (
    "treatment_interest",
    "is_adult",
    "location",
    "antidepressants_tried",
    "full_name",
    "phone",
    "email",
    "preferred_contact_time",
    "payment_method",
    "contact_consent",
    "details_confirmed",
)
# Slots the form fills while checking an answer, and its own bookkeeping.
DERIVED_SLOTS: tuple[str, ...] = (
    "zip_code",
    "city",
    "state",
    "phone_masked",
    "email_masked",
    "consent_channels",
    "form_failures",
    "form_gave_up",
)
# Every slot that holds what the visitor told the form: cleared after a lead, erased on request.
FORM_SLOTS: tuple[str, ...] = QUESTIONS + DERIVED_SLOTS

# The website passes these in a message's metadata; a lead keeps the latest.
UTM_KEYS: tuple[str, ...] = ("utm_source", "utm_medium", "utm_campaign")

# A lead's crisis record (crisis_tier, crisis_category, crisis_turn): the category is the crisis
# detector's word for the visitor message that drew the reply ("means", "hedged", ...), or
# FOLLOW_UP when the dialogue gave the reply to a message the detector did not mark; the turn
# is that message's number among the visitor's messages.
CRISIS_CATEGORY_PATTERN = r"^[a-z_]{1,32}$"
FOLLOW_UP = "follow_up"
MAX_CRISIS_TURN = 10_000

# The fields of a lead as the action server sends it and the API's LeadCreate takes it.
LEAD_FIELDS: tuple[str, ...] = (
    "conversation_id",
    "full_name",
    "phone",
    "email",
    "zip_code",
    "city",
    "state",
    "treatment_interest",
    "contact_consent",
    "age_confirmed",
    "antidepressants_tried",
    "preferred_contact_time",
    "payment_method",
    "consent_text_version",
    "consented_at",
    "consent_call",
    "consent_text",
    "consent_email",
    "in_service_area",
    "distance_miles",
    "nearest_clinic",
    "qualified",
    "urgent",
    "suggested_consult",
    "crisis_tier",
    "crisis_category",
    "crisis_turn",
    "delivery_note",
) + UTM_KEYS

# The longest text each field may hold: the API refuses a longer one, the action server cuts
# what it sends to fit (clinic.clean_text).
TEXT_LIMITS: dict[str, int] = {
    "conversation_id": 200,
    "full_name": 200,
    "phone": 40,
    "email": 320,
    "city": 100,
    "preferred_contact_time": 100,
    "consent_text_version": 20,
    "nearest_clinic": 100,
    "suggested_consult": 300,
    "delivery_note": 500,
    **{key: 100 for key in UTM_KEYS},
}
