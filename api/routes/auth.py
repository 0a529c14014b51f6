from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.core.login import TooManyAttempts, log_in
from api.core.openapi import Problem
from api.core.rate_limit import client_address
from api.core.security import create_access_token
from api.deps import SessionDep, SettingsDep
from api.schemas import Token

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
    token = create_access_token(
        str(user.id),
        settings.secret_key.get_secret_value(),
        settings.access_token_expire_minutes,
    )
    return Token(access_token=token)
