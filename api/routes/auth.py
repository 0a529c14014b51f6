from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.core.login import TooManyAttempts, log_in
from api.core.openapi import Problem
from api.core.rate_limit import client_address
from api.core.security import create_access_token, read_access_token
from api.deps import SessionDep, SettingsDep, StaffDep, StaffTokenDep
from api.schemas import Token
from api.store import audit
from api.store.staff import API_SESSION, open_session, revoke_session

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/token",
    response_model=Token,
    responses={
        401: {"model": Problem, "description": "Wrong email or password"},
        429: {
            "model": Problem,
            "description": "Too many login attempts from this address or for this account",
        },
    },
)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    try:
        user = log_in(
            session,
            request.app.state.login_limits,
            form.username,
            form.password,
            client_address(request),
        )
    except TooManyAttempts as error:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail=str(error),
            headers={"Retry-After": str(error.seconds)},
        ) from None
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect email or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    minutes = settings.access_token_expire_minutes
    session_id = open_session(session, user, API_SESSION, timedelta(minutes=minutes))
    token = create_access_token(session_id, settings.secret_key.get_secret_value(), minutes)
    return Token(access_token=token)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={401: {"model": Problem, "description": "No valid token"}},
)
def logout(
    session: SessionDep, settings: SettingsDep, staff: StaffDep, token: StaffTokenDep
) -> None:
    """Revoke this token: it is refused from now on."""
    session_id = read_access_token(token or "", settings.secret_key.get_secret_value())
    if session_id:
        revoke_session(session, session_id)
    audit.record(session, staff.email, audit.LOGOUT)
