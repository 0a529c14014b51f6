"""The outbox on disk, read and written by the action server and read by the API's health check.

One JSON file per lead, named after its idempotency key, in the outbox folder: the lead and its
delivery state. Beside them, `refused/` holds leads the API refused for good and `quarantine/`
files that could not be read, each with a `.reason` file saying why (never the lead's content).
Every write goes to a temporary file that is fsynced, then renamed over the target, and the
folder is fsynced: a crash or a power cut leaves the old file or the new one, never half.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

REFUSED, QUARANTINE = "refused", "quarantine"
# After a failed try a lead waits BACKOFF_FIRST_SECONDS, doubled after each failure up to
# BACKOFF_CAP_SECONDS: an API that is down for a day gets one try per hour per lead, and one
# that is back is reached within the hour at most (`make outbox-retry` tries at once).
BACKOFF_FIRST_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 3600.0


class UnreadableEntry(ValueError):
    """An outbox file that is not a lead in the outbox's format."""


@dataclass(frozen=True)
class Entry:
    idempotency_key: str
    lead: dict[str, Any]
    queued_at: float
    attempts: int = 0
    next_attempt_at: float = 0.0
    last_error: str | None = None
    needs_a_person: bool = False

    def failed(self, reason: str, needs_a_person: bool, now: float) -> Entry:
        # The exponent is capped too: 2**1024 is no float, and a lead may fail for months.
        wait = min(BACKOFF_CAP_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** min(self.attempts, 30))
        return replace(
            self,
            attempts=self.attempts + 1,
            next_attempt_at=now + wait,
            last_error=reason[:200],
            needs_a_person=self.needs_a_person or needs_a_person,
        )

    @classmethod
    def read(cls, path: Path) -> Entry:
        """The entry in `path`; UnreadableEntry if it is none, OSError if it is gone."""
        if not stat.S_ISREG(path.lstat().st_mode):
            # A link, a folder or a pipe (whose read would block the deliverer for good).
            raise UnreadableEntry("not a regular file")
        raw = path.read_bytes()
        try:
            data = json.loads(raw)
            if isinstance(data, dict):
                # Files written before the delivery state was kept: queued when written.
                data.setdefault("queued_at", path.stat().st_mtime)
            entry = cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError) as exc:
            raise UnreadableEntry(type(exc).__name__) from None
        if entry is None or not isinstance(entry.lead, dict) or not entry.idempotency_key:
            raise UnreadableEntry("not a lead")
        wrong = [name for name, check in _FIELD_CHECKS.items() if not check(getattr(entry, name))]
        if wrong:
            raise UnreadableEntry("wrong type: " + ", ".join(wrong))
        return entry

    def dumps(self) -> bytes:
        return json.dumps(asdict(self)).encode("utf-8")


def _number(value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


# What each field of a file must hold: a hand-edited or foreign file is quarantined, not fatal.
_FIELD_CHECKS: dict[str, Callable[[Any], bool]] = {
    "idempotency_key": lambda value: isinstance(value, str),
    "queued_at": _number,
    "attempts": lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= 0,
    "next_attempt_at": _number,
    "last_error": lambda value: value is None or isinstance(value, str),
    "needs_a_person": lambda value: isinstance(value, bool),
}


def write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class OutboxStatus:
    waiting: int
    needs_a_person: int
    refused: int
    quarantined: int
    oldest_seconds: float | None  # how long the longest-waiting lead has waited

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def outbox_status(folder: Path, now: float | None = None) -> OutboxStatus:
    """What waits in the outbox at `folder`, read without taking the deliverer's lock."""
    now = time.time() if now is None else now
    waiting = needs = 0
    oldest: float | None = None
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            entry = Entry.read(path)
        except (OSError, UnreadableEntry):
            continue  # delivered meanwhile, or quarantined at the deliverer's next round
        waiting += 1
        needs += entry.needs_a_person
        age = now - entry.queued_at
        oldest = age if oldest is None else max(oldest, age)
    return OutboxStatus(
        waiting=waiting,
        needs_a_person=needs,
        refused=_count(folder / REFUSED),
        quarantined=_count(folder / QUARANTINE),
        oldest_seconds=oldest,
    )


def _count(folder: Path) -> int:
    if not folder.exists():
        return 0
    return sum(1 for path in folder.iterdir() if path.suffix != ".reason")
