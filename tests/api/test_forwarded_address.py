"""Whose X-Forwarded-For the API believes (FORWARDED_ALLOW_IPS, read by uvicorn): nobody's by
default, so a client cannot pick a new address for every login guess. A real uvicorn process:
the header is handled by uvicorn's middleware, which a TestClient does not run."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.processes import Service, api_command, free_port, prepare_leads_database, stack_env

STAFF = ("front@clinic.example", "front desk passphrase 0123", "staff")


def guesses(tmp_path: Path, trusted: str) -> list[int]:
    port = free_port()
    env = stack_env(tmp_path, port, free_port(), free_port(), "forwarded-tests-token-0123")
    env.update(FORWARDED_ALLOW_IPS=trusted, LOGIN_ADDRESS_LIMIT="3/15minutes")
    prepare_leads_database(env, [STAFF])
    site = f"http://127.0.0.1:{port}"
    with Service("api", api_command(port), ready=f"{site}/health", env=env, log=tmp_path / "a.log"):
        return [
            httpx.post(
                f"{site}/api/auth/token",
                data={"username": f"nobody{n}@clinic.example", "password": "guess"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},  # a new address every time
            ).status_code
            for n in range(5)
        ]


def test_a_forged_forwarded_address_does_not_reset_the_address_limit(tmp_path: Path) -> None:
    assert guesses(tmp_path, "") == [401, 401, 401, 429, 429]


def test_the_header_of_a_listed_proxy_is_believed(tmp_path: Path) -> None:
    """What make run-scaled sets for HAProxy, which replaces the header (deploy/haproxy.cfg)."""
    assert guesses(tmp_path, "127.0.0.1") == [401] * 5
