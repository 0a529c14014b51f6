"""`make bench`: latency, throughput, start-up, memory and training time of the assistant as
`make run` starts it (SQLite, one process each), and the leads API on SQLite and PostgreSQL.
Writes reports/bench.json and reports/bench.md (the README table).

Two kinds of visitor. A paced visitor takes 2 to 6 s to read an answer and type the next
message (real visitors take longer): "20 conversations" are 20 people chatting at once, and
the targets are read on these. A closed-loop visitor sends its next message the moment the
answer arrives, so 20 of them keep 20 messages in flight: the stress figures, and the 60 s
throughput run (50 closed-loop visitors) measures capacity. Latency is measured after a
warm-up conversation (start-up is measured on its own). The load generator runs on the same
2-core machine and takes some of its CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench import lead_api
from bench.load import FAQ_TURNS, Chat, Recorder, parse_only
from bench.processes import API_BIN, BOT_BIN, MODEL, ROOT, base_env, bench_service, resident_mib
from bench.table import markdown
from tests.processes import Services, free_port

TARGETS_MS = {
    ("faq_1", "p95_ms"): 100,
    ("faq_20", "p95_ms"): 300,
    ("form_1", "p95_ms"): 150,
    ("submit_1", "p95_ms"): 150,
}
PAUSE = (2.0, 6.0)  # seconds a paced visitor takes between messages
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")


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
                    [
                        str(API_BIN / "uvicorn"),
                        "api.main:create_app",
                        "--factory",
                        "--port",
                        str(api),
                        "--no-access-log",
                    ],
                    f"http://127.0.0.1:{api}/health",
                    env,
                    logs,
                )
            ),
            "actions_s": processes.start(
                bench_service(
                    "actions",
                    [
                        str(BOT_BIN / "python"),
                        "-m",
                        "rasa_sdk",
                        "--actions",
                        "actions",
                        "--port",
                        str(actions),
                    ],
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
                [
                    str(BOT_BIN / "rasa"),
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
                    str(rasa),
                    "--enable-api",
                    "--auth-token",
                    token,
                ],
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
        "token": token,
        "leads_db": workdir / "leads.db",
        "started": {k: round(v, 1) for k, v in started.items()},
        "outbox": workdir / "outbox",
    }
    return processes, info


async def warm_up(info: dict[str, object]) -> None:
    """One whole conversation first: the first lead's code paths load their data lazily."""
    async with httpx.AsyncClient(timeout=60) as client:
        chat = Chat(str(info["rasa"]), client, Recorder())
        await chat.faq_visitor(len(FAQ_TURNS))
        await chat.form_visitor()


async def latency(
    info: dict[str, object],
    visitors: int,
    recorder: Recorder,
    kind: str,
    pause: tuple[float, float] | None,
) -> None:
    rasa = str(info["rasa"])
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as client:
        chat = Chat(rasa, client, recorder, pause)
        if kind == "faq":
            await asyncio.gather(
                *(chat.faq_visitor(48 if visitors == 1 else 16, offset=v) for v in range(visitors))
            )
        elif kind == "form":
            for _ in range(8 if visitors == 1 else 1):
                await asyncio.gather(*(chat.form_visitor() for _ in range(visitors)))
        else:
            texts = [question for question, _ in FAQ_TURNS] * (6 if visitors == 1 else 2)
            await asyncio.gather(
                *(
                    parse_only(rasa, str(info["token"]), texts, client, recorder, pause)
                    for _ in range(visitors)
                )
            )


async def throughput(info: dict[str, object], visitors: int, seconds: float) -> dict[str, Any]:
    """Visitors loop (two questions, then a whole consultation request) until time is up."""
    recorder = Recorder()
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as client:
        chat = Chat(str(info["rasa"]), client, recorder)

        async def visitor(v: int) -> None:
            loop = 0
            while time.perf_counter() < deadline:
                await chat.faq_visitor(2, offset=v + loop)
                await chat.form_visitor()
                loop += 1

        started = time.perf_counter()
        await asyncio.gather(*(visitor(v) for v in range(visitors)))
        elapsed = time.perf_counter() - started
    turns = sum(len(values) for values in recorder.seconds.values())
    stored = _stored_conversations(Path(str(info["leads_db"])))
    outbox = Path(str(info["outbox"]))
    waiting = len(list(outbox.glob("*.json"))) if outbox.exists() else 0
    lost = [sender for sender in recorder.completed_forms if sender not in stored]
    return {
        "visitors": visitors,
        "start_window_s": seconds,
        "seconds": round(elapsed, 1),
        "turns": turns,
        "turns_per_s": round(turns / elapsed, 1),
        "errors": len(recorder.errors),
        "error_examples": recorder.errors[:5],
        "leads_completed": len(recorder.completed_forms),
        "leads_stored": len(recorder.completed_forms) - len(lost),
        "leads_lost": len(lost),
        "leads_in_outbox": waiting,
        "faq_turns": recorder.summary("faq"),
        "form_turns": recorder.summary("form"),
        "submit_turns": recorder.summary("submit"),
    }


def _stored_conversations(database: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT conversation_id FROM leads")).all()
    engine.dispose()
    return {row[0] for row in rows}


def training_time(workdir: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            str(BOT_BIN / "rasa"),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(workdir / "models"),
            "--force",
        ],
        cwd=ROOT,
        env=base_env(),
        check=True,
        capture_output=True,
    )
    return round(time.perf_counter() - started, 1)


def lead_api_figures(workdir: Path, logs: Path, seconds: float) -> dict[str, object]:
    figures: dict[str, object] = {
        "sqlite": lead_api.measure(f"sqlite:///{workdir / 'api.db'}", logs, seconds)
    }
    name = f"bench_leads_{secrets.token_hex(4)}"
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any failure: the report says why PostgreSQL is missing
        figures["postgresql"] = {"skipped": f"no PostgreSQL at {POSTGRES}: {type(error).__name__}"}
        return figures
    try:
        figures["postgresql"] = lead_api.measure(f"{POSTGRES}/{name}", logs, seconds)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.json")
    parser.add_argument("--seconds", type=float, default=60, help="length of the throughput run")
    parser.add_argument("--skip-training", action="store_true", help="do not time `rasa train`")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    logs = workdir / "logs"
    logs.mkdir()
    report: dict[str, object] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        },
        "load_model": {
            "paced": f"visitors pause {PAUSE[0]}-{PAUSE[1]} s between messages",
            "closed": "visitors send the next message as soon as the answer arrives",
            "throughput": "closed loop, 50 visitors",
        },
    }
    runs: dict[str, dict[str, Any]] = {}
    flow: dict[str, Any] = {}
    processes, info = start_assistant(workdir, logs)
    try:
        report["startup_s"] = info["started"]
        asyncio.run(warm_up(info))
        for visitors, pause, suffix in ((1, None, ""), (20, PAUSE, ""), (20, None, "_closed")):
            for kind in ("parse", "faq", "form"):
                recorder = Recorder()
                asyncio.run(latency(info, visitors, recorder, kind, pause))
                for recorded in recorder.seconds:
                    runs[f"{recorded}_{visitors}{suffix}"] = recorder.summary(recorded) | {
                        "errors": len(recorder.errors)
                    }
                print(
                    f"  {kind}, {visitors} visitors{suffix}: {len(recorder.errors)} errors",
                    flush=True,
                )
        for run in ("1", "20", "20_closed"):
            faq, parse = runs[f"faq_{run}"], runs[f"parse_{run}"]
            faq["vs_parse_p50"] = round(float(faq["p50_ms"]) / float(parse["p50_ms"]), 2)
        report["latency"] = runs
        flow = report["throughput"] = asyncio.run(throughput(info, 50, args.seconds))
        print("  throughput: done", flush=True)
        report["resident_mib"] = resident_mib(processes)
    finally:
        processes.stop_all()
    report["lead_api"] = lead_api_figures(workdir, logs, seconds=10)
    print("  lead API: done", flush=True)
    if not args.skip_training:
        report["training_s"] = training_time(workdir)
    report["targets"] = [
        {
            "figure": f"{run}.{stat}",
            "limit_ms": limit,
            "value_ms": runs[run][stat],
            "met": float(runs[run][stat]) < limit,
        }
        for (run, stat), limit in TARGETS_MS.items()
    ] + [
        {"figure": f"throughput.{name}", "limit": 0, "value": flow[name], "met": flow[name] == 0}
        for name in ("errors", "leads_lost")
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    args.out.with_suffix(".md").write_text(markdown(report))
    print(args.out.with_suffix(".md").read_text())
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
