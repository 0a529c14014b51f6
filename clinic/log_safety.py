"""What may go into a log line about a conversation: a short hash of its id, never its text."""

from __future__ import annotations

import hashlib


def conversation_ref(sender_id: str) -> str:
    """A log-safe reference to a conversation (the same in every process's log)."""
    # surrogatepass: an id with a lone surrogate still gets its reference, never an error.
    return hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
