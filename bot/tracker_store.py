"""The conversation store: Rasa's SQL tracker store, able to erase a visitor's details.

When a visitor stops the form, turns out to be under 18, or refuses consent, nothing may be
kept, yet Rasa's store keeps every message. Actions then set the slot `erase_details_since` to
the time the form began; when that event is saved, this store rewrites the conversation's
stored events from that time (clinic/rasa_store.py: message texts become REMOVED, entities are
dropped, and the form's slot values become null). Configured in endpoints.yml.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from clinic import rasa_store

ERASE_SLOT = rasa_store.ERASE_SLOT


class RedactingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa's engine: a failed write's error would carry the events (visitor's words) as
        # bound parameters into the log.
        self.engine.hide_parameters = True

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        erase_since = self._erase_requested(new_events)
        if erase_since is not None:
            # Before the turn is saved: if this fails, nothing of the turn is, and the form
            # still reads as unsent, which the abandoned-form sweep erases. After it: the
            # turn's own rows. A failure then leaves only this turn's rows, and the sweep
            # (api.cli erase-abandoned) applies every stored erase request again.
            self.erase_details(tracker.sender_id, erase_since)
        await super().save(tracker)
        if erase_since is not None:
            self.erase_details(tracker.sender_id, erase_since)

    @staticmethod
    def _erase_requested(events: list[Event]) -> float | None:
        for event in events:
            if isinstance(event, SlotSet) and event.key == ERASE_SLOT and event.value is not None:
                return float(event.value)
        return None

    def erase_details(self, sender_id: str, since: float) -> int:
        """Redact the stored events of one conversation from `since` on. Returns how many."""
        # The store's own engine: same database, schema and connection pool as Rasa's writes.
        return rasa_store.erase_details(self.engine, sender_id, since)
