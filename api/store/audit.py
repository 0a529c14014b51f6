"""The audit log: every login, list and view of leads, status change and export (who, what,
when)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import AuditEntry

LOGIN, LOGIN_FAILED, LOGIN_THROTTLED, LOGOUT = "login", "login_failed", "login_throttled", "logout"
VIEW_LEAD, UPDATE_LEAD, EXPORT = "view_lead", "update_lead", "export"
LIST_LEADS = "list_leads"
MANAGE_STAFF = "manage_staff"


def record(
    session: Session, actor: str, action: str, target: str | None = None, detail: str | None = None
) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, detail=detail))
    session.commit()


def recent(session: Session, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
