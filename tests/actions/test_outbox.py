import json
import stat
from pathlib import Path

import httpx
import pytest

from actions.leads_client import LeadsClient
from actions.outbox import Outbox
from actions.settings import ActionSettings

SETTINGS = ActionSettings(
    leads_api_url="http://leads.test", leads_service_token="t", timeout_seconds=1
)


def _client(statuses: list[int], seen: list[str]) -> LeadsClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Idempotency-Key"])
        status = statuses.pop(0) if statuses else 201
        if status == -1:
            raise httpx.ConnectError("down", request=request)
        return httpx.Response(status, json={"id": "x"})

    return LeadsClient(SETTINGS, transport=httpx.MockTransport(handler))


def test_put_writes_one_private_file_per_key(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    path = outbox.put("lead-abc", {"full_name": "Jo Smith"})
    outbox.put("lead-abc", {"full_name": "Jo Smith"})
    assert outbox.pending() == [path]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["lead"] == {"full_name": "Jo Smith"}


@pytest.mark.asyncio
async def test_deliver_sends_everything_with_its_key_and_empties_the_outbox(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    outbox.put("lead-2", {"n": 2})
    seen: list[str] = []
    report = await outbox.deliver(_client([201, 201], seen))
    assert (report.delivered, report.waiting, report.rejected) == (2, 0, 0)
    assert seen == ["lead-1", "lead-2"]
    assert outbox.pending() == []


@pytest.mark.asyncio
async def test_api_still_down_keeps_the_leads(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    report = await outbox.deliver(_client([-1, -1, -1], []))
    assert (report.delivered, report.waiting) == (0, 1)


@pytest.mark.asyncio
async def test_rejected_lead_is_set_aside_not_lost(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    report = await outbox.deliver(_client([422], []))
    assert (report.delivered, report.waiting, report.rejected) == (0, 0, 1)
    assert (tmp_path / "rejected" / "lead-1.json").exists()
