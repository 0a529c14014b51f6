"""Leads as CSV for spreadsheets, safe to open in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from api.models import Lead

COLUMNS = [
    "id", "created_at", "status", "urgent", "qualified", "full_name", "phone", "email",
    "zip_code", "city", "state", "in_service_area", "distance_miles", "nearest_clinic",
    "treatment_interest", "antidepressants_tried", "preferred_contact_time", "payment_method",
    "consent_call", "consent_text", "consent_email", "consent_text_version", "consented_at",
    "suggested_consult", "utm_source", "utm_medium", "utm_campaign",
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
