"""JSON endpoints for staff: filters, status changes, CSV export, stats, roles, throttling,
urgent notifications and retention."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from api.core.db import make_engine
from api.models import Lead, utcnow
from api.store.leads import purge_older_than
from tests.api.conftest import STAFF_EMAIL, add_lead, lead_body, service_headers

URGENT = {"urgent": True}
QUALIFIED = {"age_confirmed": True, "in_service_area": True, "qualified": True}


def _leads(client: TestClient, headers: dict[str, str], query: str = "") -> dict:
    response = client.get(f"/api/leads?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_list_puts_urgent_first_and_filters(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    add_lead(
        client, "lead-key-1", full_name="Ann Older", phone="(213) 555-0101", email="ann@example.com"
    )
    add_lead(
        client,
        "lead-key-2",
        full_name="Bo Urgent",
        phone="(213) 555-0102",
        email="bo@example.com",
        treatment_interest="tms",
        **URGENT,
    )
    add_lead(
        client,
        "lead-key-3",
        full_name="Cy Newest",
        phone="(213) 555-0103",
        email="cy@example.com",
        **QUALIFIED,
    )
    names = [lead["full_name"] for lead in _leads(client, staff_headers)["items"]]
    assert names == ["Bo Urgent", "Cy Newest", "Ann Older"]
    assert [
        lead["full_name"] for lead in _leads(client, staff_headers, "urgent=true")["items"]
    ] == ["Bo Urgent"]
    assert [
        lead["full_name"] for lead in _leads(client, staff_headers, "qualified=true")["items"]
    ] == ["Cy Newest"]
    assert [
        lead["full_name"] for lead in _leads(client, staff_headers, "treatment=tms")["items"]
    ] == ["Bo Urgent"]
    assert [lead["full_name"] for lead in _leads(client, staff_headers, "q=555-0101")["items"]] == [
        "Ann Older"
    ]
    assert [
        lead["full_name"] for lead in _leads(client, staff_headers, "q=CY@EXAMPLE")["items"]
    ] == ["Cy Newest"]
    assert [lead["full_name"] for lead in _leads(client, staff_headers, "q=bo urg")["items"]] == [
        "Bo Urgent"
    ]
    today = utcnow().date()
    assert _leads(client, staff_headers, f"since={today}&until={today}")["total"] == 3
    assert _leads(client, staff_headers, f"until={today - timedelta(days=1)}")["total"] == 0
    assert _leads(client, staff_headers)["counts"] == {
        "new": 3,
        "contacted": 0,
        "scheduled": 0,
        "closed": 0,
        "not_a_fit": 0,
    }


def test_bad_filters_are_422(client: TestClient, staff_headers: dict[str, str]) -> None:
    for query in ("status=lost", "since=yesterday", "qualified=maybe", "treatment=magic"):
        assert client.get(f"/api/leads?{query}", headers=staff_headers).status_code == 422


def test_status_change_and_note_are_recorded_with_who_and_when(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    lead = add_lead(client, "lead-key-1")
    url = f"/api/leads/{lead['id']}"
    changed = client.patch(
        url, json={"status": "contacted", "note": "Left a voicemail."}, headers=staff_headers
    )
    assert changed.status_code == 200, changed.text
    [event] = changed.json()["events"]
    assert (event["staff_email"], event["from_status"], event["to_status"], event["note"]) == (
        STAFF_EMAIL,
        "new",
        "contacted",
        "Left a voicemail.",
    )
    assert changed.json()["status"] == "contacted"
    note_only = client.patch(
        url, json={"note": "Called back, booked Tuesday."}, headers=staff_headers
    )
    assert [e["to_status"] for e in note_only.json()["events"]] == ["contacted", None]
    assert _leads(client, staff_headers, "status=contacted")["total"] == 1


def test_bad_updates_are_refused_clearly(client: TestClient, staff_headers: dict[str, str]) -> None:
    lead = add_lead(client, "lead-key-1")
    url = f"/api/leads/{lead['id']}"
    assert client.patch(url, json={"status": "won"}, headers=staff_headers).status_code == 422
    empty = client.patch(url, json={}, headers=staff_headers)
    assert empty.status_code == 422 and "status, a note" in empty.text
    assert client.patch(url, json={"status": "closed"}).status_code == 401
    missing = "/api/leads/00000000-0000-0000-0000-000000000000"
    assert (
        client.patch(missing, json={"status": "closed"}, headers=staff_headers).status_code == 404
    )


def test_export_is_for_admins_only_and_audited(
    client: TestClient,
    staff_headers: dict[str, str],
    admin_headers: dict[str, str],
    session_factory: sessionmaker[Session],
) -> None:
    add_lead(client, "lead-key-1", full_name='=HYPERLINK("http://evil.example") Smith')
    add_lead(
        client,
        "lead-key-2",
        full_name="Ann Other",
        phone="(213) 555-0109",
        email="ann@example.com",
        **URGENT,
    )
    forbidden = client.get("/api/leads/export.csv", headers=staff_headers)
    assert forbidden.status_code == 403 and "admin" in forbidden.json()["detail"]
    response = client.get("/api/leads/export.csv?urgent=false", headers=admin_headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1 and rows[0]["full_name"].startswith("'=HYPERLINK")
    with session_factory() as session:
        actions = session.execute(text("SELECT actor, action, detail FROM audit_log")).all()
    assert ("admin@clinic.example", "export", "1 of 1 leads; urgent=False") in actions


def test_viewing_a_lead_is_audited(
    client: TestClient, staff_headers: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    lead = add_lead(client, "lead-key-1")
    assert client.get(f"/api/leads/{lead['id']}", headers=staff_headers).status_code == 200
    with session_factory() as session:
        rows = [
            tuple(row)
            for row in session.execute(text("SELECT actor, action, target FROM audit_log"))
        ]
    assert (STAFF_EMAIL, "view_lead", lead["id"].replace("-", "")) in rows or (
        STAFF_EMAIL,
        "view_lead",
        lead["id"],
    ) in rows
    assert any(action == "login" for _, action, _ in rows)


def test_repeated_failed_logins_through_the_api_are_throttled_per_account(
    client: TestClient, staff_headers: dict[str, str], settings: Settings
) -> None:
    """A token client has no device cookie: after the account's attempts, even the right
    password waits (the console's known browser does not: tests/api/test_login_limits.py)."""
    for _ in range(settings.login_max_failures):
        wrong = client.post("/api/auth/token", data={"username": STAFF_EMAIL, "password": "nope"})
        assert wrong.status_code == 401
    locked = client.post(
        "/api/auth/token",
        data={"username": STAFF_EMAIL, "password": "correct horse battery staple"},
    )
    assert locked.status_code == 429 and "Too many login attempts" in locked.json()["detail"]
    assert int(locked.headers["Retry-After"]) > 0
    other = client.post(
        "/api/auth/token", data={"username": "someone@clinic.example", "password": "x"}
    )
    assert other.status_code == 401  # only the attacked account is throttled


def test_stats_count_days_funnel_shares_and_faq_topics(
    client: TestClient, staff_headers: dict[str, str], settings: Settings
) -> None:
    first = add_lead(client, "lead-key-1", **QUALIFIED)
    add_lead(client, "lead-key-2", phone="(213) 555-0150", email="b@example.com", **URGENT)
    client.patch(f"/api/leads/{first['id']}", json={"status": "scheduled"}, headers=staff_headers)
    engine = make_engine(settings.tracker_db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp REAL, intent_name TEXT, data TEXT)"
            )
        )
        for topic in ("faq/ketamine_cost", "faq/ketamine_cost", "faq/what_is_tms"):
            data = {
                "text": "q",
                "parse_data": {
                    "response_selector": {"faq": {"response": {"intent_response_key": topic}}}
                },
            }
            connection.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                    "VALUES ('c', 'user', :t, 'faq', :d)"
                ),
                {"t": utcnow().timestamp(), "d": json.dumps(data)},
            )
    engine.dispose()
    stats = client.get("/api/stats", headers=staff_headers).json()
    assert (
        stats["total"] == 2 and stats["per_day"][-1]["leads"] == 2 and len(stats["per_day"]) == 30
    )
    assert stats["funnel"] == [
        {"status": "new", "leads": 2},
        {"status": "contacted", "leads": 1},
        {"status": "scheduled", "leads": 1},
        {"status": "closed", "leads": 0},
    ]
    assert (stats["share_qualified"], stats["share_urgent"]) == (0.5, 0.5)
    assert stats["top_faq_topics"] == [
        {"topic": "ketamine_cost", "asked": 2},
        {"topic": "what_is_tms", "asked": 1},
    ]
    assert client.get("/api/stats").status_code == 401


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def webhook(settings: Settings) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.urgent_webhook_url = f"http://127.0.0.1:{server.server_port}/hook"
    yield settings.urgent_webhook_url
    server.shutdown()


def test_urgent_lead_notifies_staff_with_a_link_only(client: TestClient, webhook: str) -> None:
    add_lead(client, "lead-key-1")  # not urgent: nothing sent
    assert _Hook.received == []
    lead = add_lead(
        client,
        "lead-key-2",
        full_name="Priya Raman",
        phone="(213) 555-0166",
        email="priya@example.com",
        **URGENT,
    )
    [message] = _Hook.received
    assert message["link"].endswith(f"/staff/leads/{lead['id']}")
    sent = json.dumps(message)
    for private in ("Priya", "555", "priya@", "ketamine", "crisis"):
        assert private not in sent
    client.post("/api/leads", json={}, headers={})  # a bad request sends nothing
    assert len(_Hook.received) == 1


def test_urgent_email_goes_through_smtp(client: TestClient, settings: Settings) -> None:
    from aiosmtpd.controller import Controller

    class Inbox:
        messages: list[str] = []

        async def handle_DATA(self, server, session, envelope):  # the hook aiosmtpd calls
            Inbox.messages.append(envelope.content.decode())
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.smtp_host, settings.smtp_port = "127.0.0.1", port
        settings.urgent_email_to = "frontdesk@clinic.example"
        lead_id = add_lead(client, "lead-key-1", **URGENT)["id"]
    finally:
        controller.stop()
    from email import message_from_string, policy

    [raw] = Inbox.messages
    mail = message_from_string(raw, policy=policy.default)
    assert mail["Subject"] == "Urgent lead waiting: please log in"
    assert f"/staff/leads/{lead_id}" in mail.get_content()


def test_an_alert_that_fails_is_kept_shown_and_sent_later(
    client: TestClient,
    settings: Settings,
    session_factory: sessionmaker[Session],
    staff_headers: dict[str, str],
) -> None:
    from api.models import UrgentNotification
    from api.store.notify import send_due_notifications

    with socket.socket() as probe:  # a webhook address where nothing listens
        probe.bind(("127.0.0.1", 0))
        settings.urgent_webhook_url = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    lead = add_lead(client, "lead-key-1", full_name="Priya Raman", **URGENT)
    with session_factory() as session:
        [alert] = session.scalars(select(UrgentNotification)).all()
        assert (alert.channel, alert.attempts, alert.sent_at) == ("webhook", 1, None)
        assert alert.last_error == "ConnectError"
    page = _lead_page(client, session_factory, lead["id"])
    assert "not sent yet" in page and "ConnectError" in page
    # The webhook is back; the wait is over; the notifier's round sends it.
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.urgent_webhook_url = f"http://127.0.0.1:{server.server_port}/hook"
    try:
        with session_factory() as session:
            alert = session.scalars(select(UrgentNotification)).one()
            past = datetime.now(timezone.utc) - timedelta(minutes=5)
            alert.next_attempt_at, alert.created_at = past, past
            session.commit()
            assert send_due_notifications(session, settings, older_than_seconds=30) == ["webhook"]
            assert send_due_notifications(session, settings, older_than_seconds=30) == []
    finally:
        server.shutdown()
    assert len(_Hook.received) == 1 and "Priya" not in json.dumps(_Hook.received)
    assert "sent 20" in _lead_page(client, session_factory, lead["id"])


def _lead_page(client: TestClient, session_factory: sessionmaker[Session], lead_id: str) -> str:
    from tests.api.test_staff_console import accounts, log_in

    accounts(session_factory)
    log_in(client)
    return client.get(f"/staff/leads/{lead_id}").text


def test_purge_deletes_old_leads_and_old_conversations(
    client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    old, recent = (
        add_lead(client, "lead-key-1"),
        add_lead(client, "lead-key-2", phone="(213) 555-0155", email="r@example.com"),
    )
    with session_factory() as session:
        session.execute(
            update(Lead)
            .where(Lead.full_name == "David Kim", Lead.email == "david.kim@example.com")
            .values(created_at=utcnow() - timedelta(days=400))
        )
        session.commit()
    engine = make_engine(settings.tracker_db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                "type_name TEXT, timestamp REAL, intent_name TEXT, data TEXT)"
            )
        )
        for age in (400, 399, 2):
            connection.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES ('c', 'user', :t, '{}')"
                ),
                {"t": (utcnow() - timedelta(days=age)).timestamp()},
            )
    engine.dispose()
    with session_factory() as session:
        assert purge_older_than(session, settings.tracker_db_url, 365) == (1, 2)
        remaining = session.execute(text("SELECT id FROM leads")).scalars().all()
    assert len(remaining) == 1 and old["id"] != recent["id"]


def test_each_urgent_lead_is_notified_once_a_repeat_too(client: TestClient, webhook: str) -> None:
    add_lead(client, "lead-key-1")
    again = client.post(
        "/api/leads", json=lead_body(urgent=True), headers=service_headers("lead-key-2")
    )
    assert again.status_code == 201
    assert len(_Hook.received) == 1  # the repeat is a lead of its own, and urgent
    client.post("/api/leads", json=lead_body(urgent=True), headers=service_headers("lead-key-2"))
    assert len(_Hook.received) == 1  # a replay: staff were told once


def test_list_reads_are_audited_and_capped_for_the_staff_role(
    client: TestClient,
    staff_headers: dict[str, str],
    admin_headers: dict[str, str],
    session_factory: sessionmaker[Session],
) -> None:
    for number in range(30):
        add_lead(
            client,
            f"lead-key-{number}",
            full_name=f"Kim Number{number}",
            phone=f"(213) 555-{number:04d}",
            email=f"kim{number}@example.com",
        )
    page = client.get("/api/leads?limit=200&q=Kim", headers=staff_headers).json()
    assert (len(page["items"]), page["limit"], page["limit_capped"], page["total"]) == (
        25,
        25,
        True,
        30,
    )
    rest = client.get("/api/leads?limit=200&offset=25", headers=staff_headers).json()
    assert len(rest["items"]) == 5
    admin = client.get("/api/leads?limit=200", headers=admin_headers).json()
    assert (len(admin["items"]), admin["limit_capped"]) == (30, False)
    assert client.get("/api/leads?limit=10", headers=staff_headers).json()["limit_capped"] is False
    with session_factory() as session:
        reads = session.execute(
            text("SELECT actor, detail FROM audit_log WHERE action = 'list_leads'")
        ).all()
    assert (STAFF_EMAIL, "search=yes; 25 rows from 0") in reads
    assert (STAFF_EMAIL, "no filter; 5 rows from 25") in reads
    assert ("admin@clinic.example", "no filter; 30 rows from 0") in reads
    assert not any("Kim" in detail for _, detail in reads)  # the search text is never kept
