"""Rate limits (the `limits` library): lead creation here, staff logins in api.core.login.

Only the action server may create leads, but a runaway action server, a leaked service token
or a script driving the chat could still flood the database and the staff's list. Each caller
(client address) may create `lead_rate_limit` leads (e.g. "120/minute", a moving window);
beyond that the API answers 429 with Retry-After, and the action server keeps the lead in its
outbox and delivers it later, so nothing is lost. With several API workers the counts must be
shared: `rate_limit_storage_url` = redis://host:6379/2 (memory:// counts per process).
"""

from __future__ import annotations

import math
import time

from fastapi import HTTPException, Request, status
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class RateLimit:
    def __init__(self, rule: str, storage_url: str) -> None:
        self.rule: RateLimitItem = parse(rule)
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))

    def hit(self, key: str) -> float | None:
        """Counts one request; None if allowed, else the seconds until one is allowed again."""
        if self._limiter.hit(self.rule, key):
            return None
        reset_at = self._limiter.get_window_stats(self.rule, key).reset_time
        return max(reset_at - time.time(), 1.0)

    def clear(self, key: str) -> None:
        """Forget what was counted for `key`."""
        self._limiter.clear(self.rule, key)


def client_address(request: Request) -> str:
    """The address a request came from, as the server saw the connection."""
    return request.client.host if request.client else "unknown"


def limit_lead_creation(request: Request) -> None:
    """Dependency of POST /api/leads."""
    limit: RateLimit = request.app.state.lead_rate_limit
    caller = client_address(request)
    wait = limit.hit(f"leads:{caller}")
    if wait is not None:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"Too many leads from this caller (limit {limit.rule}): retry later.",
            headers={"Retry-After": str(math.ceil(wait))},
        )
