"""HTTP client for the leads API: short timeouts, a few retries with backoff within a budget."""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from functools import lru_cache
from typing import Any

import httpx

from actions.settings import ActionSettings

logger = logging.getLogger(__name__)

RETRY_DELAYS_SECONDS = (0.2, 0.6)
# Answers that another try of the same body may get past at once; any other refusal waits for
# the outbox's next round (a rotated token or a wrong URL is fixed by a person, not by hammering).
TRANSIENT = frozenset({408, 425, 429})
# Refusals that no change of configuration explains: a person looks at the lead.
NEEDS_A_PERSON = frozenset({400, 409, 413})
UNPROCESSABLE = 422


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    # Loading the CA certificates took a quarter of the action server's time per lead in
    # `make bench`; one verifying context serves every request.
    return httpx.create_ssl_context()


class LeadDeliveryError(Exception):
    """The lead could not be stored. `status` is the API's answer (None: no answer); on a 422,
    `refused` names the fields the API refused and why (never their values)."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        refused: dict[str, str] | None = None,
        no_receipt: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.refused = refused or {}
        # A success answer that is not the API's: something else answers at LEADS_API_URL.
        self.no_receipt = no_receipt

    @property
    def retryable(self) -> bool:
        """Sending the same lead later may succeed: anything but a 422."""
        return self.status != UNPROCESSABLE

    @property
    def needs_a_person(self) -> bool:
        return self.status in NEEDS_A_PERSON or self.no_receipt


def refused_fields(response: httpx.Response) -> dict[str, str]:
    """The body fields a 422 names, each with the API's reason. The API answers
    `{"errors": [{"field": "zip_code", "message": ...}]}` (api/main.py), never FastAPI's default
    `detail` list, which would echo the lead back."""
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return {}
    refused: dict[str, str] = {}
    for error in errors if isinstance(errors, list) else []:
        field = error.get("field") if isinstance(error, dict) else None
        if isinstance(field, str) and field and field != "body":
            refused[field.split(".")[0]] = str(error.get("message", ""))[:200]
    return refused


class LeadsClient:
    def __init__(
        self, settings: ActionSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._settings = settings
        self._transport = transport

    async def submit(
        self, lead: dict[str, Any], idempotency_key: str, budget_seconds: float | None = None
    ) -> dict[str, Any]:
        """Store the lead (or find the one stored under this key) and return the API's answer.
        With a budget, no try starts or lasts past it."""
        deadline = time.monotonic() + budget_seconds if budget_seconds is not None else None
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
            error = LeadDeliveryError("Leads API not tried")
            for attempt, delay in enumerate((0.0, *RETRY_DELAYS_SECONDS), start=1):
                timeout = self._settings.timeout_seconds
                if deadline is not None:
                    timeout = min(timeout, deadline - time.monotonic() - delay)
                    if timeout <= 0:
                        break
                if delay:
                    await asyncio.sleep(delay)
                try:
                    response = await client.post(
                        "/api/leads", json=lead, headers=headers, timeout=timeout
                    )
                except httpx.TransportError as exc:
                    error = LeadDeliveryError(f"Leads API unreachable: {type(exc).__name__}")
                    logger.warning("Leads API unreachable (attempt %d)", attempt)
                    continue
                if response.is_success:
                    return _answer(response)
                error = LeadDeliveryError(
                    f"Leads API answered HTTP {response.status_code}",
                    status=response.status_code,
                    refused=refused_fields(response)
                    if response.status_code == UNPROCESSABLE
                    else None,
                )
                if response.status_code < 500 and response.status_code not in TRANSIENT:
                    raise error
                logger.warning(
                    "Leads API error (attempt %d): HTTP %d", attempt, response.status_code
                )
        raise error


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The stored lead as the API describes it. A success without the lead's id is no receipt
    (a proxy's or a web server's page at a wrong URL): the lead is kept and sent again under the
    same key, which the API stores once."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("id"):
        raise LeadDeliveryError(
            f"Leads API answered HTTP {response.status_code} without a lead receipt",
            status=response.status_code,
            no_receipt=True,
        )
    return body
