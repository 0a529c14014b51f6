"""Storing and reading leads, independent of HTTP."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.models import Lead, LeadContact, LeadEvent, LeadStatus, TreatmentInterest, utcnow
from api.schemas import LeadCreate
from api.store import audit
from clinic.rasa_store import delete_before

# A lead with the same phone or email as one of this age or younger is linked to it as a
# possible repeat.
REPEAT_WINDOW = timedelta(days=30)


def _lead_for_key(session: Session, key: str) -> Lead | None:
    lead = session.scalar(select(Lead).where(Lead.idempotency_key == key))
    if lead is None:  # a submission merged into an earlier lead before repeats were linked
        contact = session.scalar(select(LeadContact).where(LeadContact.idempotency_key == key))
        lead = contact.lead if contact is not None else None
    return lead


def _likely_earlier_lead(session: Session, data: LeadCreate) -> Lead | None:
    same_contact = [Lead.phone == data.phone] if data.phone else []
    same_contact += [Lead.email == data.email] if data.email else []
    if not same_contact:
        return None
    return session.scalar(
        select(Lead)
        .where(or_(*same_contact), Lead.created_at >= utcnow() - REPEAT_WINDOW)
        .order_by(Lead.created_at.desc())
        .limit(1)
    )


class Stored(NamedTuple):
    lead: Lead
    created: bool


def create_lead(session: Session, data: LeadCreate, idempotency_key: str) -> Stored:
    """Store a submission once per idempotency key, always as a lead of its own.

    A phone or email another lead of the last 30 days gave may be the same person coming back,
    or someone typing a relative's number: the new lead is linked to that one as a possible
    repeat, and nothing of either lead (name, consent, urgency) changes the other.
    """
    existing = _lead_for_key(session, idempotency_key)
    if existing is not None:
        return Stored(existing, False)
    lead = Lead(idempotency_key=idempotency_key, **data.model_dump())
    lead.repeat_of = _likely_earlier_lead(session, data)
    session.add(lead)
    try:
        session.commit()
    except IntegrityError:
        # Two submissions with the same key raced: the other one won, return its lead.
        session.rollback()
        existing = _lead_for_key(session, idempotency_key)
        if existing is None:
            raise
        return Stored(existing, False)
    return Stored(lead, True)


@dataclass(frozen=True)
class LeadFilter:
    """What staff narrow the list to; every field optional."""

    status: LeadStatus | None = None
    qualified: bool | None = None
    urgent: bool | None = None
    in_area: bool | None = None
    treatment: TreatmentInterest | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    q: str | None = None  # name, phone or email

    def describe(self) -> str:
        """For the audit log: the filters used, never the searched name, phone or email."""
        values = {
            name: getattr(self, name)
            for name in ("status", "qualified", "urgent", "in_area", "treatment", "since", "until")
        }
        parts = [
            f"{name}={value.value if isinstance(value, Enum) else value}"
            for name, value in values.items()
            if value is not None
        ]
        if self.q:
            parts.append("search=yes")
        return ", ".join(str(part) for part in parts) or "no filter"

    def read_detail(self, rows: int, offset: int) -> str:
        """For the audit log of a list read: the filters by name, and which rows were read."""
        return f"{self.describe()}; {rows} rows from {offset}"

    def conditions(self, with_status: bool = True) -> list[Any]:
        where: list[Any] = []
        if self.status is not None and with_status:
            where.append(Lead.status == self.status)
        if self.qualified is not None:
            where.append(Lead.qualified == self.qualified)
        if self.urgent is not None:
            where.append(Lead.urgent == self.urgent)
        if self.in_area is not None:
            where.append(Lead.in_service_area == self.in_area)
        if self.treatment is not None:
            where.append(Lead.treatment_interest == self.treatment)
        if self.since is not None:
            where.append(Lead.created_at >= datetime.combine(self.since, time.min, timezone.utc))
        if self.until is not None:
            end = datetime.combine(self.until + timedelta(days=1), time.min, timezone.utc)
            where.append(Lead.created_at < end)
        if self.q and self.q.strip():
            text = self.q.strip().lower()
            digits = re.sub(r"\D", "", text)
            like = [func.lower(Lead.full_name).contains(text), Lead.email.contains(text)]
            if len(digits) >= 3:
                like.append(Lead.phone.contains(digits))
            where.append(or_(*like))
        return where


def list_leads(
    session: Session, limit: int, offset: int, filters: LeadFilter = LeadFilter()
) -> tuple[list[Lead], int]:
    """Urgent first, then newest: the order in which staff should call."""
    where = filters.conditions()
    total = session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0
    rows = session.scalars(
        select(Lead)
        .where(*where)
        .order_by(Lead.urgent.desc(), Lead.created_at.desc(), Lead.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def status_counts(session: Session, filters: LeadFilter = LeadFilter()) -> dict[str, int]:
    """Leads per status under the other filters (so the counts explain the status filter)."""
    rows = session.execute(
        select(Lead.status, func.count())
        .where(*filters.conditions(with_status=False))
        .group_by(Lead.status)
    ).all()
    counts = {status.value: 0 for status in LeadStatus}
    counts.update({status.value: count for status, count in rows})
    return counts


def update_lead(
    session: Session, lead: Lead, staff_email: str, status: LeadStatus | None, note: str | None
) -> LeadEvent | None:
    """Change the status and/or add a note, recorded with who and when in the lead's history
    and in the audit log. None if there was nothing to do."""
    note = (note or "").strip() or None
    if (status is None or status == lead.status) and note is None:
        return None
    event = LeadEvent(lead_id=lead.id, staff_email=staff_email, note=note)
    if status is not None and status != lead.status:
        event.from_status, event.to_status = lead.status.value, status.value
        lead.status = status
    lead.events.append(event)
    # audit.record commits: the change and its audit entry are stored in one transaction.
    audit.record(
        session,
        staff_email,
        audit.UPDATE_LEAD,
        str(lead.id),
        f"{event.from_status} -> {event.to_status}" if event.to_status else "note",
    )
    return event


def get_lead(session: Session, lead_id: uuid.UUID) -> Lead | None:
    return session.get(Lead, lead_id)


def purge_older_than(session: Session, tracker_db_url: str, days: int) -> tuple[int, int]:
    """Delete leads, and every stored conversation (lead or not), older than `days` days."""
    cutoff = utcnow() - timedelta(days=days)
    # A DELETE answers with a cursor result, which carries the row count.
    result = cast(CursorResult[Any], session.execute(delete(Lead).where(Lead.created_at < cutoff)))
    session.commit()
    return int(result.rowcount or 0), delete_before(tracker_db_url, cutoff)
