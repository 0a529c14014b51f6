"""The benchmark's processes: its settings for the shared harness (tests/processes.py), its
environment, and the memory the processes hold."""

from __future__ import annotations

import os
from pathlib import Path

import psutil

from tests.processes import ROOT, Service, Services


def bench_service(
    name: str, command: list[str], ready: str, env: dict[str, str], logs: Path
) -> Service:
    """Output in logs/<name>.log; up when `ready` answers 200, polled every 0.1 s so start-up
    times are measured to that; 300 s to come up, 20 s to stop before it is killed."""
    return Service(
        name,
        command,
        ready=ready,
        env=env,
        cwd=ROOT,
        log=logs / f"{name}.log",
        start_timeout=300,
        poll_every=0.1,
        request_timeout=2,
        stop_timeout=20,
    )


def resident_mib(services: Services) -> dict[str, float]:
    """Resident memory of each started service with its children, in MiB."""
    sizes = {}
    for service in services:
        if service.process is None:
            continue
        parent = psutil.Process(service.pid)
        total = sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])
        sizes[service.name] = round(total / 2**20, 1)
    return sizes


def base_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    env.update(overrides)
    return env


def listener(port: int) -> psutil.Process | None:
    """The process listening on a local TCP port, if any."""
    for connection in psutil.net_connections(kind="tcp"):
        if (
            connection.status == psutil.CONN_LISTEN
            and connection.laddr
            and connection.laddr.port == port
            and connection.pid
        ):
            return psutil.Process(connection.pid)
    return None


def _is_rasa(process: psutil.Process) -> bool:
    try:
        command = process.cmdline()
    except psutil.Error:
        return False
    # `rasa run` (the floor) or `python -m bot.serve run` (the project: the log guard first).
    launcher = any(Path(part).name == "rasa" for part in command[:2]) or "bot.serve" in command[:3]
    return launcher and "run" in command


def rasa_server(port: int) -> psutil.Process:
    """The Rasa server listening on `port`, found by process: the listener, or the `rasa run`
    (or `bot.serve run`) process it descends from (a Sanic worker's parent)."""
    found = listener(port)
    if found is None:
        raise RuntimeError(f"nothing listens on port {port}")
    top = found
    for parent in found.parents():
        if _is_rasa(parent):
            top = parent
    if not _is_rasa(top):
        raise RuntimeError(f"port {port} is held by {found.cmdline()!r}, not by `rasa run`")
    return top


def server_rss_mb(port: int) -> float:
    """Summed resident memory (MB, 10^6 bytes) of the Rasa server on `port` and its children."""
    server = rasa_server(port)
    total = 0
    for process in [server, *server.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return round(total / 1e6, 1)
