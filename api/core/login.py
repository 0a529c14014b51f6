"""Logging staff in, for the JSON API and the console alike: throttled and audited.

After `login_max_failures` wrong passwords for one account within `login_lock_minutes`, further
attempts for it are refused (429) until the window has passed, whatever the password: this
stops guessing without telling the guesser whether the account exists.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from api.core.config import Settings
from api.models import StaffUser
from api.store import audit
from api.store.staff import authenticate, normalise_email


class TooManyAttempts(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many failed logins: try again in {minutes} minutes.")
        self.minutes = minutes


def log_in(session: Session, settings: Settings, email: str, password: str) -> StaffUser | None:
    """The staff member, or None for a wrong email or password. Raises TooManyAttempts."""
    email = normalise_email(email.replace("\x00", ""))[:320]  # PostgreSQL text holds no NUL
    window = timedelta(minutes=settings.login_lock_minutes)
    if audit.failed_logins(session, email, window) >= settings.login_max_failures:
        raise TooManyAttempts(settings.login_lock_minutes)
    user = authenticate(session, email, password)
    audit.record(session, email, audit.LOGIN if user else audit.LOGIN_FAILED)
    return user
