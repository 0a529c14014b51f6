"""`make run-scaled` as an operator starts it: HAProxy in front of two API workers and two Rasa
servers on PostgreSQL and Redis. Through the balancer only:
- a REST conversation, its messages shared round-robin between the two Rasa servers, keeps its
  state and ends in a stored lead;
- socket.io visitors on long-polling (every request a new HTTP request carrying the session
  id, the transport that breaks without sticky sessions) get every reply, and each visitor's
  requests stayed on one Rasa server;
- the website and API answer from both workers.
Run by `make test-production` (.ci/run starts PostgreSQL and Redis if needed)."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import socketio
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.databases import drop_database
from tests.processes import ROOT, Service, ServiceError, below_500, free_port
from tests.scaled.conversation import converse

SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Scaled:
    ports: dict[str, int]
    leads_url: str
    log: Path

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def requests_per_server(self) -> dict[tuple[str, str], int]:
        """(backend, server) -> requests it took, from HAProxy's statistics."""
        body = httpx.get(self.url("BALANCER_STATS_PORT") + "/;csv", timeout=5).text
        rows = csv.DictReader(io.StringIO(body.lstrip("# ")))
        return {
            (row["pxname"], row["svname"]): int(row["stot"] or 0)
            for row in rows
            if row["svname"] not in ("FRONTEND", "BACKEND")
        }


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scaled]:
    suffix = uuid.uuid4().hex[:10]
    names = [
        "API_PORT",
        "API_PORT_1",
        "API_PORT_2",
        "RASA_PORT",
        "RASA_PORT_1",
        "RASA_PORT_2",
        "BALANCER_STATS_PORT",
        "ACTION_SERVER_PORT",
    ]
    ports = {name: free_port() for name in names}
    server = make_url(SERVER)
    settings = {
        **{name: str(port) for name, port in ports.items()},
        "POSTGRES_SERVER": f"{server.username}@{server.host}:{server.port or 5432}",
        "SCALED_LEADS_DB": f"leads_run_scaled_{suffix}",
        "SCALED_CONVERSATIONS_DB": f"rasa_run_scaled_{suffix}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['ACTION_SERVER_PORT']}/webhook",
        "OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
    }
    leads_url = (
        make_url(SERVER)
        .set(database=settings["SCALED_LEADS_DB"])
        .render_as_string(hide_password=False)
    )
    stack = Scaled(ports, leads_url, tmp_path_factory.mktemp("run_scaled") / "make.log")
    up = [
        stack.url(name) + path
        for name, path in [
            ("RASA_PORT_1", "/"),
            ("RASA_PORT_2", "/"),
            ("API_PORT_1", "/health"),
            ("API_PORT_2", "/health"),
            ("ACTION_SERVER_PORT", "/health"),
            ("RASA_PORT", "/"),
            ("API_PORT", "/health"),
        ]
    ]
    # Variables on make's command line win over .env, as an operator would override them.
    command = ["make", "run-scaled", *(f"{key}={value}" for key, value in settings.items())]
    run_scaled = Service(
        "make run-scaled",
        command,
        ready=up,
        cwd=ROOT,
        log=stack.log,
        env={key: value for key, value in os.environ.items() if key != "MAKEFLAGS"},
        # Each address gets 300 s, polled every second; any answer below 500 counts (HAProxy
        # says 503 until a server behind it is up). Stopped as Ctrl-C stops it: SIGINT to the
        # whole group (make and supervisord, which stops the servers), SIGKILL 30 s later.
        start_timeout=300,
        poll_every=1,
        request_timeout=2,
        accept=below_500,
        own_group=True,
        stop_signal=signal.SIGINT,
        stop_timeout=30,
    )
    try:
        try:
            run_scaled.start()
        except ServiceError as error:
            pytest.fail(str(error))
        time.sleep(3)  # HAProxy's health checks (every 2 s) mark both servers of each pair up
        yield stack
    finally:
        run_scaled.stop()
        for key in ("SCALED_LEADS_DB", "SCALED_CONVERSATIONS_DB"):
            drop_database(SERVER, settings[key])


def test_rest_conversation_through_the_balancer_uses_both_rasa_servers_and_keeps_state(
    scaled: Scaled,
) -> None:
    before = scaled.requests_per_server()
    sender = uuid.uuid4().hex
    steps = [
        ("hi, can I book a free consultation about TMS", "18 or older"),
        ("yes I am", "ZIP code or city"),
        ("santa monica", "How many antidepressants"),
        ("3", "full name"),
        ("Ines Carvalho", "phone number"),
        ("(424) 555-0161", "email"),
        ("no email", "best time"),
        ("after 5pm", "expect to pay"),
        ("not sure yet", "contact you"),
        ("yes", "Here is what I'll send"),
        ("yes", "Thank you"),
    ]
    converse([scaled.url("RASA_PORT") + "/webhooks/rest/webhook"], sender, steps)
    after = scaled.requests_per_server()
    for server in ("rasa1", "rasa2"):
        took = after[("rasa_rest", server)] - before.get(("rasa_rest", server), 0)
        assert took >= 4, f"{server} took {took} of {len(steps)} messages"
    engine = create_engine(scaled.leads_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT full_name, phone, treatment_interest FROM leads "
                "WHERE conversation_id = :sender"
            ),
            {"sender": sender},
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("Ines Carvalho", "+14245550161", "tms")]


async def _socketio_visitor(url: str, messages: list[str]) -> list[list[str]]:
    """One visitor on long-polling only: the replies to each message, in order."""
    client = socketio.AsyncClient(reconnection=False)
    inbox: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    confirmed: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    @client.on("session_confirm")
    async def on_confirm(data: object) -> None:
        session = data.get("session_id") if isinstance(data, dict) else data
        if not confirmed.done():
            confirmed.set_result(str(session))

    @client.on("bot_uttered")
    async def on_reply(data: dict[str, object]) -> None:
        await inbox.put(data)

    await client.connect(url, transports=["polling"], socketio_path="/socket.io")
    try:
        await client.emit("session_request", {"session_id": None})
        session_id = await asyncio.wait_for(confirmed, 30)
        answers = []
        for message in messages:
            await client.emit("user_uttered", {"message": message, "session_id": session_id})
            texts = [str((await asyncio.wait_for(inbox.get(), 60)).get("text", ""))]
            await asyncio.sleep(1.5)  # the rest of this turn's replies
            while not inbox.empty():
                texts.append(str(inbox.get_nowait().get("text", "")))
            answers.append(texts)
        return answers
    finally:
        await client.disconnect()


def test_socketio_visitors_on_long_polling_get_every_reply_through_the_balancer(
    scaled: Scaled,
) -> None:
    before = scaled.requests_per_server()
    messages = ["hello", "how long does a spravato session take", "where are you located"]

    async def visitors() -> list[list[list[str]]]:
        return await asyncio.gather(
            *(_socketio_visitor(scaled.url("RASA_PORT"), messages) for _ in range(3))
        )

    for answers in asyncio.run(visitors()):
        joined = [" ".join(texts) for texts in answers]
        assert "automated assistant" in joined[0], joined[0]
        assert "2 hours" in joined[1], joined[1]
        assert "Santa Monica" in joined[2], joined[2]
    after = scaled.requests_per_server()
    took = {
        server: after[("rasa_socketio", server)] - before.get(("rasa_socketio", server), 0)
        for server in ("rasa1", "rasa2")
    }
    # All visitors here share one address, so the balancer kept all of them on one server.
    assert sorted(took.values())[0] == 0 and sorted(took.values())[1] >= 3 * len(messages), took


def test_website_and_api_answer_from_both_workers(scaled: Scaled) -> None:
    before = scaled.requests_per_server()
    for _ in range(6):
        assert httpx.get(scaled.url("API_PORT") + "/health", timeout=10).status_code == 200
    page = httpx.get(scaled.url("API_PORT") + "/", timeout=10)
    assert page.status_code == 200 and "data-assistant-url" in page.text
    after = scaled.requests_per_server()
    for server in ("api1", "api2"):
        assert after[("api", server)] - before.get(("api", server), 0) >= 3, (server, after)
