"""Settings for the leads API, read from the environment and .env (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///var/leads.db"
    secret_key: SecretStr = Field(min_length=16)
    access_token_expire_minutes: int = Field(default=60, gt=0)
    leads_service_token: SecretStr = Field(min_length=16)
    # During a rotation (docs/deployment.md): the token being replaced, accepted too until every
    # action server presents the new one. Empty: none.
    leads_service_token_previous: SecretStr = SecretStr("")
    cors_origins: str = "http://localhost:8000"
    # The demo page (GET /): the clinic's facts, and where the chat widget finds the assistant.
    clinic_profile_path: Path = Path("clinic/profile.yml")
    assistant_url: str = "http://localhost:5005"
    # Staff console (/staff).
    session_idle_minutes: int = Field(default=30, gt=0)  # signed out after this much inactivity
    session_max_hours: int = Field(default=12, gt=0)  # and after this long, whatever the activity
    # api/core/login.py: attempts per account from browsers it never logged in from, within
    # login_lock_minutes; attempts per client address (a `limits` rule).
    login_max_failures: int = Field(default=5, gt=0)
    login_lock_minutes: int = Field(default=15, gt=0)
    login_address_limit: str = "30/15minutes"
    staff_base_url: str = "http://localhost:8000"  # the link urgent notifications carry
    # Where Rasa keeps conversations (transcripts on the lead page, FAQ statistics, purge).
    tracker_db_url: str = "sqlite:///var/tracker.db"
    retention_days: int = Field(default=365, gt=0)
    # Urgent-lead notification: a webhook, an e-mail, or both; none set means none sent.
    urgent_webhook_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "assistant@clinic.example"
    urgent_email_to: str = ""
    # Largest request body accepted, so a runaway client cannot fill memory.
    max_body_bytes: int = 64 * 1024
    # Leads one caller may create (api/core/rate_limit.py), and where the counts live: memory://
    # for one API process, redis://host:6379/2 when several API workers share the limit.
    lead_rate_limit: str = "120/minute"
    rate_limit_storage_url: str = "memory://"
    # Delivery health (GET /health/deliveries, the console's banner): the action server's outbox
    # folder, the longest wait before it counts as a problem, and supervisord's address, which
    # supervisord gives its children itself (empty: not supervised, processes not reported).
    outbox_dir: Path = Path("var/outbox")
    delivery_alert_minutes: int = Field(default=15, gt=0)
    supervisor_server_url: str = ""

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # values come from the environment
