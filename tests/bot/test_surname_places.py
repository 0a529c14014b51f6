"""Surnames that are also California towns, answered to the name question after a ZIP code.

tests/names/surname_places.yml holds common surnames that the `zipcodes` data also knows as
California places ("Maria Salinas", "Tom Baker"), checked there against that data; the product
itself has no list of surnames. Each goes through the trained NLU and the lead form: the name
is stored as given and the ZIP code's place stays.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
import zipcodes
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.lead_form import ValidateLeadForm
from tests.actions.test_lead_form import DOMAIN
from tests.bot.conftest import Visitor

SURNAMES = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "names" / "surname_places.yml").read_text("utf-8")
)["names"]
KNOWN = {
    "location": "Los Angeles, CA 90025",
    "zip_code": "90025",
    "city": "Los Angeles",
    "state": "CA",
}
# How people answer "What's your full name?": the name alone, typed in any case, or in a phrase.
ANSWERS = ["{name}", "{lower}", "it's {name}", "my name is {name}", "{name}."]


def test_the_list_is_long_and_every_surname_is_a_california_place() -> None:
    assert len(SURNAMES) >= 200
    rows = zipcodes.filter_by(state="CA")
    places = {row["city"].upper() for row in rows}
    places |= {name.upper() for row in rows for name in row.get("acceptable_cities") or []}
    assert [row["surname"] for row in SURNAMES if row["surname"].upper() not in places] == []


def _form_slots(agent: Any, loop: asyncio.AbstractEventLoop, text: str) -> dict[str, Any]:
    parsed = loop.run_until_complete(agent.parse_message(text))
    slots = {
        "requested_slot": "full_name",
        "treatment_interest": "tms",
        "is_adult": True,
        "antidepressants_tried": "2+",
        **KNOWN,
    }
    tracker = Tracker("surnames", slots, parsed, [], False, None, {"name": "lead_form"}, "")
    events = loop.run_until_complete(
        ValidateLeadForm().run(CollectingDispatcher(), tracker, DOMAIN)
    )
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def test_every_surname_is_stored_as_the_name_and_the_place_stays(
    agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop
) -> None:
    wrong = []
    for number, row in enumerate(SURNAMES):
        name = row["full_name"]
        text = ANSWERS[number % len(ANSWERS)].format(name=name, lower=name.lower())
        slots = _form_slots(agent, event_loop_for_agent, text)
        stored = str(slots.get("full_name") or "").lower()
        moved = {
            slot: slots[slot] for slot in KNOWN if slot in slots and slots[slot] != KNOWN[slot]
        }
        if stored != name.lower() or moved:
            wrong.append((text, slots.get("full_name"), moved))
    assert wrong == [], f"{len(wrong)} of {len(SURNAMES)} names not stored as given: {wrong}"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("actually I live in Salinas now", "Salinas, CA"), ("i moved to corona", "Corona, CA")],
)
def test_a_place_with_its_cue_still_changes_the_location(
    agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop, answer: str, expected: str
) -> None:
    slots = _form_slots(agent, event_loop_for_agent, answer)
    assert slots.get("location") == expected


def test_a_visitor_named_like_a_town_keeps_the_zip_code_place(visitor: Visitor) -> None:
    visitor.says("I'd like a free consultation for TMS")
    visitor.says("yes I'm 40")
    visitor.says("90025")
    visitor.says("two")
    assert visitor.slot("requested_slot") == "full_name"
    visitor.says("Tom Baker")
    assert visitor.slot("full_name") == "Tom Baker"
    assert visitor.slot("location") == "Los Angeles, CA 90025"
    assert visitor.slot("requested_slot") == "phone"
