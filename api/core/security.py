"""Password hashing (argon2) and staff access tokens (signed JWT)."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

_hasher = PasswordHasher()
_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def create_access_token(subject: str, secret: str, expires_minutes: int) -> str:
    expires = datetime.now(timezone.utc) + timedelta(minutes=expires_minutes)
    return jwt.encode({"sub": subject, "exp": expires}, secret, algorithm=_ALGORITHM)


def read_access_token(token: str, secret: str) -> str | None:
    """The token's subject, or None when it is forged, malformed or expired."""
    try:
        payload = jwt.decode(token, secret, algorithms=[_ALGORITHM])
    except jwt.PyJWTError:
        return None
    subject = payload.get("sub")
    return subject if isinstance(subject, str) else None


def same_secret(given: str, expected: str) -> bool:
    # Constant-time comparison: the service token must not leak through timing.
    return hmac.compare_digest(given.encode(), expected.encode())
