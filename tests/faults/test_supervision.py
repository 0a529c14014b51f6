"""`make run` under supervisord (deploy/supervisord.conf): each process killed with SIGKILL comes
back while the others keep serving, and a visitor in the middle of the form loses nothing.

The stack is tests/faults/conftest.py's. Processes are killed by the pid supervisord reports, as
an operator's `kill -9` or the OOM killer would.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from api.core.deliveries import delivery_health, process_states, supervisor_proxy
from tests.faults.conftest import Supervised


def start_form(supervised: Supervised) -> str:
    sender = uuid.uuid4().hex
    supervised.chat(sender, "I'd like to book a free consultation")
    supervised.chat(sender, "tms")
    assert "ZIP code or city" in supervised.chat(sender, "yes")
    return sender


def to_summary(supervised: Supervised, sender: str, phone: str) -> None:
    for text in ("Santa Monica", "two", "Kai Oduya", phone, "no email", "mornings", "insurance"):
        supervised.chat(sender, text)
    assert "Here is what I'll send" in supervised.chat(sender, "yes")


def test_every_process_runs_supervised(supervised: Supervised) -> None:
    states = process_states(supervised.url) or {}
    assert sorted(states) == ["actions", "api", "forget", "notifier", "outbox", "rasa"]
    assert all(supervised.serving(name) for name in states)
    health = httpx.get(f"{supervised.site}/health/deliveries", timeout=10).json()
    assert health["supervised"] is True and health["crash_looping"] == []


# The secrets of .env and who may hold them: a program gets only what it uses.
SECRETS_OF = {
    "api": {"SECRET_KEY", "LEADS_SERVICE_TOKEN", "LEADS_SERVICE_TOKEN_PREVIOUS", "DATABASE_URL"}
    | {"TRACKER_DB_URL", "URGENT_WEBHOOK_URL"},
    "notifier": {"SECRET_KEY", "LEADS_SERVICE_TOKEN", "LEADS_SERVICE_TOKEN_PREVIOUS"}
    | {"DATABASE_URL", "TRACKER_DB_URL", "URGENT_WEBHOOK_URL"},
    "actions": {"LEADS_SERVICE_TOKEN"},
    "outbox": {"LEADS_SERVICE_TOKEN"},
    "rasa": set(),
    "forget": set(),
}
SECRETS = {"SECRET_KEY", "LEADS_SERVICE_TOKEN", "LEADS_SERVICE_TOKEN_PREVIOUS", "DATABASE_URL"}
SECRETS |= {"TRACKER_DB_URL", "URGENT_WEBHOOK_URL"}


def environment_of(pid: int) -> set[str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return {entry.split(b"=", 1)[0].decode() for entry in raw.split(b"\0") if b"=" in entry}


def listening_addresses(pid: int) -> set[str]:
    """The addresses (hex, as /proc/net/tcp writes them) `pid`'s listening TCP sockets bind."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                addresses.add(fields[1].rsplit(":", 1)[0])
    return addresses


def test_each_process_gets_only_its_secrets_and_listens_on_localhost_only(
    supervised: Supervised,
) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    for name, allowed in SECRETS_OF.items():
        _, pid = supervised.state(name)
        assert environment_of(pid) & SECRETS == allowed, name
        assert listening_addresses(pid) <= loopback, name
    for name in ("api", "actions", "rasa"):
        assert listening_addresses(supervised.state(name)[1]), f"{name} listens nowhere"


@pytest.mark.parametrize("victim", ["actions", "outbox", "rasa"])
def test_a_killed_process_comes_back_and_the_form_goes_on(
    supervised: Supervised, victim: str
) -> None:
    sender = start_form(supervised)
    old_pid = supervised.kill(victim)
    others = [name for name in ("api", "actions", "rasa") if name != victim]
    assert all(supervised.serving(name) for name in others), "a kill took another process down"
    supervised.wait_back(victim, old_pid)
    to_summary(supervised, sender, "310 555 0" + str(130 + len(victim)))
    assert "Thank you, Kai Oduya" in supervised.chat(sender, "yes")
    assert len(supervised.leads_for(sender)) == 1


def test_a_lead_given_while_the_api_is_killed_is_delivered_when_it_is_back(
    supervised: Supervised,
) -> None:
    sender = start_form(supervised)
    to_summary(supervised, sender, "310 555 0151")
    old_pid = supervised.kill("api")
    # Delivered when the API is back within the action's budget, else queued; either way the
    # visitor hears it is saved, and it is stored once.
    assert "Thank you, Kai Oduya" in supervised.chat(sender, "yes")
    supervised.wait_back("api", old_pid)
    assert supervised.serving("rasa") and supervised.serving("actions")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not supervised.leads_for(sender):
        time.sleep(1)
    assert len(supervised.leads_for(sender)) == 1
    assert delivery_health(supervised.outbox, 15, supervised.url).waiting == 0


def test_leads_given_while_the_api_is_down_two_minutes_reach_it_through_the_outbox(
    supervised: Supervised,
) -> None:
    """The API stopped for two minutes (a failed deploy, a database migration gone long): the
    visitors who finish meanwhile hear their request is saved, and the outbox watcher delivers
    each lead once when the API is back, with nobody running anything by hand."""
    senders = [start_form(supervised) for _ in range(2)]
    supervisor = supervisor_proxy(supervised.url).supervisor
    supervisor.stopProcess("api")
    stopped = time.monotonic()
    try:
        for number, sender in enumerate(senders):
            to_summary(supervised, sender, f"310 555 01{60 + number}")
            assert "Your request is saved" in supervised.chat(sender, "yes")
        assert len(list(supervised.outbox.glob("*.json"))) == 2
        time.sleep(max(0.0, 120 - (time.monotonic() - stopped)))
        assert len(list(supervised.outbox.glob("*.json"))) == 2  # tried, failed, kept
    finally:
        supervisor.startProcess("api", False)  # no wait: the RPC's own timeout is short
    deadline = time.monotonic() + 60
    while not supervised.serving("api") and time.monotonic() < deadline:
        time.sleep(1)
    health = httpx.get(f"{supervised.site}/health/deliveries", timeout=10).json()
    assert health["waiting"] == 2
    # The watcher's backoff (30 s, doubled per failure) reaches the API within three minutes.
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not all(map(supervised.leads_for, senders)):
        time.sleep(2)
    assert [len(supervised.leads_for(sender)) for sender in senders] == [1, 1]
    assert list(supervised.outbox.glob("*.json")) == []


def test_yes_repeated_after_the_action_server_died_mid_delivery_gives_the_same_lead(
    supervised: Supervised,
) -> None:
    """The action server is killed while it delivers (the API held up by a locked database);
    the visitor gets the apology, says "yes" again once it is back, and one lead exists."""
    sender = start_form(supervised)
    to_summary(supervised, sender, "310 555 0171")
    database = sqlite3.connect(supervised.data / "leads.db", isolation_level=None, timeout=30)
    try:
        database.execute("BEGIN EXCLUSIVE")  # the API's insert waits
        with ThreadPoolExecutor(max_workers=1) as pool:
            first = pool.submit(supervised.chat, sender, "yes")
            time.sleep(1.5)  # the submit action is waiting on the API
            old_pid = supervised.kill("actions")
            first_reply = first.result(timeout=120)
    finally:
        database.execute("ROLLBACK")
        database.close()
    supervised.wait_back("actions", old_pid)
    last_reply = supervised.chat(sender, "yes")  # the visitor tries again
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not supervised.leads_for(sender):
        time.sleep(2)
    time.sleep(5)  # a second delivery, if there were one, would land now
    leads = supervised.leads_for(sender)
    # Exactly one holds: the lead is stored once, or the visitor was told to call the clinic.
    assert len(leads) <= 1, "a repeated yes made a second lead"
    assert leads or "(310) 555-0142" in first_reply + last_reply
