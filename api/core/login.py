"""Logging staff in, for the JSON API and the console alike: throttled and audited.

Every limit is counted before the password is checked, so parallel requests cannot get past it:

- per client address, `login_address_limit` attempts (default 30 in 15 minutes): a script that
  guesses, or tries one password across every account (a spray), stops there, while staff
  elsewhere are not affected;
- per account, `login_max_failures` attempts within `login_lock_minutes` that do not come from a
  browser the account has logged in from before; a successful login clears the count.

A browser that logged in carries a signed device cookie for that account (sessions.py): its
attempts count against the address limit only, so a guesser elsewhere cannot lock the real user
out of their usual browser. An unknown or deactivated account verifies the password against a
stand-in hash, so its answer costs what a real one does and tells nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.core.config import Settings
from api.core.rate_limit import RateLimit
from api.models import StaffUser
from api.store import audit
from api.store.staff import authenticate, normalise_email


class TooManyAttempts(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = math.ceil(seconds)
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(f"Too many login attempts: try again in {minutes} minutes.")


@dataclass(frozen=True)
class LoginLimits:
    per_address: RateLimit
    per_account: RateLimit

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        account_rule = f"{settings.login_max_failures} per {settings.login_lock_minutes} minutes"
        storage = settings.rate_limit_storage_url
        return cls(
            RateLimit(settings.login_address_limit, storage), RateLimit(account_rule, storage)
        )


def log_in(
    session: Session,
    limits: LoginLimits,
    email: str,
    password: str,
    address: str,
    known_browser: bool = False,
) -> StaffUser | None:
    """The staff member, or None for a wrong email or password. Raises TooManyAttempts.
    `known_browser`: the request carries this account's device cookie."""
    email = normalise_email(email.replace("\x00", ""))[:320]  # PostgreSQL text holds no NUL
    wait = limits.per_address.hit(f"login-address:{address}")
    account_key = f"login-account:{email}"
    if wait is None and not known_browser:
        wait = limits.per_account.hit(account_key)
    if wait is not None:
        audit.record(session, email, audit.LOGIN_THROTTLED)
        raise TooManyAttempts(wait)
    user = authenticate(session, email, password)
    audit.record(session, email, audit.LOGIN if user else audit.LOGIN_FAILED)
    if user is not None and not known_browser:  # a success that was counted clears the count
        limits.per_account.clear(account_key)
    return user
