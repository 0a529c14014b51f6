"""The staff console's pages through HTTP: sessions, CSRF, roles, escaping, headers."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from api.core import sessions
from api.core.config import Settings
from api.models import StaffRole
from api.store.staff import upsert_staff_user
from tests.api.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    add_lead,
)
from tests.api.conftest import console_log_in as log_in


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def accounts(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
        upsert_staff_user(session, ADMIN_EMAIL, ADMIN_PASSWORD, StaffRole.admin)


def test_pages_need_a_login_and_the_cookie_is_protected(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    anonymous = client.get("/staff", follow_redirects=False)
    assert (
        anonymous.status_code == 303 and anonymous.headers["location"] == "/staff/login?next=/staff"
    )
    wrong = log_in(client, password="wrong password")
    assert wrong.status_code == 401 and "Incorrect email or password" in wrong.text
    ok = log_in(client)
    assert ok.status_code == 303 and ok.headers["location"] == "/staff"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
    page = client.get("/staff")
    assert page.status_code == 200 and "Leads" in page.text and STAFF_EMAIL in page.text
    headers = page.headers
    assert (
        headers["x-frame-options"] == "DENY"
        and "frame-ancestors 'none'" in headers["content-security-policy"]
    )
    assert headers["cache-control"] == "no-store"


def test_login_redirects_back_but_never_off_site(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    for target, expected in (
        ("/staff/summary", "/staff/summary"),
        ("https://evil.example", "/staff"),
        ("//evil.example", "/staff"),
    ):
        response = log_in(client, next_url=target)
        assert response.headers["location"] == expected


def test_session_ends_after_inactivity(
    client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    expired = sessions.issue(1, settings.secret_key.get_secret_value(), idle_minutes=-1)
    client.cookies.set(sessions.COOKIE, expired, path="/staff")
    assert client.get("/staff", follow_redirects=False).status_code == 303
    forged = sessions.issue(1, "another secret key entirely, as long as ours", idle_minutes=30)
    client.cookies.set(sessions.COOKIE, forged, path="/staff")
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_forms_need_the_csrf_token(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    lead = add_lead(client, "lead-key-1")
    log_in(client)
    page = client.get(f"/staff/leads/{lead['id']}")
    refused = client.post(f"/staff/leads/{lead['id']}", data={"status": "closed", "csrf": "0" * 64})
    assert refused.status_code == 403 and "reload the page" in refused.json()["detail"]
    done = client.post(
        f"/staff/leads/{lead['id']}",
        follow_redirects=False,
        data={"status": "contacted", "note": "Spoke to her.", "csrf": csrf_of(page.text)},
    )
    assert done.status_code == 303
    again = client.get(f"/staff/leads/{lead['id']}").text
    assert "Status: contacted" in again and "Spoke to her." in again and STAFF_EMAIL in again


def test_visitor_text_is_shown_as_text(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    lead = add_lead(
        client,
        "lead-key-1",
        full_name="<script>alert(1)</script> Doe",
        preferred_contact_time="<img src=x onerror=alert(2)>",
    )
    log_in(client)
    for url in ("/staff", f"/staff/leads/{lead['id']}"):
        html = client.get(url).text
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in client.get(f"/staff/leads/{lead['id']}").text


def test_staff_cannot_act_as_admin(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    log_in(client)
    page = client.get("/staff").text
    assert "Export CSV" not in page and "Audit log" not in page
    for url in ("/staff/export.csv", "/staff/audit", "/staff/users"):
        assert client.get(url).status_code == 403
    csrf = csrf_of(page)
    made = client.post(
        "/staff/users",
        data={"email": "x@clinic.example", "password": "a" * 20, "role": "admin", "csrf": csrf},
    )
    assert made.status_code == 403


def test_admin_exports_reads_the_audit_log_and_manages_accounts(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    add_lead(client, "lead-key-1")
    log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    page = client.get("/staff?urgent=no").text
    assert 'href="/staff/export.csv?urgent=no"' in page
    export = client.get("/staff/export.csv?urgent=no")
    assert export.status_code == 200 and "David Kim" in export.text
    audit_page = client.get("/staff/audit").text
    assert "export" in audit_page and "login" in audit_page
    users = client.get("/staff/users").text
    weak = client.post(
        "/staff/users",
        data={
            "email": "new@clinic.example",
            "password": "short",
            "role": "staff",
            "csrf": csrf_of(users),
        },
    )
    assert weak.status_code == 422 and "at least 12" in weak.text
    made = client.post(
        "/staff/users",
        follow_redirects=False,
        data={
            "email": "new@clinic.example",
            "password": "a long enough password",
            "role": "staff",
            "csrf": csrf_of(users),
        },
    )
    assert made.status_code == 303 and "new@clinic.example" in client.get("/staff/users").text


def test_summary_page_draws_its_chart(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    add_lead(client, "lead-key-1")
    log_in(client)
    html = client.get("/staff/summary").text
    assert "<svg" in html and html.count("<rect") == 30 and "1 leads" in html


def test_logout_ends_the_session(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    log_in(client)
    csrf = csrf_of(client.get("/staff").text)
    out = client.post("/staff/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/staff/login"
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_the_crisis_reply_and_the_check_in_are_shown_in_words(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    crisis = add_lead(
        client,
        "lead-key-1",
        full_name="Ann Crisis",
        crisis_tier="crisis",
        crisis_category="means",
        crisis_turn=3,
    )
    check_in = add_lead(
        client,
        "lead-key-2",
        full_name="Bo Checkin",
        phone="(213) 555-0109",
        email="bo@example.com",
        crisis_tier="check_in",
        crisis_category="hedged",
        crisis_turn=2,
    )
    follow_up = add_lead(
        client,
        "lead-key-3",
        full_name="Cy Followup",
        phone="(213) 555-0110",
        email="cy@example.com",
        crisis_tier="crisis",
        crisis_category="follow_up",
        crisis_turn=4,
    )
    plain = add_lead(
        client, "lead-key-4", full_name="Di Plain", phone="(213) 555-0111", email="di@example.com"
    )
    log_in(client)

    page = client.get(f"/staff/leads/{crisis['id']}").text
    assert "URGENT" in page and "Crisis reply at message 3 (means)." in page
    assert "CHECK-IN" not in page
    page = client.get(f"/staff/leads/{check_in['id']}").text
    notice = re.search(r'<p class="notice" role="note">(.*?)</p>', page)
    assert notice and "Check-in at message 2 (hedged)." in notice.group(1)
    assert "CHECK-IN" in page and "URGENT" not in page and 'role="alert"' not in page
    page = client.get(f"/staff/leads/{follow_up['id']}").text
    assert "Crisis reply at message 4 (follow-up)." in page
    page = client.get(f"/staff/leads/{plain['id']}").text
    assert "Crisis reply" not in page and "Check-in" not in page and "CHECK-IN" not in page

    rows = {
        name: row
        for row in re.findall(r"<tr class=.*?</tr>", client.get("/staff").text, re.S)
        for name in ("Ann Crisis", "Bo Checkin", "Di Plain")
        if name in row
    }
    assert 'class="check-in"' in rows["Bo Checkin"] and ">CHECK-IN</span>" in rows["Bo Checkin"]
    assert "Check-in at message 2 (hedged)" in rows["Bo Checkin"]
    assert "URGENT" in rows["Ann Crisis"] and "CHECK-IN" not in rows["Ann Crisis"]
    assert "URGENT" not in rows["Di Plain"] and "CHECK-IN" not in rows["Di Plain"]


def test_the_export_has_the_crisis_record(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    add_lead(client, "lead-key-1", crisis_tier="check_in", crisis_category="past", crisis_turn=5)
    log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    [row] = list(csv.DictReader(io.StringIO(client.get("/staff/export.csv").text)))
    assert (row["crisis_tier"], row["crisis_category"], row["crisis_turn"]) == (
        "check_in",
        "past",
        "5",
    )
    assert row["urgent"] == "False"


def test_a_likely_repeat_shows_on_both_lead_pages_and_in_the_list(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    first = add_lead(client, "lead-key-1", full_name="Ana Ruiz")
    later = add_lead(client, "lead-key-2", full_name="Bo Ruiz", email="bo@example.com")
    other = add_lead(
        client, "lead-key-3", full_name="Cy Else", phone="(213) 555-0120", email="cy@example.com"
    )
    log_in(client)
    page = client.get(f"/staff/leads/{first['id']}").text
    assert "Possibly the same person" in page
    assert (
        f'href="/staff/leads/{later["id"]}">Bo Ruiz</a>' in page and "(later): same phone" in page
    )
    page = client.get(f"/staff/leads/{later['id']}").text
    assert f'href="/staff/leads/{first["id"]}">Ana Ruiz</a>' in page and "(earlier)" in page
    assert "Possibly the same person" not in client.get(f"/staff/leads/{other['id']}").text
    listing = client.get("/staff").text
    assert listing.count("SAME CONTACT?") == 2


def test_the_console_list_is_audited_without_the_search_text(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    add_lead(client, "lead-key-1", full_name="Kim Soo")
    log_in(client)
    assert "Kim Soo" in client.get("/staff?q=Kim&status=new").text
    with session_factory() as session:
        reads = session.execute(
            text("SELECT actor, detail FROM audit_log WHERE action = 'list_leads'")
        ).all()
    assert reads == [(STAFF_EMAIL, "status=new, search=yes; 1 rows from 0")]
