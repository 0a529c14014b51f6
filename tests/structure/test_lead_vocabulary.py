"""The lead's vocabulary is defined once (clinic/lead.py); the domain and the API agree with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from api.models import TreatmentInterest as StoredTreatment
from api.schemas import LeadCreate
from clinic.lead import (
    DERIVED_SLOTS,
    LEAD_FIELDS,
    QUESTIONS,
    AntidepressantsTried,
    PaymentMethod,
    TreatmentInterest,
)

ROOT = Path(__file__).resolve().parents[2]


def domain() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")))


def test_the_domain_asks_the_questions_of_the_lead_in_order() -> None:
    assert tuple(domain()["forms"]["lead_form"]["required_slots"]) == QUESTIONS


def test_the_domain_declares_every_slot_the_form_fills() -> None:
    assert set(QUESTIONS + DERIVED_SLOTS) <= set(domain()["slots"])


def test_the_api_takes_exactly_the_fields_the_action_server_sends() -> None:
    assert set(LeadCreate.model_fields) == set(LEAD_FIELDS)
    assert len(LEAD_FIELDS) == len(set(LEAD_FIELDS))


def _choices(field: str) -> set[str]:
    """The values the API's published schema allows for `field`."""
    schema = LeadCreate.model_json_schema()
    prop = schema["properties"][field]
    options: set[str] = set()
    for part in prop.get("anyOf", [prop]):
        if "$ref" in part:
            part = schema["$defs"][part["$ref"].rsplit("/", 1)[-1]]
        options |= set(part.get("enum", []))
    return options


def test_the_api_takes_the_answers_the_form_gives() -> None:
    assert _choices("treatment_interest") == {member.value for member in TreatmentInterest}
    assert _choices("antidepressants_tried") == {member.value for member in AntidepressantsTried}
    assert _choices("payment_method") == {member.value for member in PaymentMethod}
    assert StoredTreatment is TreatmentInterest
