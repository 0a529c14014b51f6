import asyncio
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from actions.leads_client import LeadsClient
from actions.outbox import Outbox
from actions.settings import ActionSettings
from clinic.outbox_files import Entry, outbox_status

SETTINGS = ActionSettings(
    leads_api_url="http://leads.test", leads_service_token="t", timeout_seconds=1
)


def _client(
    statuses: list[int],
    seen: list[str],
    refused: str = "",
    bodies: list[dict[str, Any]] | None = None,
) -> LeadsClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Idempotency-Key"])
        if bodies is not None:
            bodies.append(json.loads(request.content))
        status = statuses.pop(0) if statuses else 201
        if status == -1:
            raise httpx.ConnectError("down", request=request)
        if status == 422:
            # The API's own 422 shape (tests/contracts/lead_refused_422.json).
            errors = [{"field": refused, "message": "too long"}]
            return httpx.Response(
                422, json={"detail": "The request is not valid.", "errors": errors}
            )
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
    assert (report.delivered, report.waiting, report.refused) == (2, 0, 0)
    assert seen == ["lead-1", "lead-2"]
    assert outbox.pending() == []


@pytest.mark.asyncio
async def test_api_still_down_keeps_the_leads(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    report = await outbox.deliver(_client([-1, -1, -1], []))
    assert (report.delivered, report.waiting) == (0, 1)


@pytest.mark.asyncio
async def test_a_lead_refused_even_without_the_refused_fields_is_set_aside_with_the_reason(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"full_name": "Jo", "city": "x"})
    report = await outbox.deliver(_client([422, 422], [], refused="full_name"))
    assert (report.delivered, report.waiting, report.refused) == (0, 0, 1)
    assert (tmp_path / "refused" / "lead-1.json").exists()
    reason = (tmp_path / "refused" / "lead-1.reason").read_text()
    assert "422" in reason and "full_name" in reason and "Jo" not in reason
    with Outbox(tmp_path)._exclusive():  # a deliverer at work: nothing is moved under it
        assert outbox.retry_refused() is None
    assert (tmp_path / "refused" / "lead-1.reason").exists()
    assert outbox.retry_refused() == 1
    assert [p.name for p in outbox.pending()] == ["lead-1.json"]


@pytest.mark.asyncio
async def test_a_refused_field_is_left_out_and_noted(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"full_name": "Jo", "city": "x" * 300, "delivery_note": None})
    bodies: list[dict] = []
    report = await outbox.deliver(_client([422, 201], [], refused="city", bodies=bodies))
    assert report.delivered == 1
    assert bodies[-1]["city"] is None and bodies[-1]["full_name"] == "Jo"
    assert bodies[-1]["delivery_note"].startswith("Sent without city (city: ")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "needs_a_person"),
    [(401, False), (404, False), (400, True), (409, True), (413, True)],
)
async def test_any_other_refusal_keeps_the_lead_and_waits_before_trying_again(
    tmp_path: Path, status: int, needs_a_person: bool
) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    seen: list[str] = []
    client = _client([status], seen)
    report = await outbox.deliver(client)
    assert (report.delivered, report.waiting, report.refused) == (0, 1, 0)
    assert outbox_status(tmp_path).needs_a_person == int(needs_a_person)
    entry = json.loads(outbox.pending()[0].read_text())
    assert entry["attempts"] == 1 and entry["next_attempt_at"] > time.time() + 20
    await outbox.deliver(client)  # its wait is not over: not tried
    assert len(seen) == 1
    report = await outbox.deliver(client, every=True)  # make deliver-outbox / outbox-retry
    assert (report.delivered, report.waiting, len(seen)) == (1, 0, 2)


def test_the_wait_doubles_up_to_an_hour() -> None:
    entry = Entry("k", {}, queued_at=0.0)
    waits = []
    for _ in range(10):
        entry = entry.failed("HTTP 503", False, now=1000.0)
        waits.append(entry.next_attempt_at - 1000.0)
    assert waits[:3] == [30.0, 60.0, 120.0] and waits[-1] == 3600.0
    # Months of failures: the wait stays an hour (2**1024 would be no float).
    assert Entry("k", {}, 0.0, attempts=5000).failed("HTTP 409", True, 0.0).next_attempt_at == 3600


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "content",
    [
        b'{"idempotency_key": "lead-0", "lead": {"n"',
        b"\xff\xfe garbage",
        b"[1, 2]",
        b"{}",
        # Valid JSON of the wrong types: a hand edit or another program's file.
        b'{"idempotency_key": "lead-0", "lead": {}, "queued_at": null}',
        b'{"idempotency_key": "lead-0", "lead": {}, "queued_at": 1, "next_attempt_at": "soon"}',
        b'{"idempotency_key": "lead-0", "lead": {}, "queued_at": 1, "attempts": "x"}',
        b'{"idempotency_key": "lead-0", "lead": {}, "queued_at": 1, "needs_a_person": "yes"}',
        b'{"idempotency_key": "lead-0", "lead": {}, "queued_at": 1' + b"0" * 400 + b"}",
        b'{"idempotency_key": "lead-0", "lead": {}, "queued_at": NaN}',
    ],
)
async def test_an_unreadable_file_is_quarantined_and_the_rest_delivered(
    tmp_path: Path, content: bytes
) -> None:
    outbox = Outbox(tmp_path)
    (tmp_path / "lead-0.json").write_bytes(content)
    outbox.put("lead-1", {"n": 1})
    report = await outbox.deliver(_client([201], []))
    assert (report.delivered, report.quarantined, report.waiting) == (1, 1, 0)
    assert (tmp_path / "quarantine" / "lead-0.json").read_bytes() == content
    assert (tmp_path / "quarantine" / "lead-0.reason").read_text().startswith("unreadable")
    assert outbox_status(tmp_path).quarantined == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>Welcome to our site</html>"),
        httpx.Response(201, json=["not", "a", "lead"]),
        httpx.Response(204),
    ],
)
async def test_a_success_without_a_lead_receipt_keeps_the_lead_for_a_person(
    tmp_path: Path, answer: httpx.Response
) -> None:
    """A wrong LEADS_API_URL whose server answers 200 must not swallow leads."""
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    transport = httpx.MockTransport(lambda request: answer)
    report = await outbox.deliver(LeadsClient(SETTINGS, transport=transport))
    assert (report.delivered, report.waiting) == (0, 1)
    status = outbox_status(tmp_path)
    assert status.needs_a_person == 1
    assert "without a lead receipt" in str(Entry.read(tmp_path / "lead-1.json").last_error)
    report = await outbox.deliver(_client([201], []), every=True)
    assert (report.delivered, report.waiting) == (1, 0)


@pytest.mark.asyncio
async def test_an_old_file_without_delivery_state_is_delivered(tmp_path: Path) -> None:
    (tmp_path / "lead-1.json").write_text('{"idempotency_key": "lead-1", "lead": {"n": 1}}')
    report = await Outbox(tmp_path).deliver(_client([201], []))
    assert report.delivered == 1


@pytest.mark.asyncio
async def test_two_deliverers_at_once_send_each_lead_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    for number in range(50):
        outbox.put(f"lead-{number:02d}", {"n": number})
    seen: list[str] = []

    async def slow_api(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Idempotency-Key"])
        await asyncio.sleep(0.001)  # the other deliverer runs meanwhile
        return httpx.Response(201, json={"id": "x"})

    client = LeadsClient(SETTINGS, transport=httpx.MockTransport(slow_api))
    first, second = await asyncio.gather(outbox.deliver(client), Outbox(tmp_path).deliver(client))
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 50
    assert {first.busy, second.busy} == {True, False}
    assert outbox.pending() == [] and not (tmp_path / "quarantine").exists()


def test_status_counts_what_waits_and_how_long(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    outbox.put("lead-2", {"n": 2}, reason="HTTP 413", needs_a_person=True)
    status = outbox_status(tmp_path, now=time.time() + 600)
    assert (status.waiting, status.needs_a_person, status.refused, status.quarantined) == (
        2,
        1,
        0,
        0,
    )
    assert status.oldest_seconds is not None and 599 < status.oldest_seconds < 700
    assert outbox_status(tmp_path / "none").waiting == 0


@pytest.mark.asyncio
async def test_a_pipe_or_a_link_in_the_outbox_is_quarantined_not_read(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    os.mkfifo(tmp_path / "lead-pipe.json")  # reading it would block the deliverer for good
    (tmp_path / "lead-link.json").symlink_to(tmp_path / "nowhere.json")
    outbox.put("lead-1", {"n": 1})
    report = await asyncio.wait_for(outbox.deliver(_client([201], [])), timeout=10)
    assert (report.delivered, report.quarantined) == (1, 2)
    assert outbox_status(tmp_path).waiting == 0


@pytest.mark.asyncio
async def test_a_wait_beyond_the_cap_means_the_clock_went_back_and_the_lead_goes_now(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path)
    outbox.put("lead-1", {"n": 1})
    path = tmp_path / "lead-1.json"
    entry = json.loads(path.read_text())
    path.write_text(json.dumps({**entry, "next_attempt_at": time.time() + 86400 * 365}))
    assert (await outbox.deliver(_client([201], []))).delivered == 1


@pytest.mark.asyncio
async def test_a_second_refusal_of_the_same_lead_keeps_the_first(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    for _ in range(2):
        (tmp_path / "lead-0.json").write_bytes(b"not json")
        await outbox.deliver(_client([], []))
    assert len(list((tmp_path / "quarantine").glob("*.json"))) == 2
    assert len(list((tmp_path / "quarantine").glob("*.reason"))) == 2
