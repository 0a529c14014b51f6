"""Rasa's conversation store, read and rewritten in one place: its `events` table.

Rasa's SQL tracker store keeps one row per event: id, sender_id (the conversation), type_name
("user", "bot", "slot", ...), timestamp (seconds since the epoch, a float), intent_name,
action_name, and data (the event as JSON text). Everything else in the project that looks at
stored conversations goes through this module:

- the API: `transcripts` for the lead page, `faq_topics` for the staff summary and
  `delete_before` for the retention purge;
- the trainers' review queue (tools/review.py): `stored_events`, on the store `tracker_url`
  finds from the settings Rasa itself is configured with (endpoints.yml);
- the Rasa server's store (bot/tracker_store.py): `erase_details` when a visitor asks to be
  forgotten.

SQLAlchemy Core and `text()` only, so the same code runs on the bot environment's SQLAlchemy
1.4 and the API's 2.x. A store is given as a URL (an engine is made and disposed per call) or as
an engine the caller owns, such as the Rasa store's own.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import NoSuchModuleError

from clinic.lead import FORM_SLOTS
from clinic.unsent_details import unsent_details_since

ROOT = Path(__file__).resolve().parents[1]
# Where Rasa keeps conversations when nothing else is configured (.env.example).
DEFAULT_SQLITE_DB = ROOT / "var" / "tracker.db"
TABLE = "events"

# A URL, or an engine owned by the caller (left open).
Store: TypeAlias = str | URL | Engine

# What a redacted message reads; the slots whose values are erased: the form's own list, so a
# question added to the form is erased too.
REMOVED = "[removed at the visitor's request]"
DETAIL_SLOTS = frozenset(FORM_SLOTS)
# The slot an action sets to ask for an erasure from that time on (bot/tracker_store.py).
ERASE_SLOT = "erase_details_since"
# What a redacted bot event's metadata keeps: the name of the response, never its parameters.
RESPONSE_NAMES = ("utter_action", "template", "template_name")

_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# PostgreSQL drivers SQLAlchemy may use, in order of preference, with the module each needs:
# the bot environment has psycopg2 (Rasa's), the API environment psycopg 3.
_POSTGRES_DRIVERS = (("psycopg2", "psycopg2"), ("psycopg", "psycopg"))
_POSTGRES_BACKENDS = ("postgresql", "postgres")


# --- where the store is ------------------------------------------------------------------------
def tracker_url(env: Mapping[str, str] | None = None) -> str:
    """The store's SQLAlchemy URL from the settings endpoints.yml gives Rasa.

    RASA_TRACKER_URL wins when it is a full URL. Otherwise, as Rasa does, the URL is built from
    RASA_TRACKER_DIALECT (default sqlite) and RASA_TRACKER_DB (default var/tracker.db), with
    RASA_TRACKER_HOST/PORT/USER/PASSWORD for a server; a RASA_TRACKER_URL without a scheme is
    the host, as Rasa reads it. A PostgreSQL URL gets a driver this environment has.
    """
    env = os.environ if env is None else env
    url = (env.get("RASA_TRACKER_URL") or "").strip()
    if "://" in url:
        return with_available_driver(url)
    host = url or env.get("RASA_TRACKER_HOST") or None
    port = int(env["RASA_TRACKER_PORT"]) if env.get("RASA_TRACKER_PORT") else None
    if host:  # "db.example:5433" carries its own port, as Rasa allows
        parsed = urlsplit(f"scheme://{host}")
        port, host = parsed.port or port, parsed.hostname or host
    built = URL.create(
        env.get("RASA_TRACKER_DIALECT") or "sqlite",
        username=env.get("RASA_TRACKER_USER") or None,
        password=env.get("RASA_TRACKER_PASSWORD") or None,
        host=host,
        port=port,
        database=env.get("RASA_TRACKER_DB") or str(DEFAULT_SQLITE_DB),
    )
    return with_available_driver(built)


def with_available_driver(url: str | URL) -> str:
    """The URL as a string, a PostgreSQL one using a driver installed here.

    `postgresql://` means psycopg2 to SQLAlchemy, which the API environment lacks, and
    `postgresql+psycopg://` is unknown to SQLAlchemy 1.4: the same setting must work in both.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() in _POSTGRES_BACKENDS:
        driver = parsed.get_driver_name() if "+" in parsed.drivername else ""
        if not _driver_works(driver):
            chosen = next((d for d, _ in _POSTGRES_DRIVERS if _driver_works(d)), None)
            if chosen is not None:
                parsed = parsed.set(drivername=f"postgresql+{chosen}")
    # render_as_string: str() of a URL hides the password on SQLAlchemy 2.
    return parsed.render_as_string(hide_password=False)


def _driver_works(driver: str) -> bool:
    module = dict(_POSTGRES_DRIVERS).get(driver)
    if module is None or importlib.util.find_spec(module) is None:
        return False
    try:
        URL.create(f"postgresql+{driver}").get_dialect()
    except NoSuchModuleError:  # a driver this SQLAlchemy does not know (psycopg 3 on 1.4)
        return False
    return True


def make_store_engine(url: str | URL) -> Engine:
    """An engine on the store, with the PostgreSQL schema Rasa uses (POSTGRESQL_SCHEMA); its
    errors never carry the stored messages they were writing (hide_parameters)."""
    fitted = with_available_driver(url)
    schema = os.environ.get("POSTGRESQL_SCHEMA")
    if schema and make_url(fitted).get_backend_name() in _POSTGRES_BACKENDS:
        return create_engine(
            fitted, connect_args={"options": f"-csearch_path={schema}"}, hide_parameters=True
        )
    return create_engine(fitted, hide_parameters=True)


def _missing_sqlite_file(url: str | URL) -> bool:
    """A SQLite store Rasa has not created yet: reading it must not create the file."""
    parsed = make_url(url) if isinstance(url, str) else url
    database = parsed.database or ""
    return (
        parsed.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).exists()
    )


@contextmanager
def _events(store: Store, write: bool = False) -> Iterator[Connection | None]:
    """A connection to the store (a transaction when writing), or None when it has no events."""
    if not isinstance(store, Engine) and _missing_sqlite_file(store):
        yield None
        return
    engine = store if isinstance(store, Engine) else make_store_engine(store)
    try:
        if not inspect(engine).has_table(TABLE):
            yield None
            return
        with engine.begin() if write else engine.connect() as connection:
            yield connection
    finally:
        if engine is not store:
            engine.dispose()


# --- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Turn:
    at: datetime
    speaker: str  # "visitor" or "assistant"
    text: str


def shown_text(text: str | None) -> str:
    """A message as the transcript shows it, or "" when it shows none: "/greet" (the widget's
    opening) and a button's payload ("/affirm") are no one's words. The action server numbers
    the visitor's messages by the same rule (actions/crisis_record.py)."""
    message = (text or "").strip()
    return "" if message.startswith("/") else message


def transcripts(store: Store, conversation_ids: list[str]) -> list[tuple[str, list[Turn]]]:
    """Each conversation's turns, in the order of `conversation_ids`, through one connection."""
    turns: dict[str, list[Turn]] = {conversation_id: [] for conversation_id in conversation_ids}
    if not conversation_ids:
        return []
    with _events(store) as connection:
        rows = (
            []
            if connection is None
            else connection.execute(
                text(
                    "SELECT sender_id, type_name, timestamp, data FROM events "
                    "WHERE sender_id IN :senders AND type_name IN ('user', 'bot') ORDER BY id"
                ).bindparams(bindparam("senders", expanding=True)),
                {"senders": conversation_ids},
            ).all()
        )
    for sender_id, type_name, timestamp, data in rows:
        message = json.loads(data).get("text") or ""
        if type_name == "bot":  # the widget's Markdown links, as the visitor saw them
            message = _MARKDOWN_LINK.sub(r"\1", message)
        message = shown_text(message)
        if message:
            speaker = "visitor" if type_name == "user" else "assistant"
            at = datetime.fromtimestamp(timestamp, timezone.utc)
            turns[sender_id].append(Turn(at, speaker, message))
    return list(turns.items())


def faq_response(parse_data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The FAQ response selector's choice in a user event's parse_data ({} when none):
    intent_response_key ("faq/ketamine_cost") and confidence."""
    selector = parse_data.get("response_selector") or {}
    return (selector.get("faq") or {}).get("response") or {}


def faq_topics(store: Store, since: datetime, limit: int = 10) -> list[tuple[str, int]]:
    """The FAQ topics visitors asked most since `since`, e.g. [("ketamine_cost", 12), ...]."""
    counts: Counter[str] = Counter()
    with _events(store) as connection:
        if connection is None:
            return []
        rows = connection.execute(
            text(
                "SELECT data FROM events WHERE type_name = 'user' AND intent_name = 'faq' "
                "AND timestamp >= :since"
            ),
            {"since": since.timestamp()},
        )
        for (data,) in rows:
            key = faq_response(json.loads(data).get("parse_data") or {}).get("intent_response_key")
            if key:
                counts[key.removeprefix("faq/")] += 1
    return counts.most_common(limit)


def stored_events(store: Store) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(conversation, event type, event data) of every stored event, each conversation's in
    the order they happened; read as iterated, so a large store is never all in memory."""
    with _events(store) as connection:
        if connection is None:
            return
        rows = connection.execute(
            text("SELECT sender_id, type_name, data FROM events ORDER BY sender_id, id")
        )
        for sender_id, type_name, data in rows:
            yield sender_id, type_name, json.loads(data)


# --- writing ------------------------------------------------------------------------------------
def delete_before(store: Store, before: datetime) -> int:
    """Delete every stored conversation event older than `before`. Returns how many."""
    with _events(store, write=True) as connection:
        if connection is None:
            return 0
        result = connection.execute(
            text("DELETE FROM events WHERE timestamp < :before"), {"before": before.timestamp()}
        )
        return int(result.rowcount or 0)


def redact_event(type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The stored event without the visitor's words or details (changes and returns `data`)."""
    if type_name == "user":
        data["text"] = REMOVED
        parse_data = data.get("parse_data") or {}
        parse_data.update({"text": REMOVED, "entities": []})
        data["parse_data"] = parse_data
    elif type_name == "bot":  # the assistant repeats details back ("Thank you, Jo Smith")
        data["text"] = REMOVED
        # The response's parameters travel in its metadata ("place": the visitor's town);
        # which response it was stays (the crisis record reads it).
        metadata = data.get("metadata")
        if isinstance(metadata, dict):
            data["metadata"] = {key: metadata[key] for key in RESPONSE_NAMES if key in metadata}
    elif type_name == "slot" and data.get("name") in DETAIL_SLOTS:
        data["value"] = None
    return data


def erase_details(store: Store, sender_id: str, since: float) -> int:
    """Redact one conversation's stored events from `since` (epoch seconds) on, in one
    transaction. Returns how many events changed (none when they were redacted before)."""
    with _events(store, write=True) as connection:
        if connection is None:
            return 0
        rows = connection.execute(
            text(
                "SELECT id, type_name, data FROM events "
                "WHERE sender_id = :sender AND timestamp >= :since ORDER BY id"
            ),
            {"sender": sender_id, "since": since},
        ).all()
        update = text("UPDATE events SET data = :data WHERE id = :id")
        changed = 0
        for event_id, type_name, data in rows:
            event = json.loads(data)
            redacted = redact_event(type_name, json.loads(data))
            if redacted != event:
                connection.execute(update, {"id": event_id, "data": json.dumps(redacted)})
                changed += 1
        return changed


def erase_abandoned_forms(store: Store, idle_before: datetime) -> int:
    """Erase the unsent form details (clinic.unsent_details) of every conversation with nothing
    new since `idle_before`. Returns how many conversations had something erased."""
    cutoff = idle_before.timestamp()
    abandoned: list[tuple[str, float]] = []
    with _events(store) as connection:
        if connection is None:
            return 0
        idle = (
            text(
                "SELECT sender_id, type_name, timestamp, data FROM events WHERE sender_id IN "
                "(SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff)"
                " ORDER BY sender_id, id"
            ),
            {"cutoff": cutoff},
        )
        for sender_id, rows in groupby(connection.execute(*idle), key=lambda row: row[0]):
            since = unsent_details_since(
                {**json.loads(data), "event": type_name, "timestamp": timestamp}
                for _, type_name, timestamp, data in rows
            )
            if since is not None:
                abandoned.append((sender_id, since))
    # Written after the read: SQLite allows one writer, and the read holds a connection.
    return sum(erase_details(store, sender_id, since) > 0 for sender_id, since in abandoned)


def apply_erase_requests(store: Store) -> int:
    """Erase again from every erase request the store holds (the `erase_details_since` slot
    an action sets): a request whose erasure failed after its turn was saved is carried out
    now. Returns how many conversations had something left to erase."""
    requests: set[tuple[str, float]] = set()
    with _events(store) as connection:
        if connection is None:
            return 0
        rows = connection.execute(
            text("SELECT sender_id, data FROM events WHERE type_name = 'slot' AND data LIKE :slot"),
            {"slot": f'%"{ERASE_SLOT}"%'},
        )
        for sender_id, data in rows:
            event = json.loads(data)
            value = event.get("value")
            if event.get("name") == ERASE_SLOT and isinstance(value, (int, float)):
                requests.add((sender_id, float(value)))
    changed = {sender for sender, since in sorted(requests) if erase_details(store, sender, since)}
    return len(changed)
