"""The outbox through real processes: two deliverers started together on 50 waiting leads (the
watcher of `make run` and `make deliver-outbox`), a file cut short, and the service token rotated
while leads wait, against a real API."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clinic.outbox_files import Entry, write_atomically
from tests.processes import (
    BOT_BIN,
    ROOT,
    Service,
    api_command,
    free_port,
    prepare_leads_database,
    stack_env,
    staff_leads,
)

SERVICE_TOKEN = "outbox-tests-service-token-0123"
STAFF = ("outbox@clinic.example", "outbox-tests-password-0123", "staff")


@dataclass
class Api:
    site: str
    env: dict[str, str]
    outbox: Path

    def leads(self) -> list[dict[str, Any]]:
        return staff_leads(self.site, *STAFF[:2])


def serve_api(env: dict[str, str], log: Path) -> Service:
    port = int(env["LEADS_API_URL"].rsplit(":", 1)[1])
    return Service(
        "api", api_command(port), ready=f"{env['LEADS_API_URL']}/health", env=env, log=log
    )


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    env = stack_env(tmp_path, free_port(), free_port(), free_port(), SERVICE_TOKEN)
    prepare_leads_database(env, [STAFF])
    with serve_api(env, tmp_path / "api.log"):
        yield Api(env["LEADS_API_URL"], env, tmp_path / "outbox")


def queue(outbox: Path, number: int) -> None:
    """A lead of its own person (its own phone and email: no returning-visitor match)."""
    lead = {
        "conversation_id": f"conversation-{number}",
        "full_name": "Lee Park",
        "phone": f"(213) 555-{number:04d}",
        "email": f"lee.{number}@example.org",
        "zip_code": "90026",
        "treatment_interest": "tms",
        "contact_consent": True,
    }
    key = f"lead-{number:04d}"
    write_atomically(outbox / f"{key}.json", Entry(key, lead, queued_at=time.time()).dumps())


def deliverer(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(BOT_BIN / "python"), "-m", "actions.outbox", "deliver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_two_deliverers_at_once_store_each_lead_once_and_both_exit_cleanly(api: Api) -> None:
    for number in range(50):
        queue(api.outbox, number)
    first, second = deliverer(api.env), deliverer(api.env)
    outputs = [process.communicate(timeout=120)[0].decode() for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    leads = api.leads()
    assert sorted(lead["conversation_id"] for lead in leads) == sorted(
        f"conversation-{number}" for number in range(50)
    )
    assert list(api.outbox.glob("*.json")) == []
    assert not (api.outbox / "quarantine").exists()


def test_a_file_cut_short_is_quarantined_and_the_others_delivered(api: Api) -> None:
    for number in range(3):
        queue(api.outbox, number)
    cut = api.outbox / "lead-0001.json"
    cut.write_bytes(cut.read_bytes()[:40])  # a crash mid-write on a disk without fsync
    process = deliverer(api.env)
    output = process.communicate(timeout=120)[0].decode()
    assert process.returncode == 0, output
    assert sorted(lead["conversation_id"] for lead in api.leads()) == [
        "conversation-0",
        "conversation-2",
    ]
    assert (api.outbox / "quarantine" / "lead-0001.json").exists()
    assert "unreadable" in (api.outbox / "quarantine" / "lead-0001.reason").read_text()
    assert "Lee Park" not in output and "555" not in output


def test_leads_waiting_through_a_token_rotation_are_kept_then_delivered(tmp_path: Path) -> None:
    """docs/deployment.md's rotation, done in the wrong order first: the API restarted with only
    the new token refuses the outbox's old one (401) and the leads wait; with the old token as
    LEADS_SERVICE_TOKEN_PREVIOUS they are delivered, and the outbox on the new token works."""
    old = stack_env(tmp_path, free_port(), free_port(), free_port(), SERVICE_TOKEN)
    prepare_leads_database(old, [STAFF])
    site, outbox = old["LEADS_API_URL"], tmp_path / "outbox"
    for number in range(3):
        queue(outbox, number)
    new = {**old, "LEADS_SERVICE_TOKEN": "outbox-tests-rotated-token-4567"}
    with serve_api(new, tmp_path / "api-new-only.log"):
        process = deliverer(old)
        output = process.communicate(timeout=120)[0].decode()
        assert process.returncode == 1, output  # leads still waiting
        assert "HTTP 401" in output
        assert staff_leads(site, *STAFF[:2]) == []
    assert len(list(outbox.glob("*.json"))) == 3
    assert not (outbox / "refused").exists() and not (outbox / "quarantine").exists()
    queue(outbox, 3)  # queued by an action server still on the old token
    rotating = {**new, "LEADS_SERVICE_TOKEN_PREVIOUS": SERVICE_TOKEN}
    with serve_api(rotating, tmp_path / "api-rotating.log"):
        process = deliverer(old)
        output = process.communicate(timeout=120)[0].decode()
        assert process.returncode == 0, output
        queue(outbox, 4)  # and one by an action server already on the new token
        process = deliverer(new)
        output = process.communicate(timeout=120)[0].decode()
        assert process.returncode == 0, output
        stored = sorted(lead["conversation_id"] for lead in staff_leads(site, *STAFF[:2]))
    assert stored == [f"conversation-{number}" for number in range(5)]
    assert list(outbox.glob("*.json")) == []
