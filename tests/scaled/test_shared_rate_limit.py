"""Two API workers with RATE_LIMIT_STORAGE_URL on Redis share one lead-creation count, as
`make run-scaled` sets them up; with memory:// each would allow the full limit."""

from __future__ import annotations

import os
import uuid

from api.core.rate_limit import RateLimit

REDIS = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")


def test_two_workers_on_redis_share_the_lead_limit() -> None:
    url = f"redis://{REDIS}:6379/2"
    worker_a, worker_b = RateLimit("4/minute", url), RateLimit("4/minute", url)
    caller = f"leads:test-{uuid.uuid4().hex}"
    allowed = [limit.hit(caller) is None for limit in (worker_a, worker_b) * 3]
    assert allowed == [True, True, True, True, False, False]


def test_workers_on_memory_storage_count_separately() -> None:
    worker_a, worker_b = RateLimit("2/minute", "memory://"), RateLimit("2/minute", "memory://")
    allowed = [limit.hit("leads:caller") is None for limit in (worker_a, worker_b) * 3]
    assert allowed == [True, True, True, True, False, False]
