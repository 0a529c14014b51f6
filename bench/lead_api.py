"""Requests per second of the leads API alone (one uvicorn process), on SQLite and on
PostgreSQL: POST /api/leads as the action server sends it, GET /api/leads as the staff console
reads it, and GET /health as the baseline (the framework without the database)."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench.processes import base_env, bench_service
from tests.processes import Services, api_command, free_port, prepare_leads_database

SERVICE_TOKEN = "bench-service-token-0123456789"
STAFF = ("bench@clinic.example", "bench staff passphrase 0123")
CONCURRENCY = 10
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _lead(n: int) -> dict[str, object]:
    return {
        "conversation_id": f"bench-{n}",
        "full_name": "Robin Okafor",
        "phone": None,
        "email": f"visitor{n}@example.com",
        "zip_code": "90401",
        "treatment_interest": "spravato",
        "contact_consent": True,
        "consent_email": True,
    }


Sender = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def _rate(send: Sender, seconds: float) -> dict[str, float | int]:
    counter = itertools.count()
    done, errors = 0, 0
    deadline = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done, errors
        while time.perf_counter() < deadline:
            response = await send(client, next(counter))
            if response.is_success:
                done += 1
            else:
                errors += 1

    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    return {
        "rps": round(done / (time.perf_counter() - started), 1),
        "requests": done,
        "errors": errors,
    }


def measure(database_url: str, logs: Path, seconds: float) -> dict[str, object]:
    env = base_env(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-secret-key-0123456789abcdef",
        LEADS_SERVICE_TOKEN=SERVICE_TOKEN,
        LEAD_RATE_LIMIT="1000000/minute",
    )
    prepare_leads_database(env, [(STAFF[0], STAFF[1], "staff")])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes = Services()
    try:
        processes.start(
            bench_service(
                "api",
                api_command(port, "--no-access-log"),
                f"{base}/health",
                env,
                logs,
            )
        )
        token = httpx.post(
            f"{base}/api/auth/token", data={"username": STAFF[0], "password": STAFF[1]}
        ).json()["access_token"]
        service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
        staff = {"Authorization": f"Bearer {token}"}

        async def post(client: httpx.AsyncClient, n: int) -> httpx.Response:
            return await client.post(
                f"{base}/api/leads",
                json=_lead(n),
                headers={**service, "Idempotency-Key": f"bench-key-{n}"},
            )

        async def get(client: httpx.AsyncClient, n: int) -> httpx.Response:
            return await client.get(f"{base}/api/leads?limit=20&offset={n % 5 * 20}", headers=staff)

        async def health(client: httpx.AsyncClient, n: int) -> httpx.Response:
            return await client.get(f"{base}/health")

        return {
            "post_leads": asyncio.run(_rate(post, seconds)),
            "get_leads": asyncio.run(_rate(get, seconds)),
            "baseline_get_health": asyncio.run(_rate(health, seconds)),
            "concurrency": CONCURRENCY,
        }
    finally:
        processes.stop_all()


def figures(workdir: Path, logs: Path, seconds: float) -> dict[str, object]:
    found: dict[str, object] = {"sqlite": measure(f"sqlite:///{workdir / 'api.db'}", logs, seconds)}
    name = f"bench_leads_{secrets.token_hex(4)}"
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any failure: the report says why PostgreSQL is missing
        found["postgresql"] = {"skipped": f"no PostgreSQL at {POSTGRES}: {type(error).__name__}"}
        return found
    try:
        found["postgresql"] = measure(f"{POSTGRES}/{name}", logs, seconds)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return found
