"""GET /health/deliveries and the staff console's banner: leads stuck in the outbox, refused or
unreadable, and processes in a crash loop under a real supervisord."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from api.core.deliveries import delivery_health
from clinic.outbox_files import QUARANTINE, REFUSED, Entry, write_atomically
from tests.api.test_staff_console import accounts, log_in
from tests.processes import API_BIN

NAME = "Rowan Quillfeather"


def queue(outbox: Path, key: str, minutes_ago: float, needs_a_person: bool = False) -> None:
    entry = Entry(
        idempotency_key=key,
        lead={"full_name": NAME, "phone": "+13105550177"},
        queued_at=time.time() - minutes_ago * 60,
        needs_a_person=needs_a_person,
    )
    write_atomically(outbox / f"{key}.json", entry.dumps())


def test_nothing_waiting_is_healthy(client: TestClient) -> None:
    response = client.get("/health/deliveries")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["problems"] == []
    assert (body["waiting"], body["oldest_wait_minutes"], body["supervised"]) == (0, None, False)


def test_a_short_wait_is_reported_but_healthy(client: TestClient, settings: Settings) -> None:
    queue(settings.outbox_dir, "a" * 32, minutes_ago=5)
    response = client.get("/health/deliveries")
    assert response.status_code == 200
    assert response.json()["waiting"] == 1
    assert 4.9 <= response.json()["oldest_wait_minutes"] <= 5.5


def test_a_lead_waiting_past_the_limit_is_503_without_its_content(
    client: TestClient, settings: Settings
) -> None:
    queue(settings.outbox_dir, "a" * 32, minutes_ago=5)
    queue(settings.outbox_dir, "b" * 32, minutes_ago=16)
    response = client.get("/health/deliveries")
    assert response.status_code == 503
    body = response.json()
    assert body["waiting"] == 2 and body["oldest_wait_minutes"] >= 16
    assert any("more than 15 minutes" in problem for problem in body["problems"])
    assert "Quillfeather" not in response.text and "555" not in response.text


def test_a_lead_that_needs_a_person_is_503_at_once(client: TestClient, settings: Settings) -> None:
    queue(settings.outbox_dir, "c" * 32, minutes_ago=1, needs_a_person=True)
    response = client.get("/health/deliveries")
    assert response.status_code == 503
    assert response.json()["needs_a_person"] == 1


@pytest.mark.parametrize("folder", [REFUSED, QUARANTINE])
def test_refused_and_unreadable_leads_are_503(
    client: TestClient, settings: Settings, folder: str
) -> None:
    write_atomically(settings.outbox_dir / folder / ("d" * 32 + ".json"), b"{}")
    write_atomically(settings.outbox_dir / folder / ("d" * 32 + ".json.reason"), b"422")
    response = client.get("/health/deliveries")
    assert response.status_code == 503
    assert response.json()["refused" if folder == REFUSED else "quarantined"] == 1


def test_the_console_shows_a_banner_only_while_leads_are_stuck(
    client: TestClient, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    accounts(session_factory)
    assert log_in(client).status_code == 303
    assert 'role="alert"' not in client.get("/staff").text
    queue(settings.outbox_dir, "e" * 32, minutes_ago=40)
    page = client.get("/staff").text
    assert 'role="alert"' in page and "a lead has waited more than 15 minutes" in page
    assert "Waiting: 1" in page and NAME not in page


# --- processes under a real supervisord -------------------------------------------------------
SUPERVISORD_CONF = """
[supervisord]
nodaemon=true
logfile={root}/supervisord.log
pidfile={root}/supervisord.pid

[unix_http_server]
file={socket}
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:steady]
command=/bin/sleep 600
startsecs=1

[program:broken]
command=/bin/sh -c 'exit 3'
startsecs=1
startretries=1000000
autorestart=true
"""


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[str]:
    socket = tmp_path / "s.sock"
    conf = tmp_path / "supervisord.conf"
    conf.write_text(SUPERVISORD_CONF.format(root=tmp_path, socket=socket))
    process = subprocess.Popen([str(API_BIN / "supervisord"), "-c", str(conf)])
    try:
        yield f"unix://{socket}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_process_that_keeps_failing_to_start_is_reported(supervisor: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + 30
    health = delivery_health(tmp_path / "outbox", 15, supervisor)
    while time.monotonic() < deadline and health.crash_looping != ["broken"]:
        time.sleep(0.5)
        health = delivery_health(tmp_path / "outbox", 15, supervisor)
    assert health.supervised is True
    assert health.crash_looping == ["broken"]
    assert health.problems == ["restarting again and again: broken"]


def test_supervisord_gone_means_processes_unknown_not_an_error(tmp_path: Path) -> None:
    health = delivery_health(tmp_path / "outbox", 15, f"unix://{tmp_path / 'none.sock'}")
    assert (health.supervised, health.crash_looping, health.problems) == (False, [], [])


def test_garbage_on_the_supervisor_socket_means_processes_unknown(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def answer_garbage() -> None:
        connection, _ = server.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.0 200 OK\r\n\r\n<not xml")
        connection.close()

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    try:
        health = delivery_health(tmp_path / "outbox", 15, f"unix://{path}")
    finally:
        thread.join(timeout=5)
        server.close()
    assert (health.supervised, health.problems) == (False, [])


def test_a_wrongly_typed_outbox_file_does_not_break_the_health_check(
    client: TestClient, settings: Settings
) -> None:
    settings.outbox_dir.mkdir(parents=True)
    (settings.outbox_dir / "f.json").write_text(
        '{"idempotency_key": "f", "lead": {}, "queued_at": null}'
    )
    assert client.get("/health/deliveries").status_code == 200
