"""What the assistant says it erases is erased: each path read back from the conversation store's
own rows (clinic.rasa_store.stored_events on the SQLite file the agent writes), not from Rasa.

Stop while a crisis has paused the form, stop after the form was resumed, a minor, no consent,
the form giving up after three failed answers, and a form abandoned after a crisis (erased by
the sweep of `make run`'s `forget` process, never turned into a lead).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from clinic.rasa_store import erase_abandoned_forms, stored_events
from tests.bot.conftest import LeadsApi, Visitor

CRISIS = "honestly i want to kill myself"
CANCELLED = "haven't saved"


def stored(tracker_db: Path, visitor: Visitor) -> str:
    """Every stored event of the visitor's conversation, as the store holds it."""
    mine = [
        data
        for (sender, _, data) in stored_events(f"sqlite:///{tracker_db}")
        if sender == visitor.sender_id
    ]
    assert mine  # the conversation is there: a missing one would pass every check below
    return json.dumps(mine, ensure_ascii=False)


def start(visitor: Visitor, name: str, phone: str) -> None:
    visitor.says("I'd like to book a free consultation")
    visitor.says("tms")
    visitor.says("yes")
    visitor.says("90401")
    visitor.says("two")
    visitor.says(name)
    visitor.says(phone)


def test_stop_while_a_crisis_has_paused_the_form_erases_what_was_given(
    visitor: Visitor, tracker_db: Path, leads_api: LeadsApi
) -> None:
    start(visitor, "Rena Okafor", "310-555-0161")
    assert "988" in visitor.says(CRISIS)
    assert CANCELLED in visitor.says("stop")
    held = stored(tracker_db, visitor)
    assert "Rena Okafor" not in held and "555-0161" not in held and "5550161" not in held
    assert leads_api.leads_for(visitor.sender_id) == []


def test_stop_after_the_form_resumed_erases_what_was_given_before_the_crisis(
    visitor: Visitor, tracker_db: Path, leads_api: LeadsApi
) -> None:
    start(visitor, "Milo Varga", "310-555-0163")
    assert "988" in visitor.says(CRISIS)
    visitor.says("i'm safe now, my partner is here with me")
    visitor.says("I'd like to book a free consultation")
    assert visitor.slot("requested_slot") == "email"  # the form goes on where it paused
    visitor.says("milo.varga@example.org")
    assert CANCELLED in visitor.says("stop")
    held = stored(tracker_db, visitor)
    for detail in ("Milo Varga", "555-0163", "5550163", "milo.varga@example.org"):
        assert detail not in held
    assert leads_api.leads_for(visitor.sender_id) == []


def test_a_minor_is_erased(visitor: Visitor, tracker_db: Path) -> None:
    visitor.says("I'm Dana Cole and I'd like to book a consultation")
    visitor.says("tms")
    assert "parent or guardian" in visitor.says("no, I'm 16")
    assert "Dana Cole" not in stored(tracker_db, visitor)


def test_no_consent_is_erased(visitor: Visitor, tracker_db: Path, leads_api: LeadsApi) -> None:
    start(visitor, "Ines Albar", "310-555-0164")
    visitor.says("skip")
    visitor.says("anytime")
    visitor.says("not sure")
    assert "won't contact you" in visitor.says("no")
    held = stored(tracker_db, visitor)
    assert "Ines Albar" not in held and "5550164" not in held and "555-0164" not in held
    assert leads_api.leads_for(visitor.sender_id) == []


def test_a_form_that_gave_up_is_erased(
    visitor: Visitor, tracker_db: Path, leads_api: LeadsApi
) -> None:
    visitor.says("Hi, I'm Ilse Brandt and I'd like to book a free consultation")
    visitor.says("tms")
    visitor.says("yes")
    visitor.says("zzqx")
    visitor.says("qqqq vvvv")
    assert "haven't saved anything" in visitor.says("xkcd ptth")
    assert "Ilse Brandt" not in stored(tracker_db, visitor)
    assert leads_api.leads_for(visitor.sender_id) == []


def test_a_form_abandoned_after_a_crisis_is_erased_by_the_sweep_and_never_a_lead(
    visitor: Visitor, tracker_db: Path, leads_api: LeadsApi
) -> None:
    start(visitor, "Oren Halloway", "310-555-0165")
    assert "988" in visitor.says(CRISIS)
    assert "Oren Halloway" in stored(tracker_db, visitor)  # the visitor may still come back
    # The visitor leaves. A day later (here: any time after the last message) the sweep runs.
    erase_abandoned_forms(
        f"sqlite:///{tracker_db}", datetime.now(timezone.utc) + timedelta(seconds=1)
    )
    held = stored(tracker_db, visitor)
    assert "Oren Halloway" not in held and "555-0165" not in held and "5550165" not in held
    assert leads_api.leads_for(visitor.sender_id) == []
