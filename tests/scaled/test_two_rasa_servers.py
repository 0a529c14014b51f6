"""The scaled set-up: two Rasa servers sharing PostgreSQL (conversations) and Redis (locks),
the leads API on PostgreSQL. A conversation whose messages alternate between the two servers
keeps its state and ends in a stored lead. Run by `make test-production` (.ci/run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.databases import fresh_database
from tests.processes import (
    Services,
    actions_command,
    api_command,
    free_port,
    prepare_leads_database,
    rasa_command,
)
from tests.scaled.conversation import converse
from tests.web.conftest import (
    MODEL,
    ROOT,
    SERVICE_TOKEN,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    Stack,
    stack_service,
)

SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    suffix = uuid.uuid4().hex[:10]
    databases = ExitStack()
    leads_url = databases.enter_context(fresh_database(SERVER, f"leads_scaled_{suffix}"))
    tracker_url = databases.enter_context(fresh_database(SERVER, f"rasa_scaled_{suffix}"))
    data = tmp_path_factory.mktemp("scaled")
    api, actions, rasa_a, rasa_b = (free_port() for _ in range(4))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore",
        "DATABASE_URL": leads_url,
        "SECRET_KEY": "scaled-tests-secret-key-0123456789",
        "LEADS_SERVICE_TOKEN": SERVICE_TOKEN,
        "LEADS_API_URL": f"http://127.0.0.1:{api}",
        "OUTBOX_DIR": str(data / "outbox"),
        "SANIC_HOST": "127.0.0.1",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions}/webhook",
        # Rasa's SQLAlchemy 1.4 uses psycopg2: the plain postgresql:// scheme.
        "RASA_TRACKER_URL": tracker_url.replace("postgresql+psycopg://", "postgresql://"),
        "RASA_TRACKER_DIALECT": "postgresql",
        "RASA_TRACKER_DB": "unused",
        "RASA_LOCK_STORE": "redis",
        "RASA_REDIS_HOST": REDIS,
        "RASA_REDIS_PORT": "6379",
        "RASA_REDIS_DB": "1",
        "RASA_CORS_ORIGINS": f"http://127.0.0.1:{api}",
        "TRACKER_DB_URL": tracker_url,
        "RASA_TELEMETRY_ENABLED": "false",
    }
    prepare_leads_database(env, [(STAFF_EMAIL, STAFF_PASSWORD, "staff")])
    logs = data / "logs"
    logs.mkdir()
    servers = [f"http://127.0.0.1:{port}" for port in (rasa_a, rasa_b)]
    services = Services(
        [
            stack_service(
                "api",
                api_command(api),
                f"http://127.0.0.1:{api}/health",
                env,
                logs,
            ),
            stack_service(
                "actions",
                actions_command(actions),
                f"http://127.0.0.1:{actions}/health",
                env,
                logs,
            ),
            stack_service(
                "rasa_a", rasa_command(rasa_a), f"{servers[0]}/webhooks/rest/", env, logs
            ),
            stack_service(
                "rasa_b", rasa_command(rasa_b), f"{servers[1]}/webhooks/rest/", env, logs
            ),
        ]
    )
    with databases, services:
        yield Stack(f"http://127.0.0.1:{api}", servers, services, logs)


def test_a_conversation_alternating_between_two_rasa_servers_keeps_its_state(scaled: Stack) -> None:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`.")
    sender = uuid.uuid4().hex
    steps = [
        ("I'd like to book a free consultation for spravato", "18 or older"),
        ("yes", "ZIP code or city"),
        ("90401", "How many antidepressants"),
        ("two", "full name"),
        ("Noor Haddad", "phone number"),
        ("310-555-0144", "email"),
        ("skip", "best time"),
        ("mornings", "expect to pay"),
        ("insurance", "contact you"),
        ("yes", "Here is what I'll send"),
        ("yes", "Thank you"),
    ]
    # Every other message goes to the other server.
    converse(
        [server + "/webhooks/rest/webhook" for server in scaled.assistants],
        sender,
        steps,
        timeout=30,
    )
    [lead] = [lead for lead in scaled.leads() if lead["conversation_id"] == sender]
    assert (lead["full_name"], lead["phone"], lead["treatment_interest"]) == (
        "Noor Haddad",
        "+13105550144",
        "spravato",
    )
