"""`make run` under supervisord (deploy/supervisord.conf): each process killed with SIGKILL comes
back while the others keep serving, and a visitor in the middle of the form loses nothing.

One supervisord runs the real configuration with its own ports, socket and data. Processes are
killed by the pid supervisord reports, as an operator's `kill -9` or the OOM killer would.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.core.deliveries import delivery_health, process_states, supervisor_proxy
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

    def chat(self, sender: str, text: str) -> str:
        response = httpx.post(
            f"{self.assistant}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return "\n".join(m.get("text", "") for m in response.json())

    def leads_for(self, sender: str) -> list[dict[str, Any]]:
        leads = staff_leads(self.site, *STAFF[:2])
        return [lead for lead in leads if lead["conversation_id"] == sender]


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does it).")
    data = tmp_path_factory.mktemp("supervised")
    api_port, action_port, rasa_port = free_port(), free_port(), free_port()
    env = stack_env(data, api_port, action_port, rasa_port, SERVICE_TOKEN)
    socket = data / "s.sock"
    env.update(
        API_HOST="127.0.0.1",
        API_PORT=str(api_port),
        ACTION_SERVER_HOST="127.0.0.1",
        ACTION_SERVER_PORT=str(action_port),
        RASA_HOST="127.0.0.1",
        RASA_PORT=str(rasa_port),
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
        yield Supervised(supervisor, f"unix://{socket}", health, site, assistant, data / "outbox")


def start_form(supervised: Supervised) -> str:
    sender = uuid.uuid4().hex
    supervised.chat(sender, "I'd like to book a free consultation")
    supervised.chat(sender, "tms")
    assert "ZIP code or city" in supervised.chat(sender, "yes")
    return sender


def to_summary(supervised: Supervised, sender: str, phone: str) -> None:
    for text in ("Santa Monica", "two", "Kai Oduya", phone, "no email", "mornings", "insurance"):
        supervised.chat(sender, text)
    assert "Here is what I'll send" in supervised.chat(sender, "yes")


def test_every_process_runs_supervised(supervised: Supervised) -> None:
    states = process_states(supervised.url) or {}
    assert sorted(states) == ["actions", "api", "notifier", "outbox", "rasa"]
    assert all(supervised.serving(name) for name in states)
    health = httpx.get(f"{supervised.site}/health/deliveries", timeout=10).json()
    assert health["supervised"] is True and health["crash_looping"] == []


@pytest.mark.parametrize("victim", ["actions", "outbox", "rasa"])
def test_a_killed_process_comes_back_and_the_form_goes_on(
    supervised: Supervised, victim: str
) -> None:
    sender = start_form(supervised)
    old_pid = supervised.kill(victim)
    others = [name for name in ("api", "actions", "rasa") if name != victim]
    assert all(supervised.serving(name) for name in others), "a kill took another process down"
    supervised.wait_back(victim, old_pid)
    to_summary(supervised, sender, "310 555 0" + str(130 + len(victim)))
    assert "Thank you, Kai Oduya" in supervised.chat(sender, "yes")
    assert len(supervised.leads_for(sender)) == 1


def test_a_lead_given_while_the_api_is_killed_is_delivered_when_it_is_back(
    supervised: Supervised,
) -> None:
    sender = start_form(supervised)
    to_summary(supervised, sender, "310 555 0151")
    old_pid = supervised.kill("api")
    # Delivered when the API is back within the action's budget, else queued; either way the
    # visitor hears it is saved, and it is stored once.
    assert "Thank you, Kai Oduya" in supervised.chat(sender, "yes")
    supervised.wait_back("api", old_pid)
    assert supervised.serving("rasa") and supervised.serving("actions")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not supervised.leads_for(sender):
        time.sleep(1)
    assert len(supervised.leads_for(sender)) == 1
    assert delivery_health(supervised.outbox, 15, supervised.url).waiting == 0
