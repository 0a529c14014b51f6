"""Request and response bodies. The API re-validates everything: the action server is not trusted."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from api.models import LeadStatus, TreatmentInterest

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: Annotated[Text, StringConstraints(max_length=200)]
    full_name: Annotated[Text, StringConstraints(max_length=200)]
    phone: str | None = Field(default=None, max_length=40, description="Any format; stored as E.164")
    email: str | None = Field(default=None, max_length=320, description="Stored normalised")
    zip_code: Annotated[str, StringConstraints(pattern=r"^\d{5}$")] | None = None
    city: Annotated[Text, StringConstraints(max_length=100)] | None = None
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    treatment_interest: TreatmentInterest
    contact_consent: bool

    @field_validator("phone")
    @classmethod
    def phone_e164(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            number = phonenumbers.parse(value, "US")
        except phonenumbers.NumberParseException as exc:
            raise ValueError(f"phone is not a phone number ({exc})") from exc
        if not phonenumbers.is_valid_number(number):
            raise ValueError("phone is not a valid phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("email")
    @classmethod
    def email_normalised(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            result = validate_email(value.strip(), check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValueError(f"email is not valid: {exc}") from exc
        return result.normalized.lower()

    @model_validator(mode="after")
    def contactable(self) -> "LeadCreate":
        if not self.phone and not self.email:
            raise ValueError("a lead needs a phone number or an email address")
        if not self.contact_consent:
            raise ValueError("a lead needs the visitor's consent to be contacted")
        if not self.zip_code and not self.city:
            raise ValueError("a lead needs a ZIP code or a city")
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


class LeadPage(BaseModel):
    items: list[LeadRead]
    total: int


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Health(BaseModel):
    status: str = "ok"
