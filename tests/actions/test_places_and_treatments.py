import pytest

from actions.treatments import find_treatment
from clinic.places import miles_between, parse_place


@pytest.mark.parametrize(
    ("text", "city", "state", "zip_code"),
    [
        ("90026", "Los Angeles", "CA", "90026"),
        ("I live in 90401", "Santa Monica", "CA", "90401"),
        ("santa monica", "Santa Monica", "CA", None),
        ("Pasadena, CA", "Pasadena", "CA", None),
        ("I'm in Glendale", "Glendale", "CA", None),
        ("Austin TX", "Austin", "TX", None),
        ("LA", "Los Angeles", "CA", None),
        ("Santa Monica, California", "Santa Monica", "CA", None),
        ("austin texas", "Austin", "TX", None),
        ("Hollywood", "Los Angeles", "CA", None),
        ("I'm in WeHo", "West Hollywood", "CA", None),
        ("Cool, CA", "Cool", "CA", None),
    ],
)
def test_places_from_zip_or_city(text: str, city: str, state: str, zip_code: str | None) -> None:
    place = parse_place(text)
    assert place is not None
    assert (place.city, place.state, place.zip_code) == (city, state, zip_code)


# "cool" and "nice" are Californian towns too, but as a whole reply they are a reaction.
@pytest.mark.parametrize("text", ["nowhere land", "00000", "atlantis", "cool", "Nice!"])
def test_unknown_places(text: str) -> None:
    assert parse_place(text) is None


def test_distance_santa_monica_to_downtown_la_is_about_15_miles() -> None:
    assert 13 < miles_between(34.0195, -118.4912, 34.0522, -118.2437) < 16


@pytest.mark.parametrize(
    ("text", "treatment"),
    [
        ("I want ketamine", "ketamine"),
        ("ketamin infusions", "ketamine"),
        ("the IV infusion", "ketamine"),
        ("Spravado", "spravato"),
        ("esketamine nasal spray", "spravato"),
        ("TMS please", "tms"),
        ("magnetic stimulation", "tms"),
        ("not sure yet", "unsure"),
        ("the nasal one", "spravato"),
        ("the IV drip", "ketamine"),
        ("spravato vs ketamine", "unsure"),
        ("my name is Bob", None),
    ],
)
def test_treatment_from_text(text: str, treatment: str | None) -> None:
    assert find_treatment(text) == treatment


def test_chat_words_are_not_city_patterns_for_the_entity_ruler() -> None:
    from tools.spacy_pipeline import city_patterns

    single_words = {p["pattern"][0]["LOWER"] for p in city_patterns() if len(p["pattern"]) == 1}
    assert {"pasadena", "glendale", "ojai"} <= single_words
    assert not {"cool", "nice", "weed"} & single_words
