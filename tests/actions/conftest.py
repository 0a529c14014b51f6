"""Tracker and dispatcher fixtures for action tests (no Rasa server, no network)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

TrackerFactory = Callable[..., Tracker]


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker() -> TrackerFactory:
    def make(
        text: str = "",
        intent: str = "inform",
        entities: list[dict[str, Any]] | None = None,
        slots: dict[str, Any] | None = None,
        requested_slot: str | None = None,
        events: list[dict[str, Any]] | None = None,
        sender_id: str = "visitor-1",
    ) -> Tracker:
        all_slots = {"requested_slot": requested_slot, **(slots or {})}
        return Tracker(
            sender_id=sender_id,
            slots=all_slots,
            latest_message={
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities or [],
            },
            events=events or [],
            paused=False,
            followup_action=None,
            active_loop={"name": "lead_form"},
            latest_action_name="action_listen",
        )

    return make


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [message.get("response") for message in dispatcher.messages]
