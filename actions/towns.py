"""When the name of a town in a message is the visitor's place, and which one.

California has hundreds of towns named like surnames or words ("Baker", "Salinas", "Orange",
"Cool"), and the spaCy entity ruler tags every one of them. A town's name is a place at the
location question; elsewhere only after a cue ("in", "near", "from", "live", "zip") or on its
own ("ok pasadena") when no place is known yet and the name is not being asked. A town inside
the person the CRF found, or right after another word ("Tom Baker"), is part of a name.
"""

from __future__ import annotations

import re
from typing import Any

_CITY_CUE_BEFORE = re.compile(
    r"\b(?:in|near|from|around|by|at|to|live|living|located|based|area|zip|zipcode)\s*[:,]?\s*$",
    re.IGNORECASE,
)
# What may stand before a place given on its own ("ok pasadena", "yes, Santa Monica"): another
# word right before a town's name makes it part of something else, most often a person's name
# ("Tom Baker", "Linda Orange"; California has hundreds of towns named like surnames).
_FILLER_BEFORE = re.compile(
    r"^(?:\s|[,.!:;-]|\b(?:ok|okay|k|yes|yeah|yep|yup|sure|um+|uh+|hm+|oh|so|well|and|also|"
    r"actually|sorry|oops|i\s*mean|hi|hello|hey|tms|ketamine|spravato|esketamine)\b)*$",
    re.IGNORECASE,
)


def town_named(
    text: str, entities: list[dict[str, Any]], any_town: bool, alone_is_enough: bool
) -> str | None:
    """The town the message gives as a place, or None. Several can match ("ok cool, I'm near
    culver city": Cool is a town): the one after a cue wins, then the longest, then the last.
    `any_town`: every town counts (the location question); `alone_is_enough`: a town on its
    own counts (no place known yet, the name not asked)."""
    towns = [
        e
        for e in entities
        if e.get("entity") == "city" and e.get("value") and not _inside_person(e, entities)
    ]
    if not any_town:
        towns = [
            e
            for e in towns
            if _cued(text, e) or (alone_is_enough and _FILLER_BEFORE.match(_before(text, e)))
        ]
    if not towns:
        return None
    return str(
        max(towns, key=lambda e: (_cued(text, e), len(str(e["value"])), int(e.get("start") or 0)))[
            "value"
        ]
    )


def _before(text: str, entity: dict[str, Any]) -> str:
    return text[: int(entity.get("start") or 0)]


def _cued(text: str, entity: dict[str, Any]) -> bool:
    """ "in Salinas", "I live near Orange", "zip: ..." """
    return bool(_CITY_CUE_BEFORE.search(_before(text, entity)))


def _inside_person(entity: dict[str, Any], entities: list[dict[str, Any]]) -> bool:
    """The town's name is part of the person the classifier found ("Ana Corona")."""
    start, end = entity.get("start"), entity.get("end")
    if start is None or end is None:
        return False
    return any(
        e.get("entity") == "person"
        and e.get("start") is not None
        and e.get("end") is not None
        and e["start"] <= start
        and end <= e["end"]
        for e in entities
    )
