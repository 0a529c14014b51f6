"""Which treatment a visitor means, typos and everyday names included."""

from __future__ import annotations

import re

from clinic.lead import TreatmentInterest

TREATMENTS = tuple(treatment.value for treatment in TreatmentInterest)

_KEYWORDS: dict[str, re.Pattern[str]] = {
    "spravato": re.compile(
        r"\b(?:spr[ae]v[ae]?[dt]?o|spravto|e?s?ketamine?\s+(?:nasal\s+)?spray|esk[ae]t[ae]?mi?ne?|nasal|spray)\b"
    ),
    "ketamine": re.compile(
        r"\b(?:k[ae]t[ae]?mi?ne?|ketamin|ketamene|katamine|ketimine|iv|i\.v\.|infusions?|drip)\b"
    ),
    "tms": re.compile(r"\b(?:r?tms|transcranial|magnetic|magnet|brain\s+stimulation)\b"),
    "unsure": re.compile(
        r"\b(?:not\s+sure|unsure|don'?t\s+know|dont\s+know|dunno|no\s+idea|undecided|"
        r"whichever|any\s+of\s+them|either|not\s+decided|help\s+me\s+(?:choose|decide)|all\s+of\s+them)\b"
    ),
}


_COMPARISON = re.compile(r"\b(?:or|and|vs\.?|versus|compared|between|difference|both)\b")


def find_treatment(text: str) -> str | None:
    """The one treatment a message names; 'unsure' when it names several or says so."""
    lowered = (text or "").lower()
    named = [name for name in ("spravato", "ketamine", "tms") if _KEYWORDS[name].search(lowered)]
    if {"spravato", "ketamine"} <= set(named) and not _COMPARISON.search(lowered):
        # "the ketamine nasal spray" names Spravato only.
        named.remove("ketamine")
    if len(named) == 1:
        return named[0]
    if len(named) > 1 or _KEYWORDS["unsure"].search(lowered):
        return "unsure"
    return None


def named_treatment(text: str) -> str | None:
    """Like find_treatment, but only for a message that names a treatment: "not sure yet" says
    nothing about treatments when it answers another question (how you will pay)."""
    lowered = (text or "").lower()
    if not any(_KEYWORDS[name].search(lowered) for name in ("spravato", "ketamine", "tms")):
        return None
    return find_treatment(lowered)


def normalise_treatment(value: str) -> str | None:
    value = (value or "").strip().lower()
    return value if value in TREATMENTS else find_treatment(value)
