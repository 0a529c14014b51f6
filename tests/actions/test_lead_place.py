"""action_submit_lead finds the place the form resolved by the slots the form stored."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.lead_form import ValidateLeadForm
from actions.submit_lead import lead_place
from clinic.places import parse_place
from tests.actions.conftest import TrackerFactory
from tests.actions.test_lead_form import DOMAIN


@pytest.mark.parametrize(
    "answer", ["90401", "I live in 90026", "Santa Monica", "pasadena, ca", "Austin TX", "weho"]
)
def test_the_place_at_submit_is_the_place_the_form_resolved(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, answer: str
) -> None:
    stored = ValidateLeadForm().validate_location(answer, dispatcher, make_tracker(), DOMAIN)
    assert lead_place(make_tracker(slots=stored)) == parse_place(answer)


def test_no_place_without_the_location_slots(make_tracker: TrackerFactory) -> None:
    assert lead_place(make_tracker()) is None
    assert lead_place(make_tracker(slots={"city": "Los Angeles"})) is None
