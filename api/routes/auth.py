from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.core.login import TooManyAttempts, log_in
from api.core.openapi import Problem
from api.core.security import create_access_token
from api.deps import SessionDep, SettingsDep
from api.schemas import Token

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/token",
    response_model=Token,
    responses={
        401: {"model": Problem, "description": "Wrong email or password"},
        429: {"model": Problem, "description": "Too many failed logins for this account"},
    },
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    try:
        user = log_in(session, settings, form.username, form.password)
    except TooManyAttempts as error:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail=str(error),
            headers={"Retry-After": str(error.minutes * 60)},
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
