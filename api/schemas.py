"""Request and response bodies. The API validates everything again: it trusts no caller."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from api.models import LeadStatus
from clinic.contact import InvalidValue, parse_email, parse_phone
from clinic.lead import (
    CRISIS_CATEGORY_PATTERN,
    MAX_CRISIS_TURN,
    TEXT_LIMITS,
    AntidepressantsTried,
    CrisisTier,
    PaymentMethod,
    TreatmentInterest,
)

# PostgreSQL text cannot hold a NUL character (the insert fails): refused with 422 instead.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=NO_NUL)]


def _iso_day(value: object) -> object:
    # pydantic would also read "0" or "1700000000" as a Unix time; a staff filter means a day.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use a date written as YYYY-MM-DD")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]
# Answers the form gives, checked against the kernel's choices and stored as their plain text.
Tried = Annotated[
    AntidepressantsTried, PlainSerializer(lambda answer: answer.value, return_type=str)
]
Payment = Annotated[PaymentMethod, PlainSerializer(lambda answer: answer.value, return_type=str)]
Tier = Annotated[CrisisTier, PlainSerializer(lambda tier: tier.value, return_type=str)]


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["conversation_id"])]
    full_name: Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["full_name"])]
    phone: str | None = Field(
        default=None, max_length=TEXT_LIMITS["phone"], description="Any format; stored as E.164"
    )
    email: str | None = Field(
        default=None, max_length=TEXT_LIMITS["email"], description="Stored normalised"
    )
    zip_code: Annotated[str, StringConstraints(pattern=r"^\d{5}$")] | None = None
    city: Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["city"])] | None = None
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    treatment_interest: TreatmentInterest
    contact_consent: bool
    age_confirmed: bool = False
    antidepressants_tried: Tried | None = None
    preferred_contact_time: (
        Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["preferred_contact_time"])] | None
    ) = None
    payment_method: Payment | None = None
    consent_text_version: (
        Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["consent_text_version"])] | None
    ) = None
    consented_at: datetime | None = None
    consent_call: bool = False
    consent_text: bool = False
    consent_email: bool = False
    in_service_area: bool | None = None
    distance_miles: float | None = Field(default=None, ge=0, le=25_000)
    nearest_clinic: (
        Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["nearest_clinic"])] | None
    ) = None
    qualified: bool = False
    urgent: bool = False
    suggested_consult: (
        Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["suggested_consult"])] | None
    ) = None
    crisis_tier: Tier | None = Field(
        default=None,
        description="The crisis reply the conversation drew: the full reply (the lead is then "
        "urgent) or the check-in for a possible crisis",
    )
    crisis_category: Annotated[str, StringConstraints(pattern=CRISIS_CATEGORY_PATTERN)] | None = (
        Field(
            default=None,
            description="What the crisis detector saw in the visitor message that drew it "
            '("means", "hedged", ...); "follow_up" when the dialogue alone decided',
        )
    )
    crisis_turn: Annotated[int, Field(strict=True, ge=1, le=MAX_CRISIS_TURN)] | None = Field(
        default=None, description="That message's number among the visitor's messages"
    )
    utm_source: Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["utm_source"])] | None = (
        None
    )
    utm_medium: Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["utm_medium"])] | None = (
        None
    )
    utm_campaign: (
        Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["utm_campaign"])] | None
    ) = None
    delivery_note: (
        Annotated[Text, StringConstraints(max_length=TEXT_LIMITS["delivery_note"])] | None
    ) = Field(
        default=None,
        description="Set by the action server when this API refused some fields: which were "
        "left out and why",
    )

    @field_validator("phone")
    @classmethod
    def phone_e164(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return parse_phone(value)
        except InvalidValue as reason:
            raise ValueError(f"phone is not valid: {reason}") from None

    @field_validator("email")
    @classmethod
    def email_normalised(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return parse_email(value)
        except InvalidValue as reason:
            raise ValueError(f"email is not valid: {reason}") from None

    @model_validator(mode="after")
    def contactable(self) -> LeadCreate:
        if not self.phone and not self.email:
            raise ValueError("a lead needs a phone number or an email address")
        if not self.contact_consent:
            raise ValueError("a lead needs the visitor's consent to be contacted")
        if not self.zip_code and not self.city:
            raise ValueError("a lead needs a ZIP code or a city")
        if self.consent_email and not self.email:
            raise ValueError("consent to email needs an email address")
        if (self.consent_call or self.consent_text) and not self.phone:
            raise ValueError("consent to call or text needs a phone number")
        if self.qualified and not (self.age_confirmed and self.in_service_area):
            raise ValueError("a qualified lead is an adult in the service area")
        return self

    @model_validator(mode="after")
    def crisis_record(self) -> LeadCreate:
        if self.crisis_tier is None and (
            self.crisis_category is not None or self.crisis_turn is not None
        ):
            raise ValueError("crisis_category and crisis_turn need a crisis_tier")
        if self.crisis_tier is not None and self.crisis_category is None:
            raise ValueError("a crisis_tier needs its crisis_category")
        if self.crisis_tier == CrisisTier.crisis:
            self.urgent = True  # the crisis reply was given: staff follow the urgent procedure
        return self


class LeadEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    created_at: datetime
    staff_email: str
    from_status: str | None
    to_status: str | None
    note: str | None


class LeadUpdate(BaseModel):
    """PATCH /api/leads/{id}: a new status, a note, or both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                # The schema says what the validator below enforces.
                {"required": ["status"], "properties": {"status": {"not": {"type": "null"}}}},
                {
                    "required": ["note"],
                    "properties": {"note": {"type": "string", "pattern": r"\S"}},
                },
            ]
        },
    )

    status: LeadStatus | None = None
    note: str | None = Field(default=None, max_length=2000, pattern=NO_NUL)

    @model_validator(mode="after")
    def something_to_do(self) -> LeadUpdate:
        if self.status is None and not (self.note or "").strip():
            raise ValueError("give a new status, a note, or both")
        return self


class LeadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
    conversation_id: str
    full_name: str
    phone: str | None
    email: str | None
    zip_code: str | None
    city: str | None
    state: str | None
    treatment_interest: TreatmentInterest
    contact_consent: bool
    status: LeadStatus
    age_confirmed: bool
    antidepressants_tried: str | None
    preferred_contact_time: str | None
    payment_method: str | None
    consent_text_version: str | None
    consented_at: datetime | None
    consent_call: bool
    consent_text: bool
    consent_email: bool
    in_service_area: bool | None
    distance_miles: float | None
    nearest_clinic: str | None
    qualified: bool
    urgent: bool
    suggested_consult: str | None
    crisis_tier: CrisisTier | None = None
    crisis_category: str | None = None
    crisis_turn: int | None = None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    delivery_note: str | None = None
    repeat_of_id: uuid.UUID | None = None  # possibly the same person as this earlier lead
    repeat_ids: list[uuid.UUID] = []  # later leads that may be the same person
    repeat_contacts: int = 0  # submissions merged into this lead before repeats were linked
    events: list[LeadEventRead] = []


class LeadReceipt(BaseModel):
    """What the service token gets back: it creates leads, it does not read them."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: LeadStatus


class LeadPage(BaseModel):
    items: list[LeadRead]
    total: int
    counts: dict[str, int] = {}  # leads per status under the other filters
    limit: int = Field(description="How many leads a page holds: the request's `limit`, capped")
    limit_capped: bool = Field(
        False, description="The `limit` asked for was more than this account may read at once"
    )


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Health(BaseModel):
    status: str = "ok"


class DeliveriesHealth(BaseModel):
    """Whether captured leads reach the database (api/core/deliveries.py). No lead's content."""

    ok: bool
    problems: list[str]  # in words, for a person; empty when ok
    waiting: int  # leads in the action server's outbox
    needs_a_person: int  # of those, the ones a retry alone will not deliver
    refused: int  # leads the service refused, waiting for `make outbox-retry`
    quarantined: int  # outbox files that could not be read
    oldest_wait_minutes: float | None
    alert_after_minutes: int
    crash_looping: list[str]  # supervised processes that keep failing to start
    supervised: bool  # False: processes not known (not run under supervisord)
