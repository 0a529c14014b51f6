"""One `make run` stack under supervisord (deploy/supervisord.conf) for the fault tests, with
its own ports, socket and data. Its whole output, every program's, is kept in
`Supervised.log` for the tests that search it.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.core.deliveries import supervisor_proxy
from tests.processes import (
    API_BIN,
    MODEL,
    ROOT,
    Service,
    free_port,
    prepare_leads_database,
    stack_env,
    staff_leads,
)
from tests.settings import env_example

SERVICE_TOKEN = "fault-tests-service-token-0123"
STAFF = ("faults@clinic.example", "fault-tests-password-0123", "staff")
# Loading the model takes Rasa minutes on a loaded two-core machine.
BACK_WITHIN_SECONDS = 300.0


@dataclass
class Supervised:
    supervisor: Service
    url: str  # supervisord's, as its children see it
    health: dict[str, str]  # process: a URL that answers 200 while it serves
    site: str
    assistant: str
    outbox: Path
    log: Path  # everything every program printed

    def state(self, name: str) -> tuple[str, int]:
        info = supervisor_proxy(self.url).supervisor.getProcessInfo(name)
        return str(info["statename"]), int(info["pid"])

    def serving(self, name: str) -> bool:
        state, _ = self.state(name)
        if name not in self.health:  # the outbox serves nothing: running is all it shows
            return state == "RUNNING"
        # Rasa counts as STARTING for its first 60 s (deploy/supervisord.conf) while it serves.
        if state not in ("STARTING", "RUNNING"):
            return False
        try:
            return httpx.get(self.health[name], timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self, name: str) -> int:
        _, pid = self.state(name)
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_back(self, name: str, old_pid: int) -> None:
        deadline = time.monotonic() + BACK_WITHIN_SECONDS
        while time.monotonic() < deadline:
            if self.state(name)[1] not in (0, old_pid) and self.serving(name):
                return
            time.sleep(1)
        pytest.fail(f"{name} did not come back within {BACK_WITHIN_SECONDS:.0f} s")

    @property
    def data(self) -> Path:
        """The stack's files: leads.db, tracker.db, outbox/ (tests.processes.stack_env)."""
        return self.outbox.parent

    def chat(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> str:
        # json.dumps escapes a lone surrogate (\ud800), as a browser's JSON.stringify does;
        # httpx's own encoding would refuse it.
        body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}})
        response = httpx.post(
            f"{self.assistant}/webhooks/rest/webhook",
            content=body,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        response.raise_for_status()
        return "\n".join(m.get("text", "") for m in response.json())

    def leads_for(self, sender: str) -> list[dict[str, Any]]:
        leads = staff_leads(self.site, *STAFF[:2])
        return [lead for lead in leads if lead["conversation_id"] == sender]


@pytest.fixture(scope="package")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does it).")
    data = tmp_path_factory.mktemp("supervised")
    api_port, action_port, rasa_port = free_port(), free_port(), free_port()
    env = stack_env(data, api_port, action_port, rasa_port, SERVICE_TOKEN)
    socket = data / "s.sock"
    defaults = env_example()  # the addresses a fresh .env binds
    env.update(
        API_HOST=defaults["API_HOST"],
        API_PORT=str(api_port),
        ACTION_SERVER_HOST=defaults["ACTION_SERVER_HOST"],
        ACTION_SERVER_PORT=str(action_port),
        RASA_HOST=defaults["RASA_HOST"],
        RASA_PORT=str(rasa_port),
        LEADS_SERVICE_TOKEN_PREVIOUS="",  # present, as in a real .env: who gets it is tested
        URGENT_WEBHOOK_URL="",
        OUTBOX_INTERVAL_SECONDS="2",
        SUPERVISOR_SOCKET=str(socket),
    )
    prepare_leads_database(env, [STAFF])
    site, assistant = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{rasa_port}"
    health = {
        "api": f"{site}/health",
        "actions": f"http://127.0.0.1:{action_port}/health",
        "rasa": f"{assistant}/webhooks/rest/",
    }
    supervisor = Service(
        "supervisord",
        [str(API_BIN / "supervisord"), "-c", str(ROOT / "deploy" / "supervisord.conf")],
        ready=list(health.values()),
        env=env,
        log=data / "supervisord.log",
        start_timeout=BACK_WITHIN_SECONDS,
        own_group=True,
        stop_timeout=30,
    )
    with supervisor:
        yield Supervised(
            supervisor,
            f"unix://{socket}",
            health,
            site,
            assistant,
            data / "outbox",
            data / "supervisord.log",
        )
