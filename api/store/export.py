"""Leads as CSV for spreadsheets, safe to open in Excel; every export is audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from fastapi import Response
from sqlalchemy.orm import Session

from api.models import Lead
from api.store import audit
from api.store.leads import LeadFilter, list_leads

EXPORT_LIMIT = 100_000

COLUMNS = [
    "id",
    "created_at",
    "status",
    "urgent",
    "qualified",
    "full_name",
    "phone",
    "email",
    "zip_code",
    "city",
    "state",
    "in_service_area",
    "distance_miles",
    "nearest_clinic",
    "treatment_interest",
    "antidepressants_tried",
    "preferred_contact_time",
    "payment_method",
    "consent_call",
    "consent_text",
    "consent_email",
    "consent_text_version",
    "consented_at",
    "suggested_consult",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    # Added after the first release: at the end, so spreadsheets reading by position still work.
    "crisis_tier",
    "crisis_category",
    "crisis_turn",
    "delivery_note",
]


def cell(value: object) -> str:
    """A spreadsheet cell. Text a visitor typed that starts like a formula ("=HYPERLINK(...") is
    prefixed with an apostrophe, so the spreadsheet shows it instead of running it."""
    if value is None:
        return ""
    text = value.value if hasattr(value, "value") else value
    text = text.isoformat() if hasattr(text, "isoformat") else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def leads_csv(leads: Iterable[Lead]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for lead in leads:
        writer.writerow([cell(getattr(lead, column)) for column in COLUMNS])
    return out.getvalue()


def export_response(session: Session, actor: str, filters: LeadFilter) -> Response:
    """The filtered leads as a CSV download, recorded in the audit log."""
    rows, total = list_leads(session, EXPORT_LIMIT, 0, filters)
    audit.record(
        session, actor, audit.EXPORT, "leads", f"{len(rows)} of {total} leads; {filters.describe()}"
    )
    return Response(
        leads_csv(rows),
        media_type="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="leads.csv"',
            "Cache-Control": "no-store",
        },
    )
