"""Nothing a visitor said or gave reaches a log, on the error paths too, through real processes.

The `make run` stack of tests/faults/conftest.py is driven down each path: bad bytes in every
answer and in the metadata, the conversation store locked mid-form, the leads database locked at
the final "yes", a client that hangs up mid-turn, an action that raises, payloads that set slots
to odd shapes, and a staff search. Then every program's output and every log file of the stack
is searched for the conversation's name, phone, email, message texts and the search text.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.faults.conftest import STAFF, Supervised

NAME, PHONE, EMAIL = "Quintessa Marlowe-Vega", "(323) 555-0176", "q.marlowe.vega@example.org"
SEARCHED = "Marlowe"
# Texts the visitor types, each distinctive enough that a hit can only be a leak.
CRISIS = "i have been hoarding my sertraline to swallow all at once"
DISCONNECTED = "do you take blue shield ppo for the ketamine sessions"
LOCKED_STORE = "my stepbrother drives me to appointments on tuesdays"
PROBE_TEXTS = (CRISIS, DISCONNECTED, LOCKED_STORE)
PAYLOAD_NAME = "Thaddeus Okonkwo-Brandt"


def hits(supervised: Supervised, secrets: tuple[str, ...]) -> dict[str, list[str]]:
    """{secret: files it was found in} over the stack's output and log files."""
    files = [supervised.log, *supervised.data.rglob("*.log")]
    found: dict[str, list[str]] = {}
    for path in dict.fromkeys(files):
        text = path.read_text(errors="replace")
        for secret in secrets:
            digits = re.sub(r"\D", "", secret)
            if secret in text or (len(digits) >= 7 and digits in re.sub(r"\D", "", text)):
                found.setdefault(secret, []).append(path.name)
    return found


@contextmanager
def locked(database: Path) -> Iterator[None]:
    """Hold an exclusive lock on a SQLite database, as a long write by another process does."""
    connection = sqlite3.connect(database, isolation_level=None, timeout=30)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def hang_up(base_url: str, body: dict[str, str]) -> None:
    """Send a chat message and close the connection before any reply, as a closed tab does."""
    address = urlsplit(base_url)
    payload = json.dumps(body).encode()
    request = (
        f"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request + payload)
    time.sleep(3)  # Rasa goes on with the turn and finds nobody to answer


def start_form(supervised: Supervised, sender: str, metadata: dict[str, str]) -> None:
    supervised.chat(sender, "I'd like to book a free consultation", metadata)
    supervised.chat(sender, "tms\x07", metadata)
    assert "ZIP code or city" in supervised.chat(sender, "yes\u200b", metadata)


@pytest.fixture(scope="module")
def driven(supervised: Supervised) -> Supervised:
    """The stack after every path below has been taken once."""
    bad = {"utm_source": "goo\ud800gle\x00", "utm_campaign": "fall\x1b[31m" + "x" * 5000}
    # Bad bytes in every answer and in the metadata; the leads database locked at the "yes".
    sender = uuid.uuid4().hex
    start_form(supervised, sender, bad)
    for answer in (
        "Santa Monica\ud83d",
        "two\x00",
        f"{NAME}\u202e",
        f"{PHONE}\x0c",
        f"{EMAIL}\udfff",
        "mornings\x1b[2J",
        "insurance\x7f",
    ):
        supervised.chat(sender, answer, bad)
    assert "Here is what I'll send" in supervised.chat(sender, "yes", bad)
    with locked(supervised.data / "leads.db"):
        reply = supervised.chat(sender, "yes", bad)
        time.sleep(6)  # past SQLite's 5 s busy timeout: the API's write fails
    assert "saved" in reply and "Quintessa" in reply  # queued: the API could not write
    # The conversation store locked mid-form, then a crisis message in the form.
    other = uuid.uuid4().hex
    start_form(supervised, other, {})
    supervised.chat(other, "90401")
    with locked(supervised.data / "tracker.db"):
        supervised.chat(other, LOCKED_STORE)
    assert "988" in supervised.chat(other, CRISIS)
    # A client that hangs up before the reply.
    hang_up(supervised.assistant, {"sender": uuid.uuid4().hex, "message": DISCONNECTED})
    # Payloads that set slots to shapes no form answer has, inside and outside the form.
    odd = uuid.uuid4().hex
    start_form(supervised, odd, {})
    for payload in (
        f'/inform{{"full_name": {{"first": "{PAYLOAD_NAME}"}}}}',
        f'/inform{{"phone": ["{PHONE}", 1]}}',
        '/affirm{"contact_consent": "\\ud800"}',
    ):
        supervised.chat(odd, payload)
    # An action that raises inside rasa-sdk (events that are no list: a call Rasa never makes).
    actions = supervised.health["actions"].removesuffix("/health")
    raised = httpx.post(
        f"{actions}/webhook",
        json={
            "next_action": "action_submit_lead",
            "sender_id": "x",
            "tracker": {
                "sender_id": "x",
                "slots": {"full_name": NAME, "phone": PHONE},
                "latest_message": {"text": CRISIS},
                "events": f"{NAME} {CRISIS}",
            },
            "domain": {},
        },
        timeout=30,
    )
    assert raised.status_code == 500
    # A staff search for the visitor, in the API and on the console.
    token = httpx.post(
        f"{supervised.site}/api/auth/token", data={"username": STAFF[0], "password": STAFF[1]}
    ).json()["access_token"]
    found = httpx.get(
        f"{supervised.site}/api/leads",
        params={"q": SEARCHED},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert found.status_code == 200
    # The queued lead reaches the API (the outbox's first retry), so later tests start clean.
    deadline = time.monotonic() + 120
    while list(supervised.outbox.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(2)
    assert len(supervised.leads_for(sender)) == 1
    time.sleep(2)  # the last lines reach supervisord's output
    return supervised


def test_no_log_holds_the_visitors_details_or_words(driven: Supervised) -> None:
    assert hits(driven, (NAME, PHONE, EMAIL, PAYLOAD_NAME, *PROBE_TEXTS)) == {}


def test_no_log_holds_a_staff_search(driven: Supervised) -> None:
    assert hits(driven, (f"q={SEARCHED}", SEARCHED)) == {}


def test_the_paths_were_taken_and_logged_by_class(driven: Supervised) -> None:
    """The search above would pass on an empty log: the errors were logged, without data."""
    log = driven.log.read_text(errors="replace")
    assert "sqlalchemy.exc.OperationalError: [withheld]" in log  # the API's locked database
    assert "Error happened when trying to save conversation tracker" in log  # Rasa's
    assert "GET /api/leads HTTP/1.1" in log  # the search, without its query
    assert "[withheld]" in log
