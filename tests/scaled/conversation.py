"""A scripted REST conversation for the scaled tests, each step checked as it happens."""

from __future__ import annotations

import httpx


def converse(
    webhooks: list[str], sender: str, steps: list[tuple[str, str]], timeout: float = 60
) -> None:
    """Send each (message, expected phrase) step, turn n to webhooks[n % len(webhooks)], and
    fail at the first reply without its expected phrase."""
    for turn, (message, expected) in enumerate(steps):
        url = webhooks[turn % len(webhooks)]
        reply = httpx.post(url, json={"sender": sender, "message": message}, timeout=timeout).json()
        said = "\n".join(m.get("text", "") for m in reply)
        assert expected in said, f"turn {turn} on {url}: {message!r} -> {said!r}"
