"""Staff accounts."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.core.security import hash_password, verify_password
from api.models import StaffRole, StaffUser, StoredSession, utcnow


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
        # A reset ends every session and token of the account, and never re-activates it: a
        # deactivated account stays so until an admin activates it.
        user.password_hash = hash_password(password)
        revoke_all_sessions(session, user.id)
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
        if not active:
            revoke_all_sessions(session, user_id)
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


# --- sessions and tokens -------------------------------------------------------------------
API_SESSION, CONSOLE_SESSION = "api", "console"


def open_session(session: Session, user: StaffUser, kind: str, lifetime: timedelta) -> str:
    """A new console session or API token of `user`, ending after `lifetime`; its id."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        StoredSession(
            id=session_id, user_id=user.id, kind=kind, created_at=now, expires_at=now + lifetime
        )
    )
    session.commit()
    return session_id


def live_session_user(session: Session, session_id: str, kind: str) -> StaffUser | None:
    """The active staff member of a session that is neither revoked nor past its end."""
    found = session.get(StoredSession, session_id) if session_id else None
    if found is None or found.kind != kind or found.revoked_at is not None:
        return None
    if found.expires_at <= utcnow() or not found.user.is_active:
        return None
    return found.user


def revoke_session(session: Session, session_id: str) -> None:
    session.execute(
        update(StoredSession)
        .where(StoredSession.id == session_id, StoredSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()


def revoke_all_sessions(session: Session, user_id: int) -> None:
    """End every session and token of the account (committed by the caller)."""
    session.execute(
        update(StoredSession)
        .where(StoredSession.user_id == user_id, StoredSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
