"""API tests run against a real database, migrated by Alembic as in production.

By default a SQLite file per test. With TEST_DATABASE_URL set to a PostgreSQL server
(`make test-production`), each test gets a database of its own on that server instead.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings, get_settings
from api.core.db import get_session, make_engine
from api.main import create_app
from api.models import StaffRole
from api.store.staff import upsert_staff_user
from tests.databases import fresh_database

SERVICE_TOKEN = "service-token-for-tests-only"
STAFF_EMAIL = "frontdesk@clinic.example"
STAFF_PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]


def migrate(url: str) -> None:
    config = Config(str(ROOT / "api" / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'leads.db'}"
        return
    with fresh_database(server, f"leads_test_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "a-secret-key-for-tests-only-0123456789",
        "leads_service_token": SERVICE_TOKEN,
        "tracker_db_url": f"sqlite:///{tmp_path / 'tracker.db'}",
        "outbox_dir": tmp_path / "outbox",
        "supervisor_server_url": "",
        "_env_file": None,  # pydantic-settings' own argument: read no .env in tests
    }
    return Settings(**values)


@pytest.fixture
def session_factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


def make_app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    """The API as production builds it, on the test's settings and migrated database."""
    app = create_app(settings)

    def session_override() -> Iterator[Session]:
        with session_factory() as session:
            yield session

    app.dependency_overrides[get_settings] = lambda: settings
    app.dependency_overrides[get_session] = session_override
    return app


@pytest.fixture
def client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    with TestClient(make_app(settings, session_factory)) as test_client:
        yield test_client


@pytest.fixture
def staff_headers(client: TestClient, session_factory: sessionmaker[Session]) -> dict[str, str]:
    with session_factory() as session:
        upsert_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
    response = client.post(
        "/api/auth/token", data={"username": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


ADMIN_EMAIL = "admin@clinic.example"
ADMIN_PASSWORD = "another long admin passphrase"


@pytest.fixture
def admin_headers(client: TestClient, session_factory: sessionmaker[Session]) -> dict[str, str]:
    with session_factory() as session:
        upsert_staff_user(session, ADMIN_EMAIL, ADMIN_PASSWORD, StaffRole.admin)
    response = client.post(
        "/api/auth/token", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def add_lead(client: TestClient, key: str, **overrides: object) -> dict[str, Any]:
    response = client.post("/api/leads", json=lead_body(**overrides), headers=service_headers(key))
    assert response.status_code == 201, response.text
    return response.json()


def service_headers(key: str = "conversation-1:lead-1") -> dict[str, str]:
    return {"Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": key}


def lead_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "conversation_id": "conversation-1",
        "full_name": "David Kim",
        "phone": "(213) 555-0177",
        "email": "David.Kim@Example.COM",
        "zip_code": "90026",
        "city": "Los Angeles",
        "state": "CA",
        "treatment_interest": "ketamine",
        "contact_consent": True,
    }
    body.update(overrides)
    return body


def console_log_in(
    client: TestClient,
    email: str = STAFF_EMAIL,
    password: str = STAFF_PASSWORD,
    next_url: str | None = None,
) -> Any:
    """Log in to the console as a browser does: the form first (its CSRF cookie and field)."""
    form = client.get("/staff/login").text
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form)
    assert token, "no CSRF field on the login form"
    data = {"email": email, "password": password, "csrf": token.group(1)}
    return client.post(
        "/staff/login", data={**data, "next": next_url or ""}, follow_redirects=False
    )
