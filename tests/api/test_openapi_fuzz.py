"""Schemathesis against the API's own OpenAPI schema: generated requests, valid and invalid,
authenticated as the callers each route expects. No answer may be a 5xx, and every answer must
match what the schema documents (status codes, content types, response bodies)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import allow_header_conformance, positive_data_acceptance
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from api.core.security import create_access_token
from api.models import StaffRole
from api.store.staff import API_SESSION, open_session, upsert_staff_user
from tests.api.conftest import SERVICE_TOKEN, make_app


@pytest.fixture
def fuzzed_app(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[FastAPI]:
    # Generous limits: the fuzzer sends hundreds of leads; the limit has its own test.
    settings = settings.model_copy(update={"lead_rate_limit": "100000/minute"})
    app = make_app(settings, session_factory)
    with session_factory() as session:
        admin, _created = upsert_staff_user(
            session, "admin@clinic.example", "fuzzing admin passphrase", StaffRole.admin
        )
        session_id = open_session(session, admin, API_SESSION, timedelta(hours=1))
        app.state.admin_token = create_access_token(
            session_id, settings.secret_key.get_secret_value(), 60
        )
    yield app


@pytest.fixture
def api_schema(fuzzed_app: FastAPI):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
# Derandomized: the same cases on every run, so CI stays repeatable; to explore further, run
# this file with more examples (or without derandomize) by hand after changing the API.
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_error_and_answers_match_the_schema(case, fuzzed_app: FastAPI) -> None:
    if case.operation.method.upper() == "POST" and case.operation.path == "/api/leads":
        token = SERVICE_TOKEN
    else:
        token = fuzzed_app.state.admin_token
    # Starlette's 405 for OPTIONS names only the first route matching the path in Allow (GET
    # and PATCH of /api/leads/{id} are two routes); that framework quirk is not checked.
    excluded = [allow_header_conformance]
    if token == SERVICE_TOKEN:
        # A lead body can match the JSON Schema and still be refused with a documented 422: a
        # phone number must be a real one, consent to call needs a phone, and so on, which
        # JSON Schema cannot say. tests/api/test_leads.py covers those rules one by one.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)
