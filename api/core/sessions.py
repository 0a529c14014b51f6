"""Browser sessions for the staff console: a signed cookie, idle expiry, CSRF tokens, and the
device cookie of a browser an account has logged in from (api.core.login).

The cookie holds a signed token (HS256, the API's SECRET_KEY) with the staff id, a random
session id and an expiry `session_idle_minutes` ahead; each page view issues a fresh one, so
the session ends after that much inactivity. Forms carry a CSRF token derived from the session
id (HMAC), which a page on another site cannot read or guess.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import Request, Response

COOKIE = "staff_session"
_KIND = "staff-session"
# The browser an account logged in from: exempt from that account's login limit for this long.
DEVICE_COOKIE = "staff_device"
_DEVICE_KIND = "staff-device"
DEVICE_DAYS = 90
# The login form's CSRF: a random value in a cookie, and its HMAC in the form.
LOGIN_CSRF_COOKIE = "staff_login_csrf"


@dataclass(frozen=True)
class StaffSession:
    user_id: int
    session_id: str


def issue(user_id: int, secret: str, idle_minutes: int, session_id: str | None = None) -> str:
    claims = {
        "sub": str(user_id),
        "sid": session_id or secrets.token_urlsafe(16),
        "kind": _KIND,
        "exp": datetime.now(timezone.utc) + timedelta(minutes=idle_minutes),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def read(token: str | None, secret: str) -> StaffSession | None:
    if not token:
        return None
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if claims.get("kind") != _KIND or not str(claims.get("sub", "")).isdigit():
        return None
    return StaffSession(int(claims["sub"]), str(claims.get("sid", "")))


def csrf_token(session: StaffSession, secret: str) -> str:
    return hmac.new(
        secret.encode(), f"csrf:{session.session_id}".encode(), hashlib.sha256
    ).hexdigest()


def csrf_ok(session: StaffSession, secret: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(session, secret), given or "")


def set_cookie(response: Response, request: Request, token: str, idle_minutes: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=idle_minutes * 60,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/staff",
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/staff")


def device_token(email: str, secret: str) -> str:
    claims = {
        "sub": email,
        "kind": _DEVICE_KIND,
        "exp": datetime.now(timezone.utc) + timedelta(days=DEVICE_DAYS),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def known_browser(token: str | None, email: str, secret: str) -> bool:
    """The device cookie says this browser logged in to `email` before."""
    if not token:
        return False
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"])
    except jwt.PyJWTError:
        return False
    return claims.get("kind") == _DEVICE_KIND and claims.get("sub") == email


def set_device_cookie(response: Response, request: Request, email: str, secret: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(email, secret),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/staff/login",
    )


def login_csrf(nonce: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"login-csrf:{nonce}".encode(), hashlib.sha256).hexdigest()


def login_csrf_ok(nonce: str | None, secret: str, given: str | None) -> bool:
    if not nonce or not given:
        return False
    return hmac.compare_digest(login_csrf(nonce, secret), given)


def set_login_csrf_cookie(response: Response, request: Request, nonce: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/staff/login",
    )
