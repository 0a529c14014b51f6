"""Follow-ups after a crisis reply: a message read with the crisis turn in mind.

After "I have pills at home" got the crisis reply, "im going to take all of them tonight" says
nothing dangerous on its own: "them" and "tonight" point back. These rules run only on the few
messages after a crisis reply (bot.crisis_policy decides when) and recognise what such a message
adds: the means, the time, an act already done, a body in danger. A message that says the
visitor has put the means away or reached help ("i gave it to my roommate", "the ambulance is
here", "i'll call 988") is no follow-up crisis, and gets its answer with the one-line note.
"""

from __future__ import annotations

import re

from bot.crisis import normalise

_NOT = r"(?:not|never|won'?t|wont|don'?t|dont|didn'?t|didnt|can'?t|cant|no\s+longer)"

# What the message adds to the crisis turn before it.
_DANGER = [
    # Acting on "it" or "them": "i'm gonna do it", "going to take all of them", "use it on myself".
    r"\b(?:i'?m|im|i\s+am|i'?ll|i\s+will|i|gonna|going\s+to|about\s+to)\s+(?:\w+\s+){0,2}"
    r"(?:do|doing|use|using|take|taking|swallow|swallowing|finish|finishing|end|ending|drink|"
    r"drinking|go\s+through\s+with)\s+(?:it|them|all|those|these|everything|that|the\s+rest)\b",
    r"\bon\s+myself\b",
    # Done already, or under way: "already swallowed them", "took them an hour ago".
    r"\b(?:already|just)\s+(?:did|done|took|taken|swallowed|started|cut|decided|have|got|bought|"
    r"wrote|tied|loaded|filled)\b",
    r"\b(?:took|swallowed|drank)\s+(?:them|it|all|those|the\s+rest)\b",
    r"\b(?:an?|one|two|\d+)\s+(?:hour|hours|minutes?|mins?)\s+ago\b",
    # Means at hand: "with the gun", "the rope", "filling the syringe", "it's loaded".
    r"\b(?:with|have|has|got|holding|hold|bought|filling|loaded|ready|next\s+to|in\s+my\s+hand)\s+"
    r"(?:\w+\s+){0,2}(?:gun|pistol|rifle|rope|noose|pills|knife|razors?|blades?|hose|syringe|"
    r"insulin|bottle)\b",
    r"\b(?:on|at)\s+the\s+(?:bridge|ledge|roof|cliff|edge|tracks)\b",
    r"\b(?:it'?s|its|everything'?s|everything\s+is|all)\s+(?:loaded|ready|set|planned)\b",
    # The time it will happen: "tonight. i already decided", "tomorrow morning, before work".
    r"^(?:\W*)(?:tonight|today|tomorrow|this\s+(?:weekend|week|evening|morning)|right\s+now|soon)\b",
    r"\b(?:going|going\s+to|gonna|will|i'?ll|planning\s+to|about\s+to)\s+(?:\w+\s+){0,3}"
    r"(?:tonight|today|tomorrow|this\s+(?:weekend|week)|right\s+now)\b",
    r"\b(?:doing|do)\s+it\s+(?:tonight|today|tomorrow|now|soon)\b",
    # Not being here, refusing help, the body failing.
    r"\b(?:won'?t|wont|will\s+not|not\s+going\s+to)\s+be\s+(?:here|around|alive)\b",
    r"\bno\s+(?:one|body)\s+(?:can|will)\s+stop\s+me\b|\btoo\s+late\b|\bgoodbye\b",
    r"\b(?:don'?t|dont|do\s+not)\s+want\s+(?:help|to\s+be\s+(?:saved|helped))\b",
    r"\b(?:won'?t|wont|will\s+not|not\s+going\s+to)\s+(?:call|text)\b",
    r"\b(?:feel|feeling|getting|i'?m|im)\s+(?:really\s+|so\s+|very\s+)?(?:dizzy|sleepy|numb|weird|"
    r"faint)\b|\bcan'?t\s+breathe\b|\bwon'?t\s+stop\s+bleeding\b|\b(?:won'?t|wont)\s+stop\b|\bdeeper\b",
    r"\bwalk\s+into\s+(?:the\s+)?(?:water|ocean|sea|traffic)\b",
    r"\bjump\s+(?:off|from|in\s+front)\b",
]
# The danger put away or help reached: these settle the follow-up.
_SAFE = [
    r"\b(?:gave|give|handed|returned|flushed|threw|thrown|tossed|locked|hid|emptied|poured|got\s+rid)\b",
    r"\b(?:in|into)\s+(?:the|my|a|our|his|her|their)\s+(?:\w+'?s?\s+)?"
    r"(?:trash|bin|garbage|toilet|mailbox|lockbox|safe)\b|\baway\s+now\b",
    r"\bput\s+(?:\w+\s+){0,3}(?:away|outside|out\s+of\s+reach)\b",
    r"\b(?:ambulance|paramedics|er|hospital|urgent\s+care|emergency\s+room|cedars|nurse|doctor)\b",
    r"\b(?:i\s+)?(?:called|texted|reached|talked\s+to|spoke\s+to|i'?ll\s+call|i\s+will\s+call|"
    r"i'?ll\s+text|calling|texting)\b",
    r"\b(?:got\s+down|i'?m\s+inside|came\s+(?:over|to\s+get)|is\s+(?:here|coming)|with\s+my)\b",
    r"\b(?:i'?m|im|i\s+am)\s+(?:ok|okay|safe|fine|calmer|better|alright)\b",
]
_COMPILED_DANGER = [re.compile(pattern) for pattern in _DANGER]
_COMPILED_SAFE = [re.compile(pattern) for pattern in _SAFE]
_NEGATED_ACT = re.compile(
    _NOT + r"\s+(?:\w+\s+){0,2}(?:do|doing|use|take|going\s+to|gonna|hurt|jump)\b"
)


def continues_crisis(text: str) -> bool:
    """The message, read after a crisis reply, carries the crisis on."""
    normalised = normalise(text)
    if not normalised:
        return False
    if any(pattern.search(normalised) for pattern in _COMPILED_SAFE):
        # "they're in the trash, what happens next" is settled; "already swallowed them, the
        # ambulance won't come" is not: an act already done outweighs the help it mentions.
        return bool(_ACT_DONE.search(normalised))
    if _NEGATED_ACT.search(normalised):
        return False
    return any(pattern.search(normalised) for pattern in _COMPILED_DANGER)


def settles_crisis(text: str) -> bool:
    """The message, read after a crisis reply, says the means are put away or help is reached."""
    normalised = normalise(text)
    return any(pattern.search(normalised) for pattern in _COMPILED_SAFE) and not _ACT_DONE.search(
        normalised
    )


_ACT_DONE = re.compile(
    r"\b(?:already|just)\s+(?:took|taken|swallowed|cut|drank)\b|\b(?:took|swallowed)\s+(?:them|it|all)\b"
)
