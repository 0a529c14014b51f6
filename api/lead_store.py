"""Storing and reading leads, independent of HTTP."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.models import Lead
from api.schemas import LeadCreate


def create_lead(session: Session, data: LeadCreate, idempotency_key: str) -> tuple[Lead, bool]:
    """Store a lead once per idempotency key. Returns (lead, created)."""
    existing = session.scalar(select(Lead).where(Lead.idempotency_key == idempotency_key))
    if existing is not None:
        return existing, False
    lead = Lead(idempotency_key=idempotency_key, **data.model_dump())
    session.add(lead)
    try:
        session.commit()
    except IntegrityError:
        # Two submissions with the same key raced: the other one won, return its lead.
        session.rollback()
        existing = session.scalar(select(Lead).where(Lead.idempotency_key == idempotency_key))
        if existing is None:
            raise
        return existing, False
    return lead, True


def list_leads(session: Session, limit: int, offset: int) -> tuple[list[Lead], int]:
    total = session.scalar(select(func.count()).select_from(Lead)) or 0
    rows = session.scalars(
        select(Lead).order_by(Lead.created_at.desc(), Lead.id).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def get_lead(session: Session, lead_id: uuid.UUID) -> Lead | None:
    return session.get(Lead, lead_id)
