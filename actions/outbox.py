"""A durable outbox for leads the API could not take right away.

When the leads API is unreachable, the submit action writes the lead here (one JSON file per
idempotency key, written atomically, readable by the owner only) and tells the visitor the
truth: their request is saved and will reach the team. `python -m actions.outbox watch` (a
process of `make run`) and `make deliver-outbox` deliver what is waiting; the idempotency key
makes a repeated delivery harmless.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions.leads_client import LeadDeliveryError, LeadsClient
from actions.settings import ActionSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    waiting: int
    rejected: int


class Outbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rejected_folder = folder / "rejected"

    def put(self, idempotency_key: str, lead: dict[str, Any]) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.folder / f"{idempotency_key}.json"
        # Write then rename, so a crash never leaves half a lead behind.
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "w") as stream:
            json.dump({"idempotency_key": idempotency_key, "lead": lead}, stream)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
        return target

    def pending(self) -> list[Path]:
        return sorted(self.folder.glob("*.json")) if self.folder.exists() else []

    async def deliver(self, client: LeadsClient) -> DeliveryReport:
        delivered = rejected = 0
        for path in self.pending():
            entry = json.loads(path.read_text())
            try:
                await client.submit(entry["lead"], entry["idempotency_key"])
            except LeadDeliveryError as exc:
                if exc.retryable:
                    break  # the API is still away: keep this and the rest for later
                # The API refused it: keep it aside for staff instead of retrying for ever.
                self.rejected_folder.mkdir(exist_ok=True, mode=0o700)
                path.replace(self.rejected_folder / path.name)
                rejected += 1
                logger.error("Outbox lead %s rejected by the API", path.stem)
                continue
            path.unlink()
            delivered += 1
        return DeliveryReport(delivered, len(self.pending()), rejected)


def outbox_from_env() -> Outbox:
    return Outbox(Path(os.environ.get("OUTBOX_DIR", "var/outbox")))


async def _watch(outbox: Outbox, client: LeadsClient, interval: float) -> None:
    while True:
        if outbox.pending():
            report = await outbox.deliver(client)
            if report.delivered or report.rejected:
                logger.info(
                    "Outbox: %d delivered, %d waiting, %d rejected",
                    report.delivered,
                    report.waiting,
                    report.rejected,
                )
        await asyncio.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deliver leads waiting in the outbox.")
    parser.add_argument("command", choices=["deliver", "watch"])
    parser.add_argument(
        "--interval", type=float, default=30.0, help="seconds between tries (watch)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s"
    )
    outbox, client = outbox_from_env(), LeadsClient(ActionSettings.from_env())
    if args.command == "watch":
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how `make run` stops it
            asyncio.run(_watch(outbox, client, args.interval))
        return 0
    report = asyncio.run(outbox.deliver(client))
    print(
        f"Outbox: {report.delivered} delivered, {report.waiting} waiting, "
        f"{report.rejected} rejected."
    )
    return 0 if report.waiting == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
