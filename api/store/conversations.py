"""Reading Rasa's conversation store (its `events` table) from the API.

The lead page shows the transcript of the conversation that produced the lead, the summary
counts the FAQ topics visitors asked about, and the purge deletes old conversations. Rasa
writes the table (bot/tracker_store.py); the API only reads it and deletes old rows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, bindparam, inspect, text

from api.core.db import make_engine


_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Turn:
    at: datetime
    speaker: str  # "visitor" or "assistant"
    text: str


@contextmanager
def _events(db_url: str, write: bool = False) -> Iterator[Connection | None]:
    """A connection to the store, or None when Rasa has not created its table yet."""
    engine = make_engine(db_url)
    try:
        if not inspect(engine).has_table("events"):
            yield None
            return
        with (engine.begin() if write else engine.connect()) as connection:
            yield connection
    finally:
        engine.dispose()


def transcripts(db_url: str, conversation_ids: list[str]) -> list[tuple[str, list[Turn]]]:
    """Each conversation's turns, in the order of `conversation_ids`, through one connection."""
    with _events(db_url) as connection:
        rows = [] if connection is None else connection.execute(text(
            "SELECT sender_id, type_name, timestamp, data FROM events "
            "WHERE sender_id IN :senders AND type_name IN ('user', 'bot') ORDER BY id"
        ).bindparams(bindparam("senders", expanding=True)), {"senders": conversation_ids}).all()
    turns: dict[str, list[Turn]] = {conversation_id: [] for conversation_id in conversation_ids}
    for sender_id, type_name, timestamp, data in rows:
        message = (json.loads(data).get("text") or "").strip()
        if type_name == "bot":  # the widget's Markdown links, as the visitor saw them
            message = _MARKDOWN_LINK.sub(r"\1", message)
        if message and not message.startswith("/"):  # "/greet" is the widget opening, not words
            turns[sender_id].append(Turn(datetime.fromtimestamp(timestamp, timezone.utc),
                                         "visitor" if type_name == "user" else "assistant", message))
    return list(turns.items())


def faq_topics(db_url: str, since: datetime, limit: int = 10) -> list[tuple[str, int]]:
    """The FAQ topics visitors asked most since `since`, e.g. [("ketamine_cost", 12), ...]."""
    counts: Counter[str] = Counter()
    with _events(db_url) as connection:
        if connection is None:
            return []
        rows = connection.execute(text(
            "SELECT data FROM events WHERE type_name = 'user' AND intent_name = 'faq' "
            "AND timestamp >= :since"
        ), {"since": since.timestamp()})
        for (data,) in rows:
            selector = (json.loads(data).get("parse_data") or {}).get("response_selector") or {}
            key = ((selector.get("faq") or {}).get("response") or {}).get("intent_response_key")
            if key:
                counts[key.removeprefix("faq/")] += 1
    return counts.most_common(limit)


def delete_before(db_url: str, before: datetime) -> int:
    """Delete every stored conversation event older than `before`. Returns how many."""
    with _events(db_url, write=True) as connection:
        if connection is None:
            return 0
        result = connection.execute(text("DELETE FROM events WHERE timestamp < :before"),
                                    {"before": before.timestamp()})
        return int(result.rowcount or 0)
