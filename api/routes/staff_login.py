"""Logging in to and out of the staff console (api.routes.staff serves the pages behind it).

The login form carries a double-submit CSRF token (a nonce cookie and its HMAC); a successful
login opens a stored session (api.store.staff) and leaves the browser a device cookie that the
login limits recognise (api.core.login).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.core import sessions
from api.core.config import Settings
from api.core.login import TooManyAttempts, log_in
from api.core.rate_limit import client_address
from api.deps import SessionDep, SettingsDep
from api.routes.staff import ConsoleDep, checked, render, safe_next
from api.schemas import NO_NUL
from api.store import audit
from api.store.staff import CONSOLE_SESSION, normalise_email, open_session, revoke_session

router = APIRouter(prefix="/staff", include_in_schema=False)


def _login_form(
    request: Request, settings: Settings, next_url: str | None, error: str | None, code: int = 200
) -> HTMLResponse:
    """The login page with a fresh CSRF pair: a random value in a cookie, its HMAC in the form."""
    nonce = secrets.token_urlsafe(16)
    csrf = sessions.login_csrf(nonce, settings.secret_key.get_secret_value())
    context = {"next": safe_next(next_url), "error": error, "login_csrf": csrf}
    response = render(request, None, "staff/login.html", context, status_code=code)
    sessions.set_login_csrf_cookie(response, request, nonce)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep, next: str | None = None) -> HTMLResponse:
    return _login_form(request, settings, next, None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320, pattern=NO_NUL)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str | None, Form()] = None,
    csrf: Annotated[str | None, Form()] = None,
) -> Response:
    secret = settings.secret_key.get_secret_value()
    nonce = request.cookies.get(sessions.LOGIN_CSRF_COOKIE)
    if not sessions.login_csrf_ok(nonce, secret, csrf):
        # A form posted from another site, or one from before the cookie: nothing is tried.
        return _login_form(request, settings, next, "The form expired: please log in again.", 403)
    known = sessions.known_browser(
        request.cookies.get(sessions.DEVICE_COOKIE), normalise_email(email), secret
    )
    try:
        user = log_in(
            session, request.app.state.login_limits, email, password, client_address(request), known
        )
    except TooManyAttempts as error:
        return _login_form(request, settings, next, str(error), 429)
    if user is None:
        return _login_form(request, settings, next, "Incorrect email or password.", 401)
    lifetime = timedelta(hours=settings.session_max_hours)
    session_id = open_session(session, user, CONSOLE_SESSION, lifetime)
    response = RedirectResponse(safe_next(next), status_code=status.HTTP_303_SEE_OTHER)
    sessions.set_cookie(
        response,
        request,
        sessions.issue(user.id, secret, settings.session_idle_minutes, session_id),
        settings.session_idle_minutes,
    )
    sessions.set_device_cookie(response, request, user.email, secret)
    return response


@router.post("/logout")
def logout(
    page: ConsoleDep,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str | None, Form()] = None,
) -> RedirectResponse:
    checked(page, settings, csrf)
    revoke_session(session, page.session.session_id)
    audit.record(session, page.user.email, audit.LOGOUT)
    response = RedirectResponse("/staff/login", status_code=status.HTTP_303_SEE_OTHER)
    sessions.clear_cookie(response)
    return response
