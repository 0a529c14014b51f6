"""Start real processes for tests and the benchmark, wait until they answer, stop them.

A `Service` is one command (with its env, cwd and log) and how to tell it is up: a URL that
answers or a port that listens, polled while checking the process has not exited. `Services`
runs several in order and stops them together. Standard library and httpx only: both
virtualenvs (.venv/api on Python 3.11, .venv/bot on 3.10) import this module.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
API_BIN = ROOT / ".venv" / "api" / "bin"
BOT_BIN = ROOT / ".venv" / "bot" / "bin"
MODEL = ROOT / "models" / "assistant.tar.gz"
TAIL_CHARS = 3000  # enough of a log to show a traceback, short enough to read in a report

# What may be waited for: a URL to GET, or a TCP port on the service's host.
Target = str | int


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the OS picks it; another process could still take it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def api_command(port: int, *options: str) -> list[str]:
    """The leads API as deploy/supervisord.conf starts it, on 127.0.0.1:`port`."""
    return [
        str(API_BIN / "uvicorn"),
        "api.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]


def actions_command(port: int, python: str = str(BOT_BIN / "python")) -> list[str]:
    """The action server as deploy/supervisord.conf starts it, on `port`."""
    return [python, "-m", "actions.serve", "--actions", "actions", "--port", str(port)]


def rasa_command(port: int, *options: str) -> list[str]:
    """Rasa serving the trained model as deploy/supervisord.conf starts it, on 127.0.0.1:`port`."""
    return [
        str(BOT_BIN / "python"),
        "-m",
        "bot.serve",
        "run",
        "--model",
        str(MODEL),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]


def stack_env(
    data: Path, api_port: int, action_port: int, rasa_port: int, service_token: str
) -> dict[str, str]:
    """The settings of `make run` for a stack on these ports with its data under `data`."""
    site, assistant = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{rasa_port}"
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore",
        "DATABASE_URL": f"sqlite:///{data / 'leads.db'}",
        "SECRET_KEY": "stack-tests-secret-key-0123456789",
        "LEADS_SERVICE_TOKEN": service_token,
        "ASSISTANT_URL": assistant,
        "CORS_ORIGINS": site,
        "LEADS_API_URL": site,
        "OUTBOX_DIR": str(data / "outbox"),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "RASA_TRACKER_DIALECT": "sqlite",
        "RASA_TRACKER_DB": str(data / "tracker.db"),
        "RASA_TRACKER_URL": "",
        "RASA_LOCK_STORE": "in_memory",
        "RASA_REDIS_HOST": "127.0.0.1",
        "RASA_REDIS_PORT": "6379",
        "RASA_REDIS_DB": "1",
        "TRACKER_DB_URL": f"sqlite:///{data / 'tracker.db'}",
        "RASA_CORS_ORIGINS": site,
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
    }


def prepare_leads_database(
    env: Mapping[str, str], accounts: Iterable[tuple[str, str, str]]
) -> None:
    """Migrate the leads database of `env` and create staff accounts (email, password, role)."""
    subprocess.run(
        [str(API_BIN / "alembic"), "-c", "api/alembic.ini", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    for email, password, role in accounts:
        subprocess.run(
            [
                str(API_BIN / "python"),
                "-m",
                "api.cli",
                "staff-user",
                "--email",
                email,
                "--password",
                password,
                "--role",
                role,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


# Staff tokens by (site, email): a client logs in once, as the API's login limit per address
# expects (tests poll for leads every second or two).
_TOKENS: dict[tuple[str, str], str] = {}


def staff_leads(site: str, email: str, password: str) -> list[dict[str, Any]]:
    """Every lead the API at `site` holds, read as a staff member, page by page (the API caps
    a page at what the account's role may read at once)."""
    if (site, email) not in _TOKENS:
        answer = httpx.post(
            f"{site}/api/auth/token", data={"username": email, "password": password}
        )
        answer.raise_for_status()
        _TOKENS[(site, email)] = answer.json()["access_token"]
    headers = {"Authorization": f"Bearer {_TOKENS[(site, email)]}"}
    leads: list[dict[str, Any]] = []
    while True:
        response = httpx.get(
            f"{site}/api/leads", params={"limit": 200, "offset": len(leads)}, headers=headers
        )
        if response.status_code == 401:  # expired: log in again
            del _TOKENS[(site, email)]
            return staff_leads(site, email, password)
        response.raise_for_status()
        page = response.json()
        leads += page["items"]
        if not page["items"] or len(leads) >= page["total"]:
            return leads


def only_200(status: int) -> bool:
    """Health endpoints: up means 200."""
    return status == 200


def below_500(status: int) -> bool:
    """Behind a balancer a 404 or 401 still proves the server answers; 5xx is the balancer
    saying its backend is not there yet."""
    return status < 500


class ServiceError(RuntimeError):
    """A service exited or did not answer in time; the message ends with its log's tail."""


@dataclass
class Service:
    """One process: `start()` launches `command` and waits for each of `ready` in turn (each
    within `start_timeout`); `stop()` sends `stop_signal`, then SIGKILL after `stop_timeout`.
    It can be started again after a stop (same log, appended)."""

    name: str
    command: Sequence[str]
    ready: Target | Sequence[Target] = ()
    env: Mapping[str, str] | None = None  # None: this process's environment
    cwd: Path = ROOT
    log: Path | None = None  # gets stdout and stderr; None leaves them on ours (pytest shows them)
    quiet: bool = False  # with log=None: stdout to /dev/null, stderr still ours
    start_timeout: float = 120.0
    poll_every: float = 0.5
    request_timeout: float = 2.0
    accept: Callable[[int], bool] = only_200
    stop_timeout: float = 15.0
    stop_signal: signal.Signals = signal.SIGTERM
    # A session (process group) of its own, signalled whole: for launchers such as make or
    # supervisord whose children would otherwise outlive them, as Ctrl-C in a terminal reaches all.
    own_group: bool = False
    host: str = "127.0.0.1"  # where a port target is checked
    process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def targets(self) -> tuple[Target, ...]:
        return (self.ready,) if isinstance(self.ready, (str, int)) else tuple(self.ready)

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServiceError(f"{self.name} is not running")
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> float:
        """Launch and wait until every target answers; the seconds that took. A service that
        does not come up is stopped before the error is raised, so nothing is left behind."""
        if self.running:
            raise ServiceError(f"{self.name} is already running")
        if self.process is not None:  # it exited on its own: reap it (and its group) first
            self.stop()
        started = time.perf_counter()
        self.process = self._launch()
        try:
            for target in self.targets:
                self.wait_for(target)
        except BaseException:
            self.stop()
            raise
        return time.perf_counter() - started

    def _launch(self) -> subprocess.Popen[bytes]:
        env = dict(self.env) if self.env is not None else None
        if self.log is None:
            stdout = subprocess.DEVNULL if self.quiet else None
            return subprocess.Popen(
                list(self.command),
                cwd=self.cwd,
                env=env,
                stdout=stdout,
                start_new_session=self.own_group,
            )
        self.log.parent.mkdir(parents=True, exist_ok=True)
        # The child keeps its own copy of the descriptor; ours can close at once.
        with self.log.open("ab") as output:
            return subprocess.Popen(
                list(self.command),
                cwd=self.cwd,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=self.own_group,
            )

    def wait_for(self, target: Target, timeout: float | None = None) -> None:
        """Poll `target` until it answers, failing as soon as the process exits."""
        limit = self.start_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            process = self.process
            if process is None:
                raise ServiceError(f"{self.name} is not running")
            if process.poll() is not None:
                raise ServiceError(
                    f"{self.name} exited with {process.returncode} before "
                    f"{target} answered{self._tail_note()}"
                )
            if self._answers(target):
                return
            if time.monotonic() >= deadline:
                raise ServiceError(
                    f"{self.name}: {target} did not answer within {limit:g} s{self._tail_note()}"
                )
            time.sleep(self.poll_every)

    def _answers(self, target: Target) -> bool:
        if isinstance(target, int):
            try:
                with socket.create_connection((self.host, target), timeout=self.request_timeout):
                    return True
            except OSError:
                return False
        try:
            return self.accept(httpx.get(target, timeout=self.request_timeout).status_code)
        except httpx.HTTPError:
            return False

    def tail(self, chars: int = TAIL_CHARS) -> str:
        """The end of the log ('' without one): read from the end, logs can be large."""
        if self.log is None or not self.log.exists():
            return ""
        with self.log.open("rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - chars))
            return log.read().decode(errors="replace")

    def _tail_note(self) -> str:
        if self.log is None:
            return " (no log file: its output went to this process's own stdout and stderr)"
        return f"; the end of {self.log}:\n{self.tail()}"

    def stop(self) -> int | None:
        """Stop and reap; the exit status (None if it was not started)."""
        self.send_stop()
        return self.wait_stopped()

    def send_stop(self) -> None:
        """Only the signal: `Services` signals all its services before waiting for any."""
        if self.process is not None:
            self._signal(self.stop_signal)

    def wait_stopped(self) -> int | None:
        process = self.process
        if process is None:
            return None
        deadline = time.monotonic() + self.stop_timeout
        try:
            process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            process.wait()
        if self.own_group:
            # The leader may exit before the children it was stopping: give them what is
            # left of the timeout, then kill whatever of the group remains.
            while _group_alive(process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            self._signal(signal.SIGKILL)
        self.process = None
        return process.returncode

    def _signal(self, signum: signal.Signals) -> None:
        process = self.process
        if process is None:
            return
        if self.own_group:
            with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
                os.killpg(process.pid, signum)
        elif process.poll() is None:
            process.send_signal(signum)

    def __enter__(self) -> Service:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member we may not signal still exists
        return True
    return True


class Services:
    """Named services: started in the order given, each up before the next starts; stopped
    together (every one signalled, then each waited for), as `with Services(...)` does."""

    def __init__(self, services: Iterable[Service] = ()) -> None:
        self._services: dict[str, Service] = {}
        for service in services:
            self.add(service)

    def add(self, service: Service) -> Service:
        if service.name in self._services:
            raise ValueError(f"two services named {service.name!r}")
        self._services[service.name] = service
        return service

    def __getitem__(self, name: str) -> Service:
        return self._services[name]

    def __iter__(self) -> Iterator[Service]:
        return iter(self._services.values())

    def start(self, service: Service | str) -> float:
        """Start a service by name, or add one and start it; the seconds it took to come up."""
        if isinstance(service, str):
            return self[service].start()
        return self.add(service).start()

    def stop(self, name: str) -> int | None:
        return self[name].stop()

    def start_all(self) -> dict[str, float]:
        """Start every service not running, in order; on a failure stop those started."""
        took: dict[str, float] = {}
        try:
            for service in self:
                if not service.running:
                    took[service.name] = service.start()
        except BaseException:
            self.stop_all()
            raise
        return took

    def stop_all(self) -> None:
        # Later services usually depend on earlier ones: signal them first.
        started = [service for service in reversed(list(self)) if service.process is not None]
        for service in started:
            service.send_stop()
        for service in started:
            service.wait_stopped()

    def __enter__(self) -> Services:
        self.start_all()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop_all()
