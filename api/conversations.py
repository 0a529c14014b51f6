"""Reading Rasa's conversation store (its `events` table) from the API.

The lead page shows the transcript of the conversation that produced the lead, the summary
counts the FAQ topics visitors asked about, and the purge deletes old conversations. Rasa
writes the table (bot/tracker_store.py); the API only reads it and deletes old rows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, inspect, text

from api.db import make_engine


_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Turn:
    at: datetime
    speaker: str  # "visitor" or "assistant"
    text: str


def _has_events(engine: Engine) -> bool:
    return inspect(engine).has_table("events")


def transcript(db_url: str, conversation_id: str) -> list[Turn]:
    engine = make_engine(db_url)
    try:
        if not _has_events(engine):
            return []
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT type_name, timestamp, data FROM events "
                "WHERE sender_id = :sender AND type_name IN ('user', 'bot') ORDER BY id"
            ), {"sender": conversation_id}).all()
    finally:
        engine.dispose()
    turns = []
    for type_name, timestamp, data in rows:
        message = (json.loads(data).get("text") or "").strip()
        if type_name == "bot":  # the widget's Markdown links, as the visitor saw them
            message = _MARKDOWN_LINK.sub(r"\1", message)
        if message and not message.startswith("/"):  # "/greet" is the widget opening, not words
            turns.append(Turn(datetime.fromtimestamp(timestamp, timezone.utc),
                              "visitor" if type_name == "user" else "assistant", message))
    return turns


def faq_topics(db_url: str, since: datetime, limit: int = 10) -> list[tuple[str, int]]:
    """The FAQ topics visitors asked most since `since`, e.g. [("ketamine_cost", 12), ...]."""
    engine = make_engine(db_url)
    counts: Counter[str] = Counter()
    try:
        if not _has_events(engine):
            return []
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT data FROM events WHERE type_name = 'user' AND intent_name = 'faq' "
                "AND timestamp >= :since"
            ), {"since": since.timestamp()})
            for (data,) in rows:
                selector = (json.loads(data).get("parse_data") or {}).get("response_selector") or {}
                key = ((selector.get("faq") or {}).get("response") or {}).get("intent_response_key")
                if key:
                    counts[key.removeprefix("faq/")] += 1
    finally:
        engine.dispose()
    return counts.most_common(limit)


def delete_before(db_url: str, before: datetime) -> int:
    """Delete every stored conversation event older than `before`. Returns how many."""
    engine = make_engine(db_url)
    try:
        if not _has_events(engine):
            return 0
        with engine.begin() as connection:
            result = connection.execute(text("DELETE FROM events WHERE timestamp < :before"),
                                        {"before": before.timestamp()})
            return int(result.rowcount or 0)
    finally:
        engine.dispose()
