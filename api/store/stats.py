"""Figures for the staff summary page and GET /api/stats."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Lead, LeadEvent, LeadStatus
from clinic.rasa_store import faq_topics

# The path a lead takes; each figure counts leads that reached at least that step.
FUNNEL = [LeadStatus.new, LeadStatus.contacted, LeadStatus.scheduled, LeadStatus.closed]


def summary(session: Session, tracker_db_url: str, days: int = 30) -> dict[str, Any]:
    start = date.today() - timedelta(days=days - 1)
    since = datetime.combine(start, time.min, timezone.utc)
    leads = list(
        session.execute(
            select(Lead.id, Lead.created_at, Lead.status, Lead.qualified, Lead.urgent).where(
                Lead.created_at >= since
            )
        ).all()
    )
    per_day = {start + timedelta(days=i): 0 for i in range(days)}
    for _, created, *_ in leads:
        day = created.astimezone(timezone.utc).date()
        if day in per_day:
            per_day[day] += 1
    reached: dict[str, set[uuid.UUID]] = {s.value: set() for s in FUNNEL}
    for lead_id, _, status, *_ in leads:
        reached[LeadStatus.new.value].add(lead_id)
        if status.value in reached:
            reached[status.value].add(lead_id)
    history = session.execute(
        select(LeadEvent.lead_id, LeadEvent.to_status).where(LeadEvent.to_status.is_not(None))
    ).all()
    ids = {lead_id for lead_id, *_ in leads}
    for lead_id, to_status in history:
        if lead_id in ids and to_status in reached:
            reached[to_status].add(lead_id)
    # A lead scheduled without a recorded "contacted" step was still contacted.
    for later, earlier in zip(FUNNEL[::-1][:-1], FUNNEL[::-1][1:], strict=True):
        reached[earlier.value] |= reached[later.value]
    total = len(leads)
    return {
        "days": days,
        "total": total,
        "per_day": [{"day": day.isoformat(), "leads": count} for day, count in per_day.items()],
        "funnel": [{"status": s.value, "leads": len(reached[s.value])} for s in FUNNEL],
        "share_qualified": round(sum(1 for lead in leads if lead.qualified) / total, 3)
        if total
        else 0.0,
        "share_urgent": round(sum(1 for lead in leads if lead.urgent) / total, 3) if total else 0.0,
        "not_a_fit": sum(1 for lead in leads if lead.status == LeadStatus.not_a_fit),
        "top_faq_topics": [
            {"topic": topic, "asked": count} for topic, count in faq_topics(tracker_db_url, since)
        ],
    }
