"""The conversation store: Rasa's SQL tracker store, able to erase a visitor's details.

When a visitor stops the form, turns out to be under 18, or refuses consent, nothing may be
kept, yet Rasa's store keeps every message. Actions then set the slot `erase_details_since` to
the time the form began; when that event is saved, this store rewrites the conversation's
stored events from that time: message texts become REMOVED, entities are dropped, and the
form's slot values become null. Configured in endpoints.yml.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from clinic.lead import FORM_SLOTS

ERASE_SLOT = "erase_details_since"
REMOVED = "[removed at the visitor's request]"
# Slots that hold what the visitor told the form: the form's own list, so a new question
# is erased too.
DETAIL_SLOTS = frozenset(FORM_SLOTS)


def redact_event(type_name: Text, data: Dict[Text, Any]) -> Dict[Text, Any]:
    """The stored event without the visitor's words or details."""
    if type_name == "user":
        data["text"] = REMOVED
        parse_data = data.get("parse_data") or {}
        parse_data.update({"text": REMOVED, "entities": []})
        data["parse_data"] = parse_data
    elif type_name == "bot":
        data["text"] = REMOVED
    elif type_name == "slot" and data.get("name") in DETAIL_SLOTS:
        data["value"] = None
    return data


class RedactingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        erase_since = self._erase_requested(new_events)
        await super().save(tracker)
        if erase_since is not None:
            self.erase_details(tracker.sender_id, erase_since)

    @staticmethod
    def _erase_requested(events: list) -> Optional[float]:
        for event in events:
            if isinstance(event, SlotSet) and event.key == ERASE_SLOT and event.value is not None:
                return float(event.value)
        return None

    def erase_details(self, sender_id: Text, since: float) -> int:
        """Redact the stored events of one conversation from `since` on. Returns how many."""
        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.timestamp >= since)
                .all()
            )
            for row in rows:
                row.data = json.dumps(redact_event(row.type_name, json.loads(row.data)))
            session.commit()
            return len(rows)
