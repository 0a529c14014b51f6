"""The floor: the bot `rasa init --no-prompt` makes (Rasa's own example, its default pipeline
and policies), trained and served from the same environment (.venv/bot) as the project, with
one Rasa worker. The per-turn targets are ratios to it, measured in the same run, because this
machine's absolute speed varies from run to run."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.processes import base_env, bench_service
from tests.processes import BOT_BIN, Service


@dataclass
class Floor:
    folder: Path
    train_s: float | None  # None: reused from an earlier `make bench` (the quick option)


def _env(folder: Path) -> dict[str, str]:
    return base_env(PYTHONPATH=str(folder), SANIC_WORKERS="1")


def _model(folder: Path) -> Path | None:
    models = sorted((folder / "models").glob("*.tar.gz"))
    return models[-1] if models else None


def prepare(folder: Path, reuse: bool, log: Path) -> Floor:
    """`rasa init --no-prompt` into `folder` (which trains its model), timed; with `reuse`, a
    floor already trained there is served as it is."""
    if reuse and _model(folder) is not None:
        return Floor(folder, None)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    with log.open("ab") as output:
        subprocess.run(
            [str(BOT_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder,
            env=_env(folder),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
        )
    took = round(time.perf_counter() - started, 1)
    if _model(folder) is None:
        raise RuntimeError(f"`rasa init --no-prompt` trained no model in {folder}; see {log}")
    return Floor(folder, took)


def service(floor: Floor, port: int, logs: Path) -> Service:
    model = _model(floor.folder)
    assert model is not None
    rasa = bench_service(
        "floor",
        [
            str(BOT_BIN / "rasa"),
            "run",
            "--model",
            str(model),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--enable-api",
        ],
        f"http://127.0.0.1:{port}/",
        _env(floor.folder),
        logs,
    )
    rasa.cwd = floor.folder
    return rasa
