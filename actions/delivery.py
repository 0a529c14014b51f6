"""One delivery of a lead, shared by the submit action and the outbox: when the API refuses
some fields (422), the lead is sent again without them, with a note saying which and why, so
that staff still get the person's request and can ask again for what was lost."""

from __future__ import annotations

import time
from typing import Any

from actions.leads_client import UNPROCESSABLE, LeadDeliveryError, LeadsClient
from clinic.lead import TEXT_LIMITS

# Without these a lead is no request from a person: a refusal of one of them is final.
ESSENTIAL = frozenset({"conversation_id", "full_name", "treatment_interest", "contact_consent"})
# Fields the API checks together: one refused, all go.
TOGETHER = (frozenset({"crisis_tier", "crisis_category", "crisis_turn"}),)


def without_refused(lead: dict[str, Any], refused: dict[str, str]) -> dict[str, Any] | None:
    """The lead without the refused fields and with a delivery note, or None when what was
    refused cannot be left out (an essential field, the lead as a whole, or an unknown one)."""
    if not refused or ESSENTIAL & refused.keys() or not refused.keys() <= lead.keys():
        return None
    dropped = set(refused)
    for group in TOGETHER:
        if group & dropped:
            dropped |= group
    trimmed = {name: (None if name in dropped else value) for name, value in lead.items()}
    reasons = "; ".join(f"{name}: {reason}" for name, reason in sorted(refused.items()))
    trimmed["delivery_note"] = f"Sent without {', '.join(sorted(dropped))} ({reasons})"[
        : TEXT_LIMITS["delivery_note"]
    ]
    return trimmed


async def deliver(
    client: LeadsClient, lead: dict[str, Any], key: str, budget_seconds: float | None = None
) -> dict[str, Any]:
    """Store the lead; on a 422, once more without what was refused, within the same budget.
    Raises LeadDeliveryError."""
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    try:
        return await client.submit(lead, key, budget_seconds)
    except LeadDeliveryError as exc:
        trimmed = without_refused(lead, exc.refused) if exc.status == UNPROCESSABLE else None
        if trimmed is None:
            raise
    left = None if deadline is None else deadline - time.monotonic()
    if left is not None and left <= 0:
        # Retryable: the outbox sends the lead again, and trims it again on the same 422.
        raise LeadDeliveryError("No time left to send the lead without the refused fields")
    return await client.submit(trimmed, key, left)
