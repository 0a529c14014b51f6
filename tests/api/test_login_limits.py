"""Logins slow attackers without locking out the real user (api/core/login.py): each attack of
the issue, run against the app with clients at their own addresses."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from api.store import staff as staff_store
from api.store.staff import set_active, upsert_staff_user
from tests.api.conftest import STAFF_EMAIL, STAFF_PASSWORD, console_log_in, make_app

SPRAYED = "Winter2026!"


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
    return make_app(
        settings.model_copy(update={"login_address_limit": "10/15minutes"}), session_factory
    )


def at(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def token_login(client: TestClient, email: str, password: str) -> int:
    return client.post(
        "/api/auth/token", data={"username": email, "password": password}
    ).status_code


def test_a_guesser_elsewhere_cannot_lock_the_real_user_out_of_their_browser(
    app: FastAPI, settings: Settings
) -> None:
    real = at(app, "10.0.0.2")
    assert console_log_in(real).status_code == 303  # the browser is known from now on
    attacker = at(app, "10.0.0.1")
    answers = [console_log_in(attacker, password="guess").status_code for _ in range(7)]
    assert answers == [401] * settings.login_max_failures + [429] * 2
    assert console_log_in(real).status_code == 303  # the real user, in their browser
    elsewhere = at(app, "10.0.0.3")  # a browser the account never used: slowed like the guesser
    assert console_log_in(elsewhere).status_code == 429


def test_a_password_sprayed_across_accounts_stops_at_the_address_limit(
    app: FastAPI, session_factory: sessionmaker[Session]
) -> None:
    emails = [f"staff{number}@clinic.example" for number in range(12)]
    with session_factory() as session:
        for email in emails:
            upsert_staff_user(session, email, "a long passphrase of theirs")
    sprayer = at(app, "10.0.0.1")
    answers = [token_login(sprayer, email, SPRAYED) for email in emails]
    assert answers == [401] * 10 + [429] * 2
    assert token_login(at(app, "10.0.0.9"), STAFF_EMAIL, STAFF_PASSWORD) == 200


def test_parallel_guesses_get_no_more_tries_than_the_account_allows(
    app: FastAPI, settings: Settings
) -> None:
    clients = [at(app, f"10.0.1.{number}") for number in range(20)]
    guess: Callable[[TestClient], int] = lambda c: token_login(c, STAFF_EMAIL, "guess")  # noqa: E731
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(guess, clients))
    assert answers.count(401) == settings.login_max_failures
    assert answers.count(429) == 20 - settings.login_max_failures


def test_an_unknown_or_deactivated_account_verifies_a_hash_as_a_real_one_does(
    app: FastAPI, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []
    real_verify = staff_store.verify_password

    def spy(password: str, password_hash: str) -> bool:
        verified.append(password_hash)
        return real_verify(password, password_hash)

    monkeypatch.setattr(staff_store, "verify_password", spy)
    client = at(app, "10.0.0.1")
    assert token_login(client, "nobody@clinic.example", "guess") == 401
    with session_factory() as session:
        user = upsert_staff_user(session, "gone@clinic.example", "a long passphrase")[0]
        set_active(session, user.id, False)
    assert token_login(client, "gone@clinic.example", "a long passphrase") == 401
    assert token_login(client, STAFF_EMAIL, "guess") == 401
    assert len(verified) == 3 and all(h.startswith("$argon2") for h in verified)


def test_the_login_form_needs_its_csrf_token(
    app: FastAPI, session_factory: sessionmaker[Session]
) -> None:
    browser = at(app, "10.0.0.1")
    forged = browser.post(
        "/staff/login",
        data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and "staff_session" not in forged.cookies
    other = at(app, "10.0.0.2")
    other.get("/staff/login")  # a token issued to another browser does not fit this one
    token = other.get("/staff/login").text.split('name="csrf" value="')[1].split('"')[0]
    stolen = browser.post(
        "/staff/login",
        data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert stolen.status_code == 403
    with session_factory() as session:
        tried = session.execute(
            text("SELECT count(*) FROM audit_log WHERE action LIKE 'login%'")
        ).scalar()
    assert tried == 0  # nothing was tried without the token
    assert console_log_in(browser).status_code == 303
