"""Settings for the leads API, read from the environment and .env (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///var/leads.db"
    secret_key: SecretStr = Field(min_length=16)
    access_token_expire_minutes: int = Field(default=60, gt=0)
    leads_service_token: SecretStr = Field(min_length=16)
    cors_origins: str = "http://localhost:8000"
    # Largest request body accepted, so a runaway client cannot fill memory.
    max_body_bytes: int = 64 * 1024

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]  # values come from the environment
