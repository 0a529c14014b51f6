import pytest

from clinic.places import parse_place
from clinic.profile import load_profile
from clinic.triage import is_qualified, service_area, suggested_consult

PROFILE = load_profile()


def _place(text: str):
    place = parse_place(text)
    assert place is not None
    return place


def test_spravato_goes_to_the_santa_monica_clinic_even_from_downtown() -> None:
    area = service_area(_place("90026"), "spravato", PROFILE)
    assert area.clinic.id == "santa_monica"
    assert 10 < area.distance_miles < 20
    assert area.in_area


def test_ketamine_goes_to_los_angeles_even_from_santa_monica() -> None:
    area = service_area(_place("90401"), "ketamine", PROFILE)
    assert area.clinic.id == "los_angeles"


def test_unsure_takes_the_nearest_clinic() -> None:
    assert service_area(_place("90401"), "unsure", PROFILE).clinic.id == "santa_monica"
    assert service_area(_place("91101"), None, PROFILE).clinic.id == "los_angeles"


@pytest.mark.parametrize(
    ("where", "in_area"),
    [("Pasadena", True), ("Long Beach", True), ("San Diego", False), ("Austin TX", False)],
)
def test_service_radius(where: str, in_area: bool) -> None:
    assert service_area(_place(where), "tms", PROFILE).in_area is in_area


def test_qualified_needs_all_four() -> None:
    assert is_qualified(True, True, True, True)
    assert not is_qualified(False, True, True, True)
    assert not is_qualified(True, True, True, False)
    assert not is_qualified(True, True, False, True)


def test_consult_hint_for_treatment_resistant_history() -> None:
    assert "Spravato and TMS" in suggested_consult("ketamine", "2+")
    assert "below the usual" in suggested_consult("tms", "1")
    assert "unknown" in suggested_consult(None, None)
