"""Start the assistant's processes for a benchmark, time their start-up, read their memory."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
API_BIN = ROOT / ".venv" / "api" / "bin"
BOT_BIN = ROOT / ".venv" / "bot" / "bin"
MODEL = ROOT / "models" / "assistant.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Processes:
    """Named processes with their logs in one folder; all stopped by close()."""

    env: dict[str, str]
    logs: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, command: list[str], ready: str, timeout: float = 300) -> float:
        """Start `command`, wait until GET `ready` answers 200; the seconds that took."""
        started = time.perf_counter()
        with open(self.logs / f"{name}.log", "ab") as log:
            self.running[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                                  stderr=subprocess.STDOUT)
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if self.running[name].poll() is not None:
                raise RuntimeError(f"{name} stopped; see {self.logs / f'{name}.log'}")
            try:
                if httpx.get(ready, timeout=2).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not answer {ready} within {timeout} s")

    def resident_mib(self) -> dict[str, float]:
        """Resident memory of each process with its children, in MiB."""
        sizes = {}
        for name, process in self.running.items():
            parent = psutil.Process(process.pid)
            total = sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])
            sizes[name] = round(total / 2**20, 1)
        return sizes

    def close(self) -> None:
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()


def base_env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore",
           "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    env.update(overrides)
    return env
