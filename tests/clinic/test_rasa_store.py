"""The one reader and rewriter of Rasa's stored events, on a store shaped as Rasa makes it.

Runs in both environments (bot: SQLAlchemy 1.4, API: SQLAlchemy 2.x), since both import it. The
store is a SQLite file; with TEST_DATABASE_URL (a PostgreSQL server) every store test runs on a
fresh PostgreSQL database too, as the scaled set-up keeps conversations there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from clinic.lead import FORM_SLOTS
from clinic.rasa_store import (
    DEFAULT_SQLITE_DB,
    REMOVED,
    Turn,
    apply_erase_requests,
    delete_before,
    erase_abandoned_forms,
    erase_details,
    faq_topics,
    make_store_engine,
    redact_event,
    stored_events,
    tracker_url,
    transcripts,
    with_available_driver,
)
from tests.databases import fresh_database

# The table of rasa.core.tracker_store.SQLTrackerStore.SQLEvent, as its create_all makes it
# (an Integer primary key is SERIAL on PostgreSQL).
EVENTS_TABLE = (
    "CREATE TABLE events (id {id_type} NOT NULL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT)"
)
POSTGRES_SERVER = os.environ.get("TEST_DATABASE_URL")
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc).timestamp()


def user(
    text_: str,
    at: float,
    intent: str = "greet",
    confidence: float = 0.95,
    topic: str | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> tuple:
    parse: dict[str, Any] = {
        "text": text_,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
    }
    if topic:
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": topic, "confidence": confidence}}
        }
    return (
        "user",
        at,
        intent,
        None,
        {
            "event": "user",
            "timestamp": at,
            "text": text_,
            "parse_data": parse,
            "input_channel": "rest",
        },
    )


def bot(text_: str, at: float) -> tuple:
    return ("bot", at, None, None, {"event": "bot", "timestamp": at, "text": text_, "data": {}})


def slot(name: str, value: Any, at: float) -> tuple:
    data = {"event": "slot", "timestamp": at, "name": name, "value": value}
    return ("slot", at, None, None, data)


def action(name: str, at: float) -> tuple:
    return ("action", at, None, name, {"event": "action", "timestamp": at, "name": name})


def write(engine: Engine, sender_id: str, events: list[tuple]) -> None:
    with engine.begin() as connection:
        for type_name, at, intent_name, action_name, data in events:
            connection.execute(
                text(
                    "INSERT INTO events "
                    "(sender_id, type_name, timestamp, intent_name, action_name, data) "
                    "VALUES (:sender, :type, :at, :intent, :action, :data)"
                ),
                {
                    "sender": sender_id,
                    "type": type_name,
                    "at": at,
                    "intent": intent_name,
                    "action": action_name,
                    "data": json.dumps(data),
                },
            )


@pytest.fixture(params=["sqlite", "postgresql"] if POSTGRES_SERVER else ["sqlite"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database for the store: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    server = with_available_driver(str(POSTGRES_SERVER))
    with fresh_database(server, f"rasa_store_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest.fixture
def store(empty_store: str) -> str:
    """A store with two conversations, as Rasa would have written them."""
    url = empty_store
    engine = make_store_engine(url)
    id_type = "SERIAL" if engine.dialect.name == "postgresql" else "INTEGER"
    with engine.begin() as connection:
        connection.execute(text(EVENTS_TABLE.format(id_type=id_type)))
        connection.execute(text("CREATE INDEX ix_events_sender_id ON events (sender_id)"))
    write(
        engine,
        "visitor-a",
        [
            action("action_session_start", NOW),
            user("/greet", NOW + 1),
            bot("Hi! Ask me about [TMS](https://clinic.example/tms).", NOW + 2),
            user("how much is ketamine", NOW + 3, "faq", 0.9, "faq/ketamine_cost"),
            bot("Ketamine costs ...", NOW + 4),
            user(
                "I'm Jo Smith, 310-555-0123",
                NOW + 5,
                "inform",
                0.8,
                entities=[{"entity": "person", "value": "Jo Smith"}],
            ),
            slot("full_name", "Jo Smith", NOW + 6),
            slot("requested_slot", "phone", NOW + 6.5),
            bot("Thank you, Jo Smith", NOW + 7),
        ],
    )
    write(
        engine,
        "visitor-b",
        [
            user("what is tms", NOW - 86400 * 400, "faq", 0.97, "faq/what_is_tms"),
            user("price of ketamine?", NOW + 10, "faq", 0.88, "faq/ketamine_cost"),
            user("zorp blix", NOW + 11, "nlu_fallback", 0.2),
        ],
    )
    engine.dispose()
    return url


def rows(url: str) -> list[tuple[str, str, dict[str, Any]]]:
    return list(stored_events(url))


# --- the URL, from the settings Rasa reads ---------------------------------------------------
def test_a_full_rasa_tracker_url_wins_over_dialect_and_db() -> None:
    url = tracker_url(
        {
            "RASA_TRACKER_URL": "postgresql://app:s3cr%40t@db:5432/rasa",
            "RASA_TRACKER_DIALECT": "sqlite",
            "RASA_TRACKER_DB": "var/tracker.db",
        }
    )
    parsed = make_url(url)
    assert (parsed.get_backend_name(), parsed.host, parsed.port, parsed.database) == (
        "postgresql",
        "db",
        5432,
        "rasa",
    )
    assert (parsed.username, parsed.password) == ("app", "s3cr@t")  # never masked as ***
    # A driver this environment has: psycopg2 in the bot's, psycopg 3 in the API's.
    assert importlib.util.find_spec(parsed.get_driver_name()) is not None
    assert make_store_engine(url).dialect.driver == parsed.get_driver_name()


def test_without_settings_the_store_is_sqlite_var_tracker_db() -> None:
    assert tracker_url({}) == f"sqlite:///{DEFAULT_SQLITE_DB}"
    assert DEFAULT_SQLITE_DB.parts[-2:] == ("var", "tracker.db")
    empty_url = {
        "RASA_TRACKER_URL": "",
        "RASA_TRACKER_DIALECT": "sqlite",
        "RASA_TRACKER_DB": "var/tracker.db",
    }
    assert tracker_url(empty_url) == "sqlite:///var/tracker.db"


def test_dialect_db_host_and_credentials_build_a_server_url() -> None:
    url = make_url(
        tracker_url(
            {
                "RASA_TRACKER_DIALECT": "postgresql",
                "RASA_TRACKER_DB": "rasa",
                "RASA_TRACKER_HOST": "db.internal",
                "RASA_TRACKER_PORT": "5433",
                "RASA_TRACKER_USER": "app",
                "RASA_TRACKER_PASSWORD": "pw",
            }
        )
    )
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "db.internal",
        5433,
        "rasa",
        "app",
        "pw",
    )
    # Rasa reads a url without a scheme as the host, its port included.
    hosted = make_url(
        tracker_url(
            {
                "RASA_TRACKER_URL": "db.other:6543",
                "RASA_TRACKER_DIALECT": "postgresql",
                "RASA_TRACKER_DB": "r",
            }
        )
    )
    assert (hosted.host, hosted.port, hosted.database) == ("db.other", 6543, "r")


def test_a_postgresql_driver_missing_here_is_replaced_and_others_are_kept() -> None:
    for given in ("postgresql+psycopg2://h/d", "postgresql+psycopg://h/d", "postgres://h/d"):
        driver = make_url(with_available_driver(given)).get_driver_name()
        assert importlib.util.find_spec(driver) is not None, given
    assert with_available_driver("sqlite:///x.db") == "sqlite:///x.db"


# --- reading -----------------------------------------------------------------------------------
def test_transcripts_follow_the_order_asked_and_show_what_the_visitor_saw(store: str) -> None:
    [(first, b_turns), (second, a_turns), (third, none)] = transcripts(
        store, ["visitor-b", "visitor-a", "nobody"]
    )
    assert (first, second, third, none) == ("visitor-b", "visitor-a", "nobody", [])
    assert [(t.speaker, t.text) for t in a_turns] == [
        ("assistant", "Hi! Ask me about TMS."),  # the link's words, not its Markdown
        ("visitor", "how much is ketamine"),
        ("assistant", "Ketamine costs ..."),
        ("visitor", "I'm Jo Smith, 310-555-0123"),
        ("assistant", "Thank you, Jo Smith"),
    ]  # "/greet", the widget opening, is not a turn
    assert a_turns[0] == Turn(
        datetime.fromtimestamp(NOW + 2, timezone.utc), "assistant", "Hi! Ask me about TMS."
    )
    assert len(b_turns) == 3
    assert transcripts(store, []) == []


def test_faq_topics_count_questions_since_a_time(store: str) -> None:
    since = datetime.fromtimestamp(NOW - 86400, timezone.utc)
    assert faq_topics(store, since) == [("ketamine_cost", 2)]
    long_ago = since - timedelta(days=500)
    assert faq_topics(store, long_ago) == [("ketamine_cost", 2), ("what_is_tms", 1)]
    assert faq_topics(store, long_ago, limit=1) == [("ketamine_cost", 2)]


def test_the_event_stream_is_every_event_each_conversation_in_order(store: str) -> None:
    events = rows(store)
    assert [sender for sender, _, _ in events] == ["visitor-a"] * 9 + ["visitor-b"] * 3
    assert [kind for sender, kind, _ in events if sender == "visitor-a"][:4] == [
        "action",
        "user",
        "bot",
        "user",
    ]
    assert events[-1][2]["parse_data"]["intent"] == {"name": "nlu_fallback", "confidence": 0.2}


def test_a_store_rasa_has_not_created_reads_as_empty_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "not-yet" / "tracker.db"
    url = f"sqlite:///{missing}"
    assert transcripts(url, ["x"]) == [("x", [])]
    assert faq_topics(url, datetime.now(timezone.utc)) == []
    assert rows(url) == []
    assert delete_before(url, datetime.now(timezone.utc)) == 0
    assert erase_details(url, "x", 0.0) == 0
    assert not missing.exists() and not missing.parent.exists()
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = create_engine(empty)
    engine.connect().close()  # a file without Rasa's table
    engine.dispose()
    assert rows(empty) == [] and faq_topics(empty, datetime.now(timezone.utc)) == []


# --- writing -----------------------------------------------------------------------------------
def test_delete_before_removes_only_older_events(store: str) -> None:
    assert delete_before(store, datetime.fromtimestamp(NOW - 86400, timezone.utc)) == 1
    assert len(rows(store)) == 11
    assert "what is tms" not in json.dumps(rows(store))


def test_erase_redacts_one_conversation_from_a_time_on(store: str) -> None:
    assert erase_details(store, "visitor-a", NOW + 5) == 3  # requested_slot is bookkeeping
    assert erase_details(store, "visitor-a", NOW + 5) == 0  # nothing left to change
    events = rows(store)
    a = [(kind, data) for sender, kind, data in events if sender == "visitor-a"]
    texts = [data["text"] for kind, data in a if kind in ("user", "bot")]
    assert texts == [
        "/greet",
        "Hi! Ask me about [TMS](https://clinic.example/tms).",
        "how much is ketamine",
        "Ketamine costs ...",
        REMOVED,
        REMOVED,
    ]
    [redacted_user] = [data for kind, data in a if kind == "user" and data["text"] == REMOVED]
    assert redacted_user["parse_data"]["text"] == REMOVED
    assert redacted_user["parse_data"]["entities"] == []
    slots = {data["name"]: data["value"] for kind, data in a if kind == "slot"}
    assert slots == {"full_name": None, "requested_slot": "phone"}  # bookkeeping stays
    assert "Jo Smith" not in json.dumps(events) and "310-555-0123" not in json.dumps(events)
    # The other conversation is untouched.
    assert [data["text"] for sender, _, data in events if sender == "visitor-b"] == [
        "what is tms",
        "price of ketamine?",
        "zorp blix",
    ]


def test_erase_through_an_engine_the_caller_owns_leaves_it_open(store: str) -> None:
    engine = make_store_engine(store)
    assert erase_details(engine, "visitor-b", NOW) == 2
    with engine.connect() as connection:  # still usable: the caller's engine is not disposed
        assert connection.execute(text("SELECT count(*) FROM events")).scalar() == 12
    engine.dispose()
    assert [data["text"] for sender, _, data in rows(store) if sender == "visitor-b"] == [
        "what is tms",
        REMOVED,
        REMOVED,
    ]


def test_an_abandoned_form_is_erased_once_idle_and_a_sent_lead_is_kept(store: str) -> None:
    engine = make_store_engine(store)
    write(
        engine,
        "visitor-sent",
        [
            user("book a consultation, I'm Ana Ruiz", NOW + 20, "request_consultation"),
            ("active_loop", NOW + 21, None, None, {"event": "active_loop", "name": "lead_form"}),
            slot("full_name", "Ana Ruiz", NOW + 22),
            action("action_submit_lead", NOW + 23),
            slot("full_name", None, NOW + 23),
            action("action_listen", NOW + 24),
        ],
    )
    engine.dispose()
    last_of_a = datetime.fromtimestamp(NOW + 7, timezone.utc)
    assert erase_abandoned_forms(store, last_of_a) == 0  # visitor-a: not idle before its last event
    assert "Jo Smith" in json.dumps(rows(store))
    a_day_later = datetime.fromtimestamp(NOW + 86400, timezone.utc)
    assert erase_abandoned_forms(store, a_day_later) == 1
    events = rows(store)
    assert "Jo Smith" not in json.dumps(events) and "310-555-0123" not in json.dumps(events)
    of_a = [data for sender, kind, data in events if sender == "visitor-a" and "text" in data]
    assert [data["text"] for data in of_a][-3:] == [
        "Ketamine costs ...",
        REMOVED,
        REMOVED,
    ]
    assert "Ana Ruiz" in json.dumps(events)  # a lead's conversation stays for the staff
    assert erase_abandoned_forms(store, a_day_later) == 0  # nothing left: nothing rewritten


def test_an_erase_request_left_undone_is_carried_out_by_the_sweep(store: str) -> None:
    """The request was saved with its turn, then the erasure itself failed (a locked store)."""
    engine = make_store_engine(store)
    write(engine, "visitor-a", [slot("erase_details_since", NOW + 5, NOW + 8)])
    engine.dispose()
    assert "Jo Smith" in json.dumps(rows(store))
    assert apply_erase_requests(store) == 1
    assert "Jo Smith" not in json.dumps(rows(store))
    assert apply_erase_requests(store) == 0  # done: nothing rewritten
    assert "what is tms" in json.dumps(rows(store))  # other conversations untouched


def test_redaction_rule_per_event_type() -> None:
    assert redact_event("bot", {"text": "Thanks, Jo"})["text"] == REMOVED
    out_of_area = {
        "text": "Salinas is 256 miles from our nearest clinic",
        "metadata": {"utter_action": "utter_out_of_area", "place": "Salinas", "distance": "256"},
    }
    assert redact_event("bot", out_of_area)["metadata"] == {"utter_action": "utter_out_of_area"}
    for name in FORM_SLOTS:
        assert redact_event("slot", {"name": name, "value": "x"})["value"] is None
    assert redact_event("slot", {"name": "requested_slot", "value": "phone"})["value"] == "phone"
    assert redact_event("action", {"name": "utter_greet"}) == {"name": "utter_greet"}
    assert redact_event("user", {"text": "hi"}) == {
        "text": REMOVED,
        "parse_data": {"text": REMOVED, "entities": []},
    }
