"""HTTP client for the leads API: short timeouts, a few retries with backoff."""

from __future__ import annotations

import asyncio
import logging
import ssl
from functools import lru_cache
from typing import Any

import httpx

from actions.settings import ActionSettings

logger = logging.getLogger(__name__)

RETRY_DELAYS_SECONDS = (0.2, 0.6)


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    # Loading the CA certificates took a quarter of the action server's time per lead in
    # `make bench`; one verifying context serves every request.
    return httpx.create_ssl_context()


class LeadDeliveryError(Exception):
    """The lead could not be stored. `retryable` is False when the API rejected it."""

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class LeadsClient:
    def __init__(
        self, settings: ActionSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        self._transport = transport

    async def submit(self, lead: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """Store the lead (or find the one stored under this key) and return it."""
        headers = {
            "Authorization": f"Bearer {self._settings.leads_service_token}",
            "Idempotency-Key": idempotency_key,
        }
        async with httpx.AsyncClient(
            base_url=self._settings.leads_api_url,
            timeout=self._settings.timeout_seconds,
            transport=self._transport,
            verify=_tls_context(),
        ) as client:
            last_error = "no attempt"
            for attempt, delay in enumerate((0.0, *RETRY_DELAYS_SECONDS), start=1):
                if delay:
                    await asyncio.sleep(delay)
                try:
                    response = await client.post("/api/leads", json=lead, headers=headers)
                except httpx.TransportError as exc:
                    last_error = f"{type(exc).__name__}"
                    logger.warning("Leads API unreachable (attempt %d): %s", attempt, last_error)
                    continue
                if response.status_code in (200, 201):
                    return response.json()
                if response.status_code >= 500 or response.status_code == 429:
                    last_error = f"HTTP {response.status_code}"
                    logger.warning("Leads API error (attempt %d): %s", attempt, last_error)
                    continue
                # 4xx: retrying the same body cannot help. The body names fields, not values.
                raise LeadDeliveryError(
                    "Leads API rejected the lead: "
                    f"HTTP {response.status_code} {response.text[:500]}",
                    retryable=False,
                )
        raise LeadDeliveryError(f"Leads API unavailable: {last_error}", retryable=True)
