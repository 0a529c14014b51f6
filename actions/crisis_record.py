"""The crisis record a lead carries for staff: which crisis reply the conversation drew, for
which visitor message (issue #32).

The tier is read from what the assistant answered, not from the message's own parse: the
dialogue may give the crisis reply to a follow-up the detector did not mark. Each visitor
message is followed by the actions the assistant ran before the next one; `utter_crisis` there
means the crisis reply, `utter_crisis_check_in` the check-in (an action of its own, or a reply
the form's validation sent with that response). The lead reports the first message
of the highest tier. Nothing the visitor wrote goes into the record.

Messages are numbered as the staff console's transcript shows them (clinic.rasa_store): a button
payload or the widget's opening "/greet" is not one of the visitor's messages, and a reply to
one is dated to the visitor's latest message before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from clinic.lead import (
    CRISIS_CATEGORY_PATTERN,
    FOLLOW_UP,
    MAX_CRISIS_TURN,
    CrisisTier,
)
from clinic.rasa_store import shown_text

CRISIS_REPLIES = {
    "utter_crisis": CrisisTier.crisis,
    "utter_crisis_check_in": CrisisTier.check_in,
}
_RANK = {CrisisTier.check_in: 1, CrisisTier.crisis: 2}
NO_CRISIS: dict[str, Any] = {"crisis_tier": None, "crisis_category": None, "crisis_turn": None}


def message_category(user_event: Mapping[str, Any]) -> str:
    """The detector's category of a visitor message, as the API takes it (a short slug), or
    FOLLOW_UP when it gave none."""
    crisis = (user_event.get("parse_data") or {}).get("crisis") or {}
    category = crisis.get("category") if isinstance(crisis, Mapping) else None
    if not isinstance(category, str) or not category.strip():
        return FOLLOW_UP
    # A category the API would refuse must not cost the lead: written as a slug instead.
    slug = re.sub(r"[^a-z_]", "_", category.strip().lower())[:32]
    return slug if re.fullmatch(CRISIS_CATEGORY_PATTERN, slug) else FOLLOW_UP


def _reply_name(event: Mapping[str, Any]) -> str:
    """The action, or for a reply sent by a custom action (the form's check-in) its response."""
    if event.get("event") == "action":
        return str(event.get("name"))
    return str((event.get("metadata") or {}).get("utter_action"))


def crisis_record(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """crisis_tier, crisis_category and crisis_turn of the lead, from the conversation's events."""
    best: tuple[CrisisTier, str, int | None] | None = None
    number = 0  # visitor messages so far
    message: Mapping[str, Any] | None = None  # the latest user event
    turn: int | None = None  # its number (the latest visitor message's for a payload)
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if shown_text(event.get("text")):
                number += 1
            # Capped at the API's limit: a very long conversation must not cost the lead.
            message, turn = event, (min(number, MAX_CRISIS_TURN) or None)
        elif kind in ("action", "bot") and message is not None:
            tier = CRISIS_REPLIES.get(_reply_name(event))
            if tier is not None and (best is None or _RANK[tier] > _RANK[best[0]]):
                best = (tier, message_category(message), turn)
    if best is None:
        return dict(NO_CRISIS)
    tier, category, at = best
    return {"crisis_tier": tier.value, "crisis_category": category, "crisis_turn": at}
