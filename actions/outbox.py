"""A durable outbox for leads the API did not take right away.

When the leads API cannot be reached or refuses a lead for a reason a person can fix (a rotated
token, a wrong URL, a proxy's limit), the submit action keeps the lead here (clinic.outbox_files)
and tells the visitor the truth: their request is saved and will reach the team.
`python -m actions.outbox watch` (a process of `make run`) and `make deliver-outbox` deliver what
is waiting, one deliverer at a time; the idempotency key makes a repeated delivery harmless.

No lead is given up: every answer but a 422 is tried again, each lead after its own capped
backoff, and 400, 409 and 413 also flag it for a person. A 422 is tried once more without the
refused fields (actions.delivery); refused even so, the lead moves to `refused/` with the
reason. A file that cannot be read moves to `quarantine/` with the reason. Nothing in here stops
the watcher.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.delivery import deliver
from actions.leads_client import LeadDeliveryError, LeadsClient
from actions.settings import ActionSettings
from clinic import log_guard
from clinic.outbox_files import (
    BACKOFF_CAP_SECONDS,
    QUARANTINE,
    REFUSED,
    Entry,
    UnreadableEntry,
    outbox_status,
    write_atomically,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    waiting: int
    refused: int
    quarantined: int
    busy: bool = False  # another deliverer holds the outbox: this one did nothing


class Outbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(
        self,
        idempotency_key: str,
        lead: dict[str, Any],
        reason: str | None = None,
        needs_a_person: bool = False,
    ) -> Path:
        """Keep the lead for delivery; `reason` is why it could not be delivered now."""
        target = self.folder / f"{idempotency_key}.json"
        entry = Entry(idempotency_key, lead, queued_at=time.time(), last_error=reason)
        entry = entry.failed(reason, needs_a_person, time.time()) if reason else entry
        write_atomically(target, entry.dumps())
        return target

    def pending(self) -> list[Path]:
        return sorted(self.folder.glob("*.json")) if self.folder.exists() else []

    async def deliver(self, client: LeadsClient, every: bool = False) -> DeliveryReport:
        """Deliver the leads whose wait is over (`every`: all of them now)."""
        delivered = refused = quarantined = 0
        with self._exclusive() as holding:
            if not holding:
                return self._report(0, 0, 0, busy=True)
            for path in self.pending():
                try:
                    entry = Entry.read(path)
                except FileNotFoundError:
                    continue
                except (OSError, UnreadableEntry) as exc:
                    self._set_aside(path, QUARANTINE, f"unreadable: {type(exc).__name__} {exc}")
                    quarantined += 1
                    continue
                # A wait longer than the backoff's cap means the clock went back: due now.
                wait = entry.next_attempt_at - time.time()
                if not every and 0 < wait <= BACKOFF_CAP_SECONDS:
                    continue
                outcome = await self._deliver_one(client, path, entry)
                delivered += outcome == "delivered"
                refused += outcome == "refused"
                if outcome == "away":
                    break  # the API is away: the rest wait for the next round
        return self._report(delivered, refused, quarantined)

    async def _deliver_one(self, client: LeadsClient, path: Path, entry: Entry) -> str:
        try:
            await deliver(client, entry.lead, entry.idempotency_key)
        except LeadDeliveryError as exc:
            if not exc.retryable:
                self._set_aside(path, REFUSED, str(exc) + _fields(exc.refused))
                logger.error("Outbox lead %s refused by the API: %s", path.stem, exc)
                return "refused"
            self._failed(path, entry, str(exc), exc.needs_a_person)
            return "away" if exc.status is None or exc.status >= 500 else "kept"
        except Exception as exc:  # noqa: BLE001 - a lead is never dropped, the watcher never stops
            self._failed(path, entry, type(exc).__name__, False)
            return "kept"
        path.unlink(missing_ok=True)
        return "delivered"

    def _failed(self, path: Path, entry: Entry, reason: str, needs_a_person: bool) -> None:
        later = entry.failed(reason, needs_a_person, time.time())
        write_atomically(path, later.dumps())
        logger.warning(
            "Outbox lead %s not delivered (try %d): %s", path.stem, later.attempts, reason
        )

    def retry_refused(self) -> int | None:
        """Put the refused leads back in the queue (after the API or the lead was fixed); None
        when a deliverer holds the outbox (it may be setting a lead aside right now)."""
        moved = 0
        folder = self.folder / REFUSED
        with self._exclusive() as holding:
            if not holding:
                return None
            for path in sorted(folder.glob("*.json")) if folder.exists() else []:
                path.replace(self.folder / path.name)
                path.with_suffix(".reason").unlink(missing_ok=True)
                moved += 1
        return moved

    def _set_aside(self, path: Path, kind: str, reason: str) -> None:
        folder = self.folder / kind
        folder.mkdir(exist_ok=True, mode=0o700)
        # A name set aside before (the same lead refused twice) is kept: this one gets a suffix.
        stem = path.stem
        while (folder / f"{stem}.json").exists() or (folder / f"{stem}.reason").exists():
            stem = f"{path.stem}-{uuid.uuid4().hex[:8]}"
        write_atomically(folder / f"{stem}.reason", reason[:500].encode("utf-8"))
        with contextlib.suppress(FileNotFoundError):
            path.replace(folder / f"{stem}.json")

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[bool]:
        """One deliverer at a time: the watcher and `make deliver-outbox` may run together."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.folder / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(descriptor)  # closing releases the lock

    def _report(
        self, delivered: int, refused: int, quarantined: int, busy: bool = False
    ) -> DeliveryReport:
        status = outbox_status(self.folder)
        return DeliveryReport(delivered, status.waiting, refused, quarantined, busy)


def _fields(refused: dict[str, str]) -> str:
    return f" (refused: {', '.join(sorted(refused))})" if refused else ""


def outbox_from_env() -> Outbox:
    return Outbox(Path(os.environ.get("OUTBOX_DIR", "var/outbox")))


async def _watch(outbox: Outbox, client: LeadsClient, interval: float) -> None:
    while True:
        try:
            if outbox.pending():
                report = await outbox.deliver(client)
                if report.delivered or report.refused or report.quarantined:
                    logger.info("Outbox: %s", _describe(report))
        except Exception as exc:  # noqa: BLE001 - e.g. a full disk: try again next round
            logger.error("Outbox round failed: %s", type(exc).__name__)
        await asyncio.sleep(max(interval, 1.0))  # 0 would spin


def _describe(report: DeliveryReport) -> str:
    if report.busy:
        return "another deliverer is running; nothing done."
    return (
        f"{report.delivered} delivered, {report.waiting} waiting, {report.refused} refused, "
        f"{report.quarantined} quarantined."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deliver leads waiting in the outbox.")
    parser.add_argument("command", choices=["deliver", "watch", "status", "retry"])
    parser.add_argument(
        "--interval", type=float, default=30.0, help="seconds between rounds (watch)"
    )
    args = parser.parse_args(argv)
    log_guard.install()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s"
    )
    outbox = outbox_from_env()
    if args.command == "status":
        for name, value in outbox_status(outbox.folder).as_dict().items():
            print(f"{name.replace('_', ' ')}: {value if value is not None else '-'}")
        return 0
    client = LeadsClient(ActionSettings.from_env())
    if args.command == "watch":
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how `make run` stops it
            asyncio.run(_watch(outbox, client, args.interval))
        return 0
    if args.command == "retry":
        moved = outbox.retry_refused()
        if moved is None:
            print("Outbox: a deliverer is running; try `make outbox-retry` again in a minute.")
            return 1
        print(f"Outbox: {moved} refused leads queued again.")
    report = asyncio.run(outbox.deliver(client, every=True))
    print(f"Outbox: {_describe(report)}")
    return 0 if report.waiting == 0 or report.busy else 1


if __name__ == "__main__":
    sys.exit(main())
