"""The chat channels of `make run` refuse a body over 64 KiB, declared or chunked, before Rasa
reads it (SANIC_REQUEST_MAX_SIZE in deploy/supervisord.conf); a normal message goes on."""

from __future__ import annotations

import json

import httpx

from tests.faults.conftest import Supervised


def test_an_oversized_chat_request_is_413_declared_or_chunked(supervised: Supervised) -> None:
    url = f"{supervised.assistant}/webhooks/rest/webhook"
    body = json.dumps({"sender": "big", "message": "x" * 200_000}).encode()
    headers = {"Content-Type": "application/json"}
    declared = httpx.post(url, content=body, headers=headers, timeout=30)
    assert declared.status_code == 413
    chunked = httpx.post(
        url, content=(body[i : i + 8192] for i in range(0, len(body), 8192)), headers=headers
    )
    assert "content-length" not in chunked.request.headers
    assert chunked.status_code == 413
    assert "magnetic" in supervised.chat("small", "what is tms?")  # a normal message goes on
