"""The project's stack as `make run` starts it (SQLite, one process each, one Rasa worker), on
free ports with a temporary database, for the per-turn loads; and the checked conversations
(the right FAQ answers, a whole consultation request whose lead must be in the database)."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench import lead_api
from bench.load import FAQ_TURNS, Chat, Recorder
from bench.processes import ROOT, base_env, bench_service
from tests.processes import (
    API_BIN,
    Services,
    actions_command,
    api_command,
    free_port,
    rasa_command,
)


def start_assistant(workdir: Path, logs: Path) -> tuple[Services, dict[str, object]]:
    api, actions, rasa = free_port(), free_port(), free_port()
    token = secrets.token_urlsafe(16)
    env = base_env(
        DATABASE_URL=f"sqlite:///{workdir / 'leads.db'}",
        TRACKER_DB_URL=f"sqlite:///{workdir / 'tracker.db'}",
        RASA_TRACKER_DIALECT="sqlite",
        RASA_TRACKER_DB=str(workdir / "tracker.db"),
        RASA_TRACKER_URL="",
        RASA_LOCK_STORE="in_memory",
        RASA_REDIS_HOST="127.0.0.1",
        RASA_REDIS_PORT="6379",
        RASA_REDIS_DB="1",
        SECRET_KEY="bench-secret-key-0123456789abcdef",
        LEADS_SERVICE_TOKEN=lead_api.SERVICE_TOKEN,
        LEADS_API_URL=f"http://127.0.0.1:{api}",
        LEAD_RATE_LIMIT="1000000/minute",  # the benchmark makes hundreds of leads a minute
        OUTBOX_DIR=str(workdir / "outbox"),
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions}/webhook",
        SANIC_HOST="127.0.0.1",
        RASA_CORS_ORIGINS=f"http://127.0.0.1:{api}",
        SANIC_WORKERS="1",
    )
    subprocess.run(
        [str(API_BIN / "alembic"), "-c", "api/alembic.ini", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    processes = Services()
    try:
        started = {
            "api_s": processes.start(
                bench_service(
                    "api",
                    api_command(api, "--no-access-log"),
                    f"http://127.0.0.1:{api}/health",
                    env,
                    logs,
                )
            ),
            "actions_s": processes.start(
                bench_service(
                    "actions",
                    actions_command(actions),
                    f"http://127.0.0.1:{actions}/health",
                    env,
                    logs,
                )
            ),
        }
        begun = time.perf_counter()
        processes.start(
            bench_service(
                "rasa",
                rasa_command(rasa, "--enable-api", "--auth-token", token),
                f"http://127.0.0.1:{rasa}/",
                env,
                logs,
            )
        )
        first = httpx.post(
            f"http://127.0.0.1:{rasa}/webhooks/rest/webhook",
            timeout=60,
            json={"sender": "bench-warm-up", "message": "hello"},
        )
        assert first.status_code == 200 and first.json(), first.text
        started["rasa_to_first_answer_s"] = time.perf_counter() - begun
    except BaseException:
        processes.stop_all()  # the caller only stops what this returns
        raise
    info = {
        "rasa": f"http://127.0.0.1:{rasa}",
        "rasa_port": rasa,
        "token": token,
        "leads_db": workdir / "leads.db",
        "started": {k: round(v, 1) for k, v in started.items()},
        "outbox": workdir / "outbox",
    }
    return processes, info


async def warm_up(rasa_url: str) -> Recorder:
    """One whole conversation first: the first lead's code paths load their data lazily."""
    recorder = Recorder()
    async with httpx.AsyncClient(timeout=60) as client:
        chat = Chat(rasa_url, client, recorder)
        await chat.faq_visitor(len(FAQ_TURNS))
        await chat.form_visitor()
    return recorder


async def _checked(rasa_url: str, conversations: int) -> Recorder:
    recorder = Recorder()
    async with httpx.AsyncClient(timeout=60) as client:
        chat = Chat(rasa_url, client, recorder)
        for n in range(conversations):
            await chat.faq_visitor(len(FAQ_TURNS), offset=n)
            await chat.form_visitor()
    return recorder


def checked_conversations(info: dict[str, Any], conversations: int) -> dict[str, Any]:
    """FAQ questions whose answer must hold a phrase, and whole consultation requests whose
    lead must then be in the database (or waiting in the outbox, which counts as lost here)."""
    recorder = asyncio.run(_checked(str(info["rasa"]), conversations))
    stored = _stored_conversations(Path(str(info["leads_db"])))
    lost = [sender for sender in recorder.completed_forms if sender not in stored]
    return {
        "turns": sum(len(values) for values in recorder.seconds.values()),
        "errors": len(recorder.errors),
        "error_examples": recorder.errors[:5],
        "leads_completed": len(recorder.completed_forms),
        "leads_lost": len(lost) + conversations - len(recorder.completed_forms),
    }


def _stored_conversations(database: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT conversation_id FROM leads")).all()
    engine.dispose()
    return {row[0] for row in rows}
