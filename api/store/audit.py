"""The audit log: every login, list and view of leads, status change and export (who, what,
when)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import AuditEntry, utcnow

LOGIN, LOGIN_FAILED, LOGOUT = "login", "login_failed", "logout"
VIEW_LEAD, UPDATE_LEAD, EXPORT = "view_lead", "update_lead", "export"
LIST_LEADS = "list_leads"
MANAGE_STAFF = "manage_staff"


def record(
    session: Session, actor: str, action: str, target: str | None = None, detail: str | None = None
) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, detail=detail))
    session.commit()


def failed_logins(session: Session, email: str, within: timedelta) -> int:
    """Failed logins for this account in the window: the throttle counts these."""
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.actor == email,
                AuditEntry.action == LOGIN_FAILED,
                AuditEntry.created_at >= utcnow() - within,
            )
        )
        or 0
    )


def recent(session: Session, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
