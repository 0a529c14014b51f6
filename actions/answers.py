"""Reading the form's multiple-choice answers from what visitors type."""

from __future__ import annotations

import re

from clinic.lead import Channel

CHANNELS = tuple(channel.value for channel in Channel)

# A bare number is an age only while the age question is asked (read_age's `asked`): at the
# phone question "12" is a mistyped number, not a minor.
_AGE_RE = re.compile(
    r"\b(?:i'?m|i\s+am|im|age|aged)\s*(?:is\s*)?(\d{1,2})\b|^\s*(\d{1,2})\s*(?:years?\s*old|yo|y/o)\s*$",
    re.I,
)
_ADULT_RE = re.compile(r"\b(?:over|above)\s+(?:18|eighteen)\b|\b18\s*\+|\badult\b", re.I)
_MINOR_RE = re.compile(
    r"\b(?:under|below)\s+(?:18|eighteen)\b|\bminor\b|\bteen(?:ager)?\b|\bhigh\s+school\b", re.I
)

# "5pm", "9:30", "10 am": a time of day, never an age or a count.
_NOT_A_TIME = r"(?!\s*(?:[ap]\.?m\b|:\d|o'?clock\b|ish\b))"

_TRIED = [
    (
        "unsure",
        re.compile(
            r"\b(?:not\s+sure|unsure|don'?t\s+know|dont\s+know|can'?t\s+remember|no\s+idea|dunno)\b",
            re.I,
        ),
    ),
    (
        "2+",
        re.compile(
            r"\b(?:two|three|four|five|six|several|many|multiple|a\s+few|few|lots|a\s+lot|tons|all\s+of\s+them)\b|"
            # 2 to 99: a five-digit number is a ZIP code, not a count.
            r"(?<![\d:])(?:[2-9]|[1-9]\d)(?![\d:])" + _NOT_A_TIME + r"|2\s*\+",
            re.I,
        ),
    ),
    (
        "1",
        re.compile(
            r"\b(?:one|just\s+one|a\s+single|only\s+one|once)\b|(?<![\d:])1(?![\d:])" + _NOT_A_TIME,
            re.I,
        ),
    ),
    (
        "0",
        re.compile(
            r"\b(?:none|zero|0|never|no(?:ne)?\s+(?:yet|antidepressants?|meds|medications?)|haven'?t|have\s+not|not\s+any)\b",
            re.I,
        ),
    ),
]
_TRIED_CONTEXT = re.compile(r"\b(?:antidepressants?|meds|medications?|ssris?|snris?|pills)\b", re.I)

_PAYMENT = [
    (
        "unsure",
        re.compile(r"\b(?:not\s+sure|unsure|don'?t\s+know|dont\s+know|depends|no\s+idea)\b", re.I),
    ),
    (
        "self_pay",
        re.compile(
            r"\b(?:self[\s-]*pay|cash|out\s+of\s+pocket|pay\s+(?:myself|it\s+myself|privately)|private(?:ly)?|credit\s+card|hsa|fsa)\b",
            re.I,
        ),
    ),
    (
        "insurance",
        re.compile(
            r"\b(?:insurance|insured|my\s+plan|covered|coverage|blue\s+(?:cross|shield)|aetna|kaiser|cigna|united|anthem|medicare|medi-?cal|tricare|ppo|hmo)\b",
            re.I,
        ),
    ),
]

_CHANNEL_WORDS = {
    "call": re.compile(r"\b(?:call|calls|phone\s+call|ring)\b", re.I),
    "text": re.compile(r"\b(?:text|texts|sms|message)\b", re.I),
    "email": re.compile(r"\b(?:e-?mail|emails)\b", re.I),
}
_ONLY = re.compile(r"\b(?:only|just|prefer|rather)\b", re.I)


_DECLINE_RE = re.compile(
    r"^\W*(?:no+|nope|nah|none|skip|pass|next|n/?a|no thanks?|no thank you)\W*$|"
    # "skip for now", "next question", "let's move on": skipping the question asked.
    r"\b(?:skip(?:\s+(?:it|this|that)(?:\s+one)?)?\s+for\s+now|next\s+(?:question|one)|move\s+on\b(?!\s+with)|skip\s+ahead|"
    r"pass\s+on\s+(?:that|this|it))\b|"
    # "leave my email out of it", "leave that blank", "skip the phone".
    r"\b(?:leave\s+(?:my\s+)?(?:phone|number|email|e-mail)\s+out|leave\s+(?:it|that|this)\s+(?:blank|empty|out)|"
    r"skip\s+(?:the|my)\s+(?:phone|number|email|e-mail|question|time|payment|insurance))\b|"
    r"\b(?:rather not|prefer not|don'?t have|do not have|dont have|"
    r"no (?:phone|email|e-mail|number|cell)|"
    r"skip (?:it|this|that)|not (?:giving|sharing|telling)|won'?t (?:give|share)|"
    r"only (?:by )?(?:email|phone|text)|"
    r"(?:don'?t|do not|dont) (?:want to|wanna) (?:give|share|answer|say)|"
    r"not comfortable (?:giving|sharing))\b",
    re.IGNORECASE,
)


def is_decline(text: str) -> bool:
    return bool(_DECLINE_RE.search(text or ""))


_YES_RE = re.compile(
    r"^\W*(?:yes|yess+|yep|yeah|yea|yup|ya|y|sure|ok|okay|of\s+course|correct|right|that'?s\s+right|"
    r"definitely|absolutely|affirmative|i\s+am|i\s+do|go\s+ahead|please\s+do|sounds\s+good)\b",
    re.I,
)
_NO_RE = re.compile(
    r"^\W*(?:no|nope|nah|n|not\s+(?:yet|really)|never|negative|i'?m\s+not|i\s+am\s+not|don'?t)\b",
    re.I,
)
_NUMBER_RE = re.compile(r"(?<![\d:-])(\d{1,2})(?![\d:-])" + _NOT_A_TIME, re.I)


def read_yes_no(text: str) -> bool | None:
    """A yes or no at the start of a short answer ("yep 41", "no thanks"), or None."""
    if _YES_RE.search(text or ""):
        return True
    if _NO_RE.search(text or ""):
        return False
    return None


def read_age(text: str, asked: bool = False, yes_no: bool = True) -> bool | None:
    """True for an adult, False for a minor, None when the message does not say.

    Outside the age question only explicit forms count ("I'm 17"); while it is asked, any age
    in the answer ("yep 41") and, with `yes_no`, a plain yes or no do.
    """
    if asked:
        number = _NUMBER_RE.search(text or "")
        if number and 5 <= int(number.group(1)) <= 99:
            return int(number.group(1)) >= 18
    match = _AGE_RE.search(text or "")
    if match:
        age = int(match.group(1) or match.group(2))
        if 5 <= age <= 99:
            return age >= 18
    if _MINOR_RE.search(text or ""):
        return False
    if _ADULT_RE.search(text or ""):
        return True
    return read_yes_no(text) if asked and yes_no else None


def read_antidepressants_tried(text: str, asked: bool) -> str | None:
    """'0', '1', '2+' or 'unsure'; outside the question only with an explicit medication word."""
    if not asked and not _TRIED_CONTEXT.search(text or ""):
        return None
    for value, pattern in _TRIED:
        if pattern.search(text or ""):
            return value
    return None


def read_payment(text: str) -> str | None:
    for value, pattern in _PAYMENT:
        if pattern.search(text or ""):
            return value
    return None


def read_channels(text: str) -> list[str] | None:
    """Channels a visitor limits consent to ("only email", "text me"), or None."""
    named = [channel for channel, pattern in _CHANNEL_WORDS.items() if pattern.search(text or "")]
    if named and (_ONLY.search(text or "") or len(named) < len(CHANNELS)):
        return named
    return None
