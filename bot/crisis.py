"""Rule-based crisis detection: suicidal thoughts, self-harm, harm to others, medical emergency.

Recall comes first: a missed crisis is far worse than an extra offer of help. The rules run on
every message inside the NLU pipeline (bot.components.crisis_detector), so they work even when
the action server is down, and they are combined there with the trained `crisis` intent.

Two kinds of rule:
- DISCLOSURES always count ("I want to kill myself", "took too many pills").
- TOPIC words (suicidal, overdose, self-harm) count unless the message is a general question
  with no first-person or family reference ("does Spravato help with suicidal thoughts?"):
  such questions get a factual answer that still carries the 988 line.
Figurative phrases ("I'm dying to know the price", "traffic kills me") match no rule.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words people use for "myself", typos included.
_SELF = r"(?:my\s*self|myself|mysef|myslef|mysel|meself|my\s*own\s*self)"
_ME_OR_SELF = rf"(?:{_SELF}|me)"

DISCLOSURES: dict[str, list[str]] = {
    "suicidal_ideation": [
        rf"\b(?:kill|kil|kll|killing|killin|kiling|off|unalive|unaliving|end)\s*{_SELF}\b",
        r"\bkms\b",
        r"\b(?:end|ending|take|taking|took)\s+(?:it\s+all|my\s+(?:own\s+)?life|my\s+life)\b",
        r"\bend\s+(?:it|things|everything)\s+(?:all|now|tonight|today|for\s+good|soon)\b",
        r"\b(?:want|wanna|wanted|going|gonna|ready|plan(?:ning)?|trying)\s+(?:to\s+)?(?:die|be\s+dead|end\s+it)\b",
        r"\b(?:wish|wished|hope)\s+i\s+(?:was|were|could\s+be|would\s+be|could)\s+(?:dead|die|gone|never\s+born)\b",
        r"\bwish\s+i\s+(?:wasn'?t|weren'?t)\s+(?:alive|here|born)\b",
        r"\bbetter\s+off\s+(?:dead|without\s+me|if\s+i\s+(?:was|were)n'?t\s+here|gone)\b",
        r"\b(?:don'?t|dont|do\s+not|no\s+longer)\s+(?:want|wanna|wish)\s+(?:to\s+)?(?:live|be\s+alive|be\s+here|exist|wake\s+up|go\s+on)\b",
        r"\bno\s+(?:reason|point|will)\s+(?:to|in|for)\s+(?:live|living|go(?:ing)?\s+on|being\s+alive)\b",
        r"\b(?:life|living)\s+(?:is\s+)?(?:not|isn'?t|aint|ain'?t)\s+worth\s+(?:it|living)\b",
        r"\bnot\s+worth\s+living\b",
        r"\bcan'?t\s+(?:go\s+on|keep\s+going|take\s+(?:it|this)\s+any\s*more|do\s+this\s+any\s*more|live\s+like\s+this)\b",
        r"\b(?:hang|hanging|drown|drowning|shoot|shooting)\s+{self}\b".format(self=_SELF),
        r"\b(?:jump|jumping)\s+(?:off|from|in\s+front)\b",
        r"\b(?:slit|slitting|cut|cutting)\s+(?:my\s+)?(?:wrists?|throat)\b",
        r"\bnobody\s+(?:would|will)\s+(?:miss|care\s+if)\b",
        r"\b(?:saying|say)\s+(?:my\s+)?goodbyes?\b",
        r"\bsuicide\s+(?:note|letter|plan)\b",
        r"\b(?:want|wanna|going|gonna)\s+to\s+disappear\s+(?:forever|for\s+good)\b",
        r"\bno\s+way\s+out\b",
    ],
    "self_harm": [
        rf"\b(?:hurt|hurting|harm|harming|cut|cutting|burn|burning|injure|injuring|punish|punishing)\s+{_SELF}\b",
        r"\bself[\s-]*(?:harm|harming|injury|injure|mutilat\w*)\b.*\b(?:i|i'?m|been|again|started|keep)\b",
        r"\b(?:i|i'?ve|been|started|keep)\b.*\bself[\s-]*(?:harm|harming|injury|mutilat\w*)\b",
        r"\b(?:started|start|keep|been)\s+cutting\b",
        r"\bcutting\s+again\b",
    ],
    "harm_to_others": [
        r"\b(?:kill|killing|kil|murder|murdering|shoot|shooting|stab|stabbing|strangle)\s+(?:him|her|them|someone|somebody|some\s+one|people|everyone|everybody|my\s+\w+|the\s+\w+|that\s+\w+|this\s+\w+|a\s+\w+)\b",
        r"\b(?:hurt|hurting|harm|harming|attack|beat\s+up)\s+(?:someone|somebody|some\s+one|people|everyone|everybody|others|my\s+(?:kids?|children|son|daughter|wife|husband|partner|mom|mother|dad|father|baby|boss|family))\b",
        r"\b(?:want|wanna|going|gonna|feel\s+like)\s+(?:to\s+)?(?:hurt|kill|shoot|stab)\s+(?:him|her|them)\b",
    ],
    "medical_emergency": [
        r"\b(?:chest\s+pains?|heart\s+attack|having\s+a\s+stroke|can'?t\s+breathe|cannot\s+breathe|trouble\s+breathing|struggling\s+to\s+breathe|not\s+breathing)\b",
        r"\b(?:took|taken|swallowed|ate)\s+(?:a\s+(?:bunch|lot|handful)|all|too\s+many|too\s+much|the\s+whole)\b.*\b(?:pills?|meds?|tablets?|medications?|bottle)\b",
        r"\b(?:took|taken|swallowed)\s+\d+\s+(?:pills?|tablets?)\b",
        r"\b(?:overdosed|overdosing|od'?d|od'?ing)\b",
        r"\b(?:having|had)\s+a\s+seizure\b",
        r"\b(?:passed\s+out|unconscious|won'?t\s+wake\s+up|not\s+waking\s+up|bleeding\s+(?:a\s+lot|heavily|badly|everywhere))\b",
    ],
}

# Words that signal a crisis when the visitor speaks about themselves or someone close.
TOPIC_WORDS: dict[str, str] = {
    "suicidal_ideation": r"\b(?:suicid\w*|sucid\w*|suisid\w*|suicd\w*|sewerslide|unalive|self[\s-]*destruct\w*)\b",
    "self_harm": r"\bself[\s-]*(?:harm\w*|injur\w*|mutilat\w*)\b",
    "medical_emergency": r"\b(?:overdose|over\s+dose|\bod\b)\b",
}

_PERSONAL = re.compile(
    r"\b(?:i|i'?m|im|i'?ve|ive|i'?d|i'?ll|me|my|myself|mine|we|we'?re|our|us|"
    r"he|he'?s|she|she'?s|they'?re|him|her|son|daughter|husband|wife|partner|friend|"
    r"brother|sister|mom|dad|mother|father|kid|child|boyfriend|girlfriend)\b"
)
_GENERAL_QUESTION = re.compile(
    r"^(?:does|do|did|can|could|is|are|was|will|would|should|what|whats|what's|how|why|when|"
    r"which|who|tell\s+me|any|info|information|question)\b"
)

_COMPILED_DISCLOSURES = {
    category: [re.compile(pattern) for pattern in patterns]
    for category, patterns in DISCLOSURES.items()
}
_COMPILED_TOPICS = {category: re.compile(pattern) for category, pattern in TOPIC_WORDS.items()}


@dataclass(frozen=True)
class CrisisMatch:
    category: str
    rule: str


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, no accents, letters repeated at most twice."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"(\w)\1{2,}", r"\1\1", text)  # "dieeee" -> "diee", "sooo" -> "soo"
    text = re.sub(r"[^a-z0-9'\s-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_general_question(text: str) -> bool:
    return bool(_GENERAL_QUESTION.match(text)) and not _PERSONAL.search(text)


def detect_crisis(text: str) -> CrisisMatch | None:
    """The first crisis rule the message matches, or None."""
    if not text:
        return None
    normalised = normalise(text)
    # Repeated letters are folded to two, so also try them folded to one ("dyying" -> "dying").
    variants = {normalised, re.sub(r"(\w)\1", r"\1", normalised)}
    for variant in variants:
        for category, patterns in _COMPILED_DISCLOSURES.items():
            for pattern in patterns:
                if pattern.search(variant):
                    return CrisisMatch(category, pattern.pattern)
    for variant in variants:
        if _is_general_question(variant):
            continue
        for category, pattern in _COMPILED_TOPICS.items():
            if pattern.search(variant):
                return CrisisMatch(category, pattern.pattern)
    return None
