"""The benchmark's processes: its settings for the shared harness (tests/processes.py), its
environment, and the memory the processes hold."""

from __future__ import annotations

import os
from pathlib import Path

import psutil

from tests.processes import ROOT, Service, Services

API_BIN = ROOT / ".venv" / "api" / "bin"
BOT_BIN = ROOT / ".venv" / "bot" / "bin"
MODEL = ROOT / "models" / "assistant.tar.gz"


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
