"""The conversation store erases a visitor's details on request, and is what endpoints.yml uses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import RedactingSQLTrackerStore
from clinic.rasa_store import REMOVED

ROOT = Path(__file__).resolve().parents[2]


def test_endpoints_use_the_redacting_store() -> None:
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "bot.tracker_store.RedactingSQLTrackerStore"


def test_erase_request_redacts_from_the_form_start_only(tmp_path: Path) -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker.from_events(
        "visitor",
        [
            UserUttered("what is tms", timestamp=1.0),
            BotUttered("TMS uses magnetic pulses", timestamp=1.5),
            UserUttered("I'm Jo Smith, call me at 310-555-0123", timestamp=2.0),
            ActiveLoop("lead_form", timestamp=2.1),
            SlotSet("phone", "+13105550123", timestamp=2.2),
            BotUttered("Thank you, Jo Smith", timestamp=2.3),
        ],
        slots=domain.slots,
    )
    asyncio.run(store.save(tracker))
    tracker.update(SlotSet("erase_details_since", 2.0, timestamp=3.0))
    asyncio.run(store.save(tracker))

    stored = asyncio.run(store.retrieve("visitor"))
    assert stored is not None
    texts = [e.text for e in stored.events if isinstance(e, (UserUttered, BotUttered))]
    assert texts == ["what is tms", "TMS uses magnetic pulses", REMOVED, REMOVED]
    phones = [e.value for e in stored.events if isinstance(e, SlotSet) and e.key == "phone"]
    assert phones == [None]
    assert "310-555-0123" not in (tmp_path / "t.db").read_bytes().decode("latin-1")


def test_an_erasure_that_fails_after_the_save_has_already_erased_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker.from_events(
        "visitor",
        [
            UserUttered("I'm Jo Smith, call me at 310-555-0123", timestamp=2.0),
            ActiveLoop("lead_form", timestamp=2.1),
            SlotSet("phone", "+13105550123", timestamp=2.2),
        ],
        slots=domain.slots,
    )
    asyncio.run(store.save(tracker))
    erase = store.erase_details
    calls: list[float] = []

    def erase_then_fail(sender_id: str, since: float) -> int:
        calls.append(since)
        if len(calls) > 1:
            raise OSError("database is locked")
        return erase(sender_id, since)

    monkeypatch.setattr(store, "erase_details", erase_then_fail)
    tracker.update(UserUttered("stop", timestamp=3.0))
    tracker.update(SlotSet("erase_details_since", 2.0, timestamp=3.1))
    with pytest.raises(OSError):
        asyncio.run(store.save(tracker))
    raw = (tmp_path / "t.db").read_bytes().decode("latin-1")
    assert "Jo Smith" not in raw and "310-555-0123" not in raw and "3105550123" not in raw
