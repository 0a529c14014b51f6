"""Whether captured leads reach the database: the outbox on disk and the supervised processes.

`GET /health/deliveries` answers 503 when something needs a person (monitoring alerts on it) and
the staff console shows the same figures in a banner. The outbox is read from its folder
(clinic.outbox_files); the processes from supervisord's XML-RPC interface, which supervisord
names to its children in SUPERVISOR_SERVER_URL (`make run`, `make run-scaled`). Unsupervised (a
test, `uvicorn` by hand) the processes are not reported.
"""

from __future__ import annotations

import http.client
import socket
import xmlrpc.client
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from api.core.config import Settings
from clinic.outbox_files import outbox_status

# supervisord's states for a process that keeps failing to start (BACKOFF: waiting to try
# again) or that it stopped trying (FATAL; deploy/supervisord.conf makes that practically never).
CRASH_LOOP_STATES = frozenset({"BACKOFF", "FATAL"})
RPC_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class DeliveryHealth:
    waiting: int
    needs_a_person: int
    refused: int
    quarantined: int
    oldest_wait_minutes: float | None
    alert_after_minutes: int
    crash_looping: list[str] = field(default_factory=list)
    supervised: bool = False  # False: the processes are not known

    @property
    def problems(self) -> list[str]:
        """What a person should look at, in words for the banner; empty when all is well."""
        found = []
        if self.oldest_wait_minutes is not None and (
            self.oldest_wait_minutes > self.alert_after_minutes
        ):
            found.append(f"a lead has waited more than {self.alert_after_minutes} minutes")
        if self.needs_a_person:
            found.append(f"{self.needs_a_person} waiting lead(s) need a person")
        if self.refused:
            found.append(f"{self.refused} lead(s) refused by the leads service")
        if self.quarantined:
            found.append(f"{self.quarantined} unreadable outbox file(s)")
        if self.crash_looping:
            found.append("restarting again and again: " + ", ".join(self.crash_looping))
        return found

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": not self.problems, "problems": self.problems}


def delivery_health(
    outbox_dir: Path, alert_after_minutes: int, supervisor_url: str
) -> DeliveryHealth:
    status = outbox_status(outbox_dir)
    processes = process_states(supervisor_url) if supervisor_url else None
    return DeliveryHealth(
        waiting=status.waiting,
        needs_a_person=status.needs_a_person,
        refused=status.refused,
        quarantined=status.quarantined,
        oldest_wait_minutes=(
            None if status.oldest_seconds is None else round(status.oldest_seconds / 60, 1)
        ),
        alert_after_minutes=alert_after_minutes,
        crash_looping=sorted(
            name for name, state in (processes or {}).items() if state in CRASH_LOOP_STATES
        ),
        supervised=processes is not None,
    )


def settings_deliveries(settings: Settings) -> DeliveryHealth:
    """delivery_health() with the API's settings."""
    return delivery_health(
        settings.outbox_dir, settings.delivery_alert_minutes, settings.supervisor_server_url
    )


def process_states(supervisor_url: str) -> dict[str, str] | None:
    """{process name: supervisord state name}; None when supervisord cannot be asked."""
    proxy = supervisor_proxy(supervisor_url)
    try:
        infos: list[dict[str, Any]] = proxy.supervisor.getAllProcessInfo()  # type: ignore[assignment]
        return {str(info["name"]): str(info["statename"]) for info in infos}
    except Exception:  # noqa: BLE001 - whatever answers on the socket, health must not fail
        return None


def supervisor_proxy(url: str) -> xmlrpc.client.ServerProxy:
    if url.startswith("unix://"):
        return xmlrpc.client.ServerProxy("http://supervisor", transport=_UnixTransport(url[7:]))
    return xmlrpc.client.ServerProxy(url.rstrip("/") + "/RPC2")


class _UnixTransport(xmlrpc.client.Transport):
    """XML-RPC over supervisord's unix socket. supervisor's own transport sets no timeout, and
    a hung supervisord must not hang the health check."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path

    def make_connection(self, host: Any) -> Any:
        connection = _UnixHTTPConnection(self._path)
        self._connection = host, connection
        return connection


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=RPC_TIMEOUT_SECONDS)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(RPC_TIMEOUT_SECONDS)
        self.sock.connect(self._path)
