"""US places from the offline `zipcodes` data: ZIP codes and city names to coordinates."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

# The clinic serves Southern California: when a city name exists in several states, the
# California one is meant unless the visitor names another state.
HOME_STATE = "CA"
# Everyday names that are not postal city names: short forms, and Los Angeles neighbourhoods
# whose mail goes to "Los Angeles" (without them "Hollywood" would be Hollywood, Alabama).
CITY_ALIASES = {
    "la": "Los Angeles",
    "l.a.": "Los Angeles",
    "dtla": "Los Angeles",
    "downtown la": "Los Angeles",
    "downtown los angeles": "Los Angeles",
    "sm": "Santa Monica",
    "sf": "San Francisco",
    "weho": "West Hollywood",
    "noho": "North Hollywood",
    "hollywood": "Los Angeles",
    "silver lake": "Los Angeles",
    "silverlake": "Los Angeles",
    "echo park": "Los Angeles",
    "koreatown": "Los Angeles",
    "ktown": "Los Angeles",
    "los feliz": "Los Angeles",
    "westwood": "Los Angeles",
    "brentwood": "Los Angeles",
    "mar vista": "Los Angeles",
    "highland park": "Los Angeles",
    "eagle rock": "Los Angeles",
    "boyle heights": "Los Angeles",
    "west la": "Los Angeles",
    "westchester": "Los Angeles",
    "mid city": "Los Angeles",
    "mid-city": "Los Angeles",
    "hancock park": "Los Angeles",
    "pacific palisades": "Pacific Palisades",
    "the palisades": "Pacific Palisades",
}
# Towns of the home state whose names are everyday chat words ("ok cool", "nice"): a message is
# read as one of them only with its state ("Cool, CA") or its ZIP code.
CHAT_WORD_TOWNS = {"cool", "nice", "weed"}
STATE_NAMES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "calif": "CA",
    "cali": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
}
ZIP_RE = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    latitude: float
    longitude: float
    zip_code: str | None = None


@lru_cache(maxsize=1)
def _city_index() -> dict[tuple[str, str], Place]:
    """(lower-case city, state) -> centre of the city's standard ZIP codes."""
    points: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    for row in zipcodes.list_all():
        if row["zip_code_type"] != "STANDARD" or not row["lat"]:
            continue
        key = (row["city"].lower(), row["state"])
        points.setdefault(key, []).append((float(row["lat"]), float(row["long"]), row["city"]))
    return {
        key: Place(
            city=values[0][2],
            state=key[1],
            latitude=sum(v[0] for v in values) / len(values),
            longitude=sum(v[1] for v in values) / len(values),
        )
        for key, values in points.items()
    }


def home_state_city_names() -> list[str]:
    """City names of the home state, as the postal data spells them."""
    return sorted(place.city for (_, state), place in _city_index().items() if state == HOME_STATE)


def place_for_zip(zip_code: str) -> Place | None:
    try:
        rows = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    for row in rows:
        if row["lat"]:
            return Place(
                row["city"], row["state"], float(row["lat"]), float(row["long"]), row["zip_code"]
            )
    return None


def place_for_city(name: str, state: str | None = None) -> Place | None:
    city = name.strip().strip(".,").lower()
    city = CITY_ALIASES.get(city, city).lower()
    index = _city_index()
    if state:
        return index.get((city, state.upper()))
    if city in CHAT_WORD_TOWNS:
        return None
    return index.get((city, HOME_STATE)) or next(
        (place for (key_city, _), place in sorted(index.items()) if key_city == city), None
    )


def find_zip(text: str) -> str | None:
    match = ZIP_RE.search(text)
    return match.group(1) if match else None


_STATE_SUFFIX_RE = re.compile(r"^(?P<city>.+?)(?:,\s*|\s+)(?P<state>[A-Za-z]{2})\.?$")


def parse_place(text: str) -> Place | None:
    """A ZIP code or a city ("Santa Monica", "pasadena, ca", "Austin TX") in a short answer."""
    zip_code = find_zip(text)
    if zip_code:
        return place_for_zip(zip_code)
    cleaned = re.sub(
        r"^(?:i\s*(?:'m|am)\s+(?:in|from|near)|i\s+live\s+in|i'?m\s+based\s+in|in|near|from)\s+",
        "",
        text.strip().lower(),
    ).strip(" .!")
    for name, code in sorted(STATE_NAMES.items(), key=lambda item: -len(item[0])):
        if cleaned.endswith(" " + name) or cleaned.endswith("," + name):
            place = place_for_city(cleaned[: -len(name)].strip(" ,"), code)
            if place:
                return place
    match = _STATE_SUFFIX_RE.match(cleaned)
    if match:
        place = place_for_city(match["city"], match["state"])
        if place:
            return place
    return place_for_city(cleaned)


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    earth_radius_miles = 3958.8
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * earth_radius_miles * math.asin(math.sqrt(a))
