"""Staff accounts."""

from __future__ import annotations

import secrets
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.security import hash_password, verify_password
from api.models import StaffRole, StaffUser


def normalise_email(email: str) -> str:
    return email.strip().lower()


def upsert_staff_user(
    session: Session, email: str, password: str, role: StaffRole | None = None
) -> tuple[StaffUser, bool]:
    """Create the account, or reset its password (and role, when given). Returns (user, created)."""
    email = normalise_email(email)
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    created = user is None
    if user is None:
        user = StaffUser(
            email=email, password_hash=hash_password(password), role=role or StaffRole.staff
        )
        session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.is_active = True
        if role is not None:
            user.role = role
    session.commit()
    return user, created


def all_staff(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def set_active(session: Session, user_id: int, active: bool) -> StaffUser | None:
    user = session.get(StaffUser, user_id)
    if user is not None:
        user.is_active = active
        session.commit()
    return user


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash no password matches, verified for an unknown or deactivated account."""
    return hash_password(secrets.token_urlsafe(32))


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    user = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    usable = user if user is not None and user.is_active else None
    # The hash is always verified: an unknown account must not answer sooner than a known one.
    matches = verify_password(password, usable.password_hash if usable else _stand_in_hash())
    return usable if matches else None
