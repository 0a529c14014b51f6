"""Action server settings, read from the environment when an action needs them."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSettings:
    leads_api_url: str
    leads_service_token: str
    timeout_seconds: float

    @classmethod
    def from_env(cls) -> ActionSettings:
        return cls(
            leads_api_url=os.environ.get("LEADS_API_URL", "http://127.0.0.1:8000").rstrip("/"),
            leads_service_token=os.environ.get("LEADS_SERVICE_TOKEN", ""),
            timeout_seconds=float(os.environ.get("LEADS_API_TIMEOUT_SECONDS", "5")),
        )
