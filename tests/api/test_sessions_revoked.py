"""Sessions and tokens are stored server-side: logout, a password change or reset and
deactivation end them; a console cookie is no bearer token; a session has an absolute end."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from api.core import sessions
from api.models import StoredSession, utcnow
from api.store.staff import set_active, upsert_staff_user
from tests.api.conftest import STAFF_EMAIL, STAFF_PASSWORD, console_log_in


def cookie_of(client: TestClient) -> str:
    value = client.cookies.get(sessions.COOKIE)
    assert value, "not logged in"
    return value


def with_cookie(client: TestClient, cookie: str) -> int:
    """The answer to the lead list for a browser holding `cookie` (200 in, 303 out)."""
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE, cookie, path="/staff")
    return client.get("/staff", follow_redirects=False).status_code


def api_token(client: TestClient) -> dict[str, str]:
    answer = client.post(
        "/api/auth/token", data={"username": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def reads(client: TestClient, headers: dict[str, str]) -> int:
    return client.get("/api/leads", headers=headers).status_code


def test_a_cookie_copied_before_logout_is_refused_after_it(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
    assert console_log_in(client).status_code == 303
    copied = cookie_of(client)
    page = client.get("/staff").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    assert (
        client.post("/staff/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    )
    assert with_cookie(client, copied) == 303


def test_a_token_is_refused_after_its_logout(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
    token, other = api_token(client), api_token(client)
    assert reads(client, token) == 200
    assert client.post("/api/auth/logout", headers=token).status_code == 204
    assert reads(client, token) == 401
    assert reads(client, other) == 200  # another token of the same account goes on


def test_a_password_reset_ends_every_session_and_token_and_reactivates_nothing(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        user = upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)[0]
    console_log_in(client)
    cookie, token = cookie_of(client), api_token(client)
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, "a brand new passphrase")
    assert with_cookie(client, cookie) == 303 and reads(client, token) == 401
    with session_factory() as session:
        set_active(session, user.id, False)
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
        assert session.get(type(user), user.id).is_active is False  # type: ignore[union-attr]
    assert (
        client.post(
            "/api/auth/token", data={"username": STAFF_EMAIL, "password": STAFF_PASSWORD}
        ).status_code
        == 401
    )


def test_deactivation_ends_every_session_and_token(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        user = upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)[0]
    console_log_in(client)
    cookie, token = cookie_of(client), api_token(client)
    with session_factory() as session:
        set_active(session, user.id, False)
        set_active(session, user.id, True)  # back: the old sessions stay ended
    assert with_cookie(client, cookie) == 303 and reads(client, token) == 401


def test_a_console_cookie_is_no_bearer_token(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
    console_log_in(client)
    cookie = cookie_of(client)
    assert reads(client, {"Authorization": f"Bearer {cookie}"}) == 401


def test_a_session_ends_at_its_absolute_lifetime_however_active(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
    console_log_in(client)
    assert client.get("/staff", follow_redirects=False).status_code == 200
    with session_factory() as session:
        session.execute(update(StoredSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert client.get("/staff", follow_redirects=False).status_code == 303
