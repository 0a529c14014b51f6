"""Conversation tests: the trained model in-process, talking to a real action server, which
delivers leads to a real leads API (each a subprocess on a free port, SQLite in a temp dir)."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.processes import (
    MODEL,
    Service,
    actions_command,
    api_command,
    free_port,
    prepare_leads_database,
    staff_leads,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICE_TOKEN = "conversation-tests-service-token"
STAFF_EMAIL = "tester@clinic.example"
STAFF_PASSWORD = "conversation-tests-password"


def service(
    name: str, command: list[str], ready: str, env: dict[str, str], quiet: bool = False
) -> Service:
    """A helper process: no log file (its output goes where pytest's does and shows with a
    failure), up within 60 s, 10 s to stop before it is killed."""
    return Service(
        name,
        command,
        ready=ready,
        env=env,
        cwd=ROOT,
        quiet=quiet,
        start_timeout=60,
        poll_every=0.3,
        request_timeout=1,
        stop_timeout=10,
    )


@dataclass
class LeadsApi:
    url: str
    env: dict[str, str]
    service: Service = field(init=False)

    def __post_init__(self) -> None:
        port = self.url.rsplit(":", 1)[1]
        self.service = service(
            "leads API",
            api_command(int(port), "--log-level", "warning"),
            f"{self.url}/health",
            self.env,
        )

    def start(self) -> None:
        self.service.start()

    def stop(self) -> None:
        self.service.stop()

    def leads(self) -> list[dict[str, Any]]:
        return staff_leads(self.url, STAFF_EMAIL, STAFF_PASSWORD)

    def leads_for(self, conversation_id: str) -> list[dict[str, Any]]:
        return [lead for lead in self.leads() if lead["conversation_id"] == conversation_id]


@pytest.fixture(scope="session")
def leads_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LeadsApi]:
    data_dir = tmp_path_factory.mktemp("leads")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{data_dir / 'leads.db'}",
        "SECRET_KEY": "conversation-tests-secret-key-0123456789",
        "LEADS_SERVICE_TOKEN": SERVICE_TOKEN,
    }
    prepare_leads_database(env, [(STAFF_EMAIL, STAFF_PASSWORD, "staff")])
    api = LeadsApi(url=f"http://127.0.0.1:{free_port()}", env=env)
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def action_env(leads_api: LeadsApi, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SANIC_HOST": "127.0.0.1",
        "LEADS_API_URL": leads_api.url,
        "LEADS_SERVICE_TOKEN": SERVICE_TOKEN,
        "LEADS_API_TIMEOUT_SECONDS": "2",
        "OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
    }


@pytest.fixture(scope="session")
def action_server(action_env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    # Quiet: what the actions print is dropped; the SDK's log lines are on stderr and stay.
    with service(
        "action server",
        actions_command(port, python=sys.executable),
        f"http://127.0.0.1:{port}/health",
        action_env,
        quiet=True,
    ):
        yield f"http://127.0.0.1:{port}/webhook"


@pytest.fixture(scope="session")
def event_loop_for_agent() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file of the conversation store the agent writes to."""
    return tmp_path_factory.mktemp("tracker") / "tracker.db"


@pytest.fixture(scope="session")
def agent(
    action_server: str,
    event_loop_for_agent: asyncio.AbstractEventLoop,
    tracker_db: Path,
) -> Any:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it).")
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from bot.tracker_store import RedactingSQLTrackerStore

    # The production conversation store, on a SQLite file of its own.
    store = RedactingSQLTrackerStore(dialect="sqlite", db=str(tracker_db))

    async def load() -> Agent:
        return Agent.load(
            str(MODEL), action_endpoint=EndpointConfig(url=action_server), tracker_store=store
        )

    return event_loop_for_agent.run_until_complete(load())


class Visitor:
    """One website visitor: says things, reads the replies."""

    def __init__(self, agent: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.agent = agent
        self.loop = loop
        self.sender_id = f"test-{uuid.uuid4()}"
        self.replies: list[str] = []

    def says(self, text: str, metadata: dict[str, Any] | None = None) -> str:
        """What the assistant answers; `metadata` as the website's widget sends it."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        output = CollectingOutputChannel()
        message = UserMessage(text, output, self.sender_id, metadata=metadata)
        self.loop.run_until_complete(self.agent.handle_message(message))
        texts = [r.get("text") or "" for r in output.messages]
        self.replies.extend(texts)
        return "\n".join(texts)

    def tracker(self) -> Any:
        return self.loop.run_until_complete(self.agent.tracker_store.retrieve(self.sender_id))

    def slot(self, name: str) -> Any:
        tracker = self.tracker()
        return tracker.get_slot(name) if tracker else None


@pytest.fixture
def visitor(agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop) -> Visitor:
    return Visitor(agent, event_loop_for_agent)
