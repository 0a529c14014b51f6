"""Dependencies shared by the routes: database session, staff user, service caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.core.config import Settings, get_settings
from api.core.db import get_session
from api.core.security import read_access_token, same_secret
from api.models import StaffUser
from api.store.staff import API_SESSION, live_session_user

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_staff_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
_service_scheme = HTTPBearer(auto_error=False)

_UNAUTHORISED = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="Not authenticated: a valid bearer token is required.",
    headers={"WWW-Authenticate": "Bearer"},
)


def current_staff(
    session: SessionDep, settings: SettingsDep, token: str | None = Depends(_staff_scheme)
) -> StaffUser:
    session_id = read_access_token(token, settings.secret_key.get_secret_value()) if token else None
    user = live_session_user(session, session_id, API_SESSION) if session_id else None
    if user is None:  # no token, or one that is forged, expired, revoked or of a gone account
        raise _UNAUTHORISED
    return user


def service_caller(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_service_scheme)],
) -> None:
    accepted = [settings.leads_service_token, settings.leads_service_token_previous]
    secrets = [token.get_secret_value() for token in accepted if token.get_secret_value()]
    # Each comparison takes the same time whatever matches: `any` would stop at the first.
    matches = [credentials is not None and same_secret(credentials.credentials, s) for s in secrets]
    if not any(matches):
        raise _UNAUTHORISED


StaffDep = Annotated[StaffUser, Depends(current_staff)]
StaffTokenDep = Annotated[str | None, Depends(_staff_scheme)]


def current_admin(user: StaffDep) -> StaffUser:
    if not user.is_admin:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="Only an admin may do this."
        )
    return user


AdminDep = Annotated[StaffUser, Depends(current_admin)]
