"""Password hashing (argon2) and staff access tokens (signed JWT)."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
_ACCESS = "access"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def create_access_token(session_id: str, secret: str, expires_minutes: int) -> str:
    """A bearer token for the stored API session `session_id` (api.store.staff.open_session)."""
    expires = datetime.now(timezone.utc) + timedelta(minutes=expires_minutes)
    claims = {"sub": session_id, "kind": _ACCESS, "exp": expires}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def read_access_token(token: str, secret: str) -> str | None:
    """The token's session id, or None when it is forged, malformed, expired or no access token
    (a console cookie is signed with the same key, but is not one)."""
    try:
        payload = jwt.decode(token, secret, algorithms=[_ALGORITHM])
    except jwt.PyJWTError:
        return None
    subject = payload.get("sub")
    return subject if payload.get("kind") == _ACCESS and isinstance(subject, str) else None


def same_secret(given: str, expected: str) -> bool:
    # Constant-time comparison: the service token must not leak through timing.
    return hmac.compare_digest(given.encode(), expected.encode())
