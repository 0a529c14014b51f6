"""The command line the Makefile calls: make staff-user ROLE=admin, make purge-leads DAYS=."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from api.core.db import make_engine
from clinic.rasa_store import REMOVED
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


def test_erase_abandoned_sweeps_the_store_rasa_writes_without_the_apis_secrets(
    tmp_path: Path,
) -> None:
    store = tmp_path / "tracker.db"
    engine = make_engine(f"sqlite:///{store}")
    two_days_ago = time.time() - 2 * 86400
    events = [
        ("user", {"event": "user", "text": "i'm Dee Park 213 555 0147", "parse_data": {}}),
        ("active_loop", {"event": "active_loop", "name": "lead_form"}),
        ("slot", {"event": "slot", "name": "phone", "value": "2135550147"}),
    ]
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
        )
        for number, (kind, data) in enumerate(events):
            connection.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES ('visitor', :kind, :at, :data)"
                ),
                {"kind": kind, "at": two_days_ago + number, "data": json.dumps(data)},
            )
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("SECRET_KEY", "LEADS_SERVICE_TOKEN", "DATABASE_URL")
    }
    env.update(PYTHONPATH=str(ROOT), RASA_TRACKER_DIALECT="sqlite", RASA_TRACKER_DB=str(store))
    command = [sys.executable, "-m", "api.cli", "erase-abandoned"]
    kept = subprocess.run([*command, "--hours", "72"], env=env, capture_output=True, text=True)
    assert kept.returncode == 0, kept.stderr
    assert "erased: 0" in kept.stderr
    swept = subprocess.run(command, env=env, capture_output=True, text=True)
    assert swept.returncode == 0 and "erased: 1" in swept.stderr
    with engine.connect() as connection:
        stored = " ".join(connection.execute(text("SELECT data FROM events")).scalars())
    engine.dispose()
    assert "Dee Park" not in stored and "2135550147" not in stored and REMOVED in stored
    bad = subprocess.run([*command, "--hours", "0"], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "--hours" in bad.stderr
