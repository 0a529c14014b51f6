"""Storing and reading leads, independent of HTTP."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.models import Lead, LeadContact, utcnow
from api.schemas import LeadCreate

# A visitor who comes back within this time is the same lead, not a new one.
REPEAT_WINDOW = timedelta(days=30)


def _lead_for_key(session: Session, key: str) -> Lead | None:
    lead = session.scalar(select(Lead).where(Lead.idempotency_key == key))
    if lead is None:
        contact = session.scalar(select(LeadContact).where(LeadContact.idempotency_key == key))
        lead = contact.lead if contact is not None else None
    return lead


def _recent_lead_of_same_visitor(session: Session, data: LeadCreate) -> Lead | None:
    same_person = [Lead.phone == data.phone] if data.phone else []
    same_person += [Lead.email == data.email] if data.email else []
    return session.scalar(
        select(Lead)
        .where(or_(*same_person), Lead.created_at >= utcnow() - REPEAT_WINDOW)
        .order_by(Lead.created_at.desc())
        .limit(1)
    )


def create_lead(session: Session, data: LeadCreate, idempotency_key: str) -> tuple[Lead, bool]:
    """Store a submission once per idempotency key. Returns (lead, created).

    A visitor with the same phone or email as a lead of the last 30 days is added to that
    lead as a repeat contact (its status and notes stay as they are); it is flagged urgent
    when the new conversation was.
    """
    existing = _lead_for_key(session, idempotency_key)
    if existing is not None:
        return existing, False
    returning = _recent_lead_of_same_visitor(session, data)
    if returning is not None:
        session.add(LeadContact(
            lead=returning, idempotency_key=idempotency_key, conversation_id=data.conversation_id,
            treatment_interest=data.treatment_interest.value, urgent=data.urgent,
        ))
        returning.urgent = returning.urgent or data.urgent
        lead, created = returning, False
    else:
        lead, created = Lead(idempotency_key=idempotency_key, **data.model_dump()), True
        session.add(lead)
    try:
        session.commit()
    except IntegrityError:
        # Two submissions with the same key raced: the other one won, return its lead.
        session.rollback()
        existing = _lead_for_key(session, idempotency_key)
        if existing is None:
            raise
        return existing, False
    return lead, created


def list_leads(session: Session, limit: int, offset: int) -> tuple[list[Lead], int]:
    total = session.scalar(select(func.count()).select_from(Lead)) or 0
    rows = session.scalars(
        select(Lead).order_by(Lead.created_at.desc(), Lead.id).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def get_lead(session: Session, lead_id: uuid.UUID) -> Lead | None:
    return session.get(Lead, lead_id)
