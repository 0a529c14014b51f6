"""The command line the Makefile calls: make staff-user ROLE=admin, make purge-leads DAYS=."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from api.core.db import make_engine
from tests.api.conftest import ROOT, migrate


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'leads.db'}",
        "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "SECRET_KEY": "cli-tests-secret-key-0123456789",
        "LEADS_SERVICE_TOKEN": "cli-tests-token-0123",
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )


def test_staff_user_takes_a_role_and_keeps_it_on_password_reset(tmp_path: Path) -> None:
    migrate(f"sqlite:///{tmp_path / 'leads.db'}")
    made = run(
        tmp_path,
        "staff-user",
        "--email",
        "Boss@Clinic.example",
        "--password",
        "x" * 14,
        "--role",
        "admin",
    )
    assert made.returncode == 0 and "Created admin account boss@clinic.example" in made.stdout
    reset = run(tmp_path, "staff-user", "--email", "boss@clinic.example", "--password", "y" * 14)
    assert "Reset the password of admin account" in reset.stdout
    bad = run(tmp_path, "staff-user", "--email", "a@b.c", "--password", "y" * 14, "--role", "owner")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'leads.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT email, role FROM staff_users")).all() == [
            ("boss@clinic.example", "admin")
        ]
    engine.dispose()


def test_purge_says_how_many_it_deleted(tmp_path: Path) -> None:
    migrate(f"sqlite:///{tmp_path / 'leads.db'}")
    done = run(tmp_path, "purge", "--days", "30")
    assert (
        done.returncode == 0
        and "Deleted 0 leads and 0 stored conversation events older than 30 days" in done.stdout
    )
    assert run(tmp_path, "purge", "--days", "0").returncode == 2
