"""Since when a conversation holds details of a lead form that was never sent.

"Stop", a minor, a refused consent and a form that gave up erase what the visitor said from that
moment (actions.submit_lead); so does the sweep of abandoned forms (api.cli erase-abandoned). One
rule for both, read from the conversation's events as Rasa stores and sends them (dicts with
"event", "timestamp", "name", "value"):

- a form instance opens at the visitor message that started the form, or that gave a first
  detail before it (an introduction with a name and phone); a crisis that pauses the form and
  a later resume stay in the same instance, so nothing said before the crisis is kept;
- it closes when the lead is sent (action_submit_lead clears the form) or erased
  (action_cancel_lead); a submit that could not save the lead leaves the details, and the
  instance, open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from clinic.lead import QUESTIONS

FORM = "lead_form"
# Actions after which the form's details are gone from the slots (sent or erased) unless the
# action left them, which it does only when the lead could not be saved.
CLOSING_ACTIONS = frozenset({"action_submit_lead", "action_cancel_lead"})


def unsent_details_since(events: Iterable[Mapping[str, Any]]) -> float | None:
    """The time of the visitor message that opened the form instance still open, or None."""
    since: float | None = None
    last_user: float | None = None
    answered: set[str] = set()
    closing = False
    for event in events:
        kind, timestamp = event.get("event"), event.get("timestamp")
        if kind in ("user", "action") and closing:
            closing = False
            if not answered:
                since = None
        if kind == "user":
            last_user = timestamp
        elif kind == "active_loop" and event.get("name") == FORM and since is None:
            since = last_user if last_user is not None else timestamp
        elif kind == "slot" and event.get("name") in QUESTIONS:
            if event.get("value") is None:
                answered.discard(str(event.get("name")))
            else:
                answered.add(str(event.get("name")))
                if since is None:
                    since = last_user if last_user is not None else timestamp
        if kind == "action" and event.get("name") in CLOSING_ACTIONS:
            closing = True
    if closing and not answered:
        return None
    return since
