"""`make review` on the scaled set-up: the trainers' queue comes from the PostgreSQL store that
RASA_TRACKER_URL names, as Rasa itself uses it, not from the SQLite file of
RASA_TRACKER_DIALECT/RASA_TRACKER_DB. Runs under the API environment's pytest; the store is
written and the review collected by bot-environment processes, as in production."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine.url import make_url

from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]
BOT_PY = ROOT / ".venv" / "bot" / "bin" / "python"
SERVER = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# Rasa's tracker store, made from endpoints.yml with this environment, saves one conversation.
WRITE_CONVERSATION = """
import asyncio, sys
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

config = read_endpoint_config("endpoints.yml", endpoint_type="tracker_store")
store = TrackerStore.create(config)
assert type(store).__name__ == "RedactingSQLTrackerStore", type(store)
assert store.engine.dialect.name == "postgresql", store.engine.url

def said(text, intent, confidence):
    parsed = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    return UserUttered(text, parsed["intent"], [], parsed, input_channel="rest")

tracker = DialogueStateTracker.from_events(sys.argv[1], [
    said("hello there", "greet", 0.99),
    BotUttered("Hi! How can I help?"),
    said("does the wobbly magnet thing hurt", "affirm", 0.31),
    BotUttered("Sorry, I didn't get that."),
])
asyncio.run(store.save(tracker))
"""


@pytest.fixture
def rasa_tracker_url() -> Iterator[str]:
    """A fresh PostgreSQL database, as RASA_TRACKER_URL names it in `make run-scaled`
    (postgresql://..., no driver: each environment picks its own)."""
    with fresh_database(SERVER, f"review_pg_{uuid.uuid4().hex[:12]}") as url:
        yield make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def bot_env(tracker_url: str, decoy: Path) -> dict[str, str]:
    """The scaled run's settings, with a SQLite store at RASA_TRACKER_DB that must not be read."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_TRACKER_URL": tracker_url,
        "RASA_TRACKER_DIALECT": "sqlite",
        "RASA_TRACKER_DB": str(decoy),
        # The rest of endpoints.yml, which Rasa reads whole.
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "RASA_LOCK_STORE": "in_memory",
        "RASA_REDIS_HOST": "127.0.0.1",
        "RASA_REDIS_PORT": "6379",
        "RASA_REDIS_DB": "1",
    }


def decoy_store(path: Path) -> None:
    """A SQLite store in Rasa's shape holding a poorly understood message of its own."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER NOT NULL PRIMARY KEY, sender_id "
            "VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp "
            "FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        )
        connection.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) VALUES "
            "('old', 'user', 1.0, 'nlu_fallback', '{\"text\": \"message from the sqlite file\", "
            '"parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.1}}}\')'
        )
    connection.close()


def test_make_review_reads_the_postgresql_store_of_rasa_tracker_url(
    rasa_tracker_url: str, tmp_path: Path
) -> None:
    decoy = tmp_path / "tracker.db"
    decoy_store(decoy)
    env = bot_env(rasa_tracker_url, decoy)
    sender = f"visitor-{uuid.uuid4().hex[:8]}"
    written = subprocess.run(
        [str(BOT_PY), "-c", WRITE_CONVERSATION, sender],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert written.returncode == 0, written.stderr[-3000:]

    queue = tmp_path / "review.yml"
    review = [str(BOT_PY), "-m", "tools.review", "collect", "--queue", str(queue)]
    collected = subprocess.run(
        review, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    assert "1 messages need a look" in collected.stdout

    messages = yaml.safe_load(queue.read_text(encoding="utf-8"))["messages"]
    assert messages == [
        {
            "text": "does the wobbly magnet thing hurt",
            "predicted": "affirm (0.31)",
            "seen": 1,
            "intent": None,
        }
    ]
