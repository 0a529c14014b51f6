"""The staff console (/staff): server-rendered pages over the same stores as the JSON API.

Jinja2 escapes everything it prints, so a visitor's "<script>" is shown as text. Sessions, idle
expiry and CSRF are in api/core/sessions.py; logins are throttled and audited (api/core/login.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.core import sessions
from api.core.deliveries import DeliveryHealth, settings_deliveries
from api.deps import SessionDep, SettingsDep
from api.models import LeadStatus, StaffRole, StaffUser, TreatmentInterest
from api.routes.site import templates
from api.schemas import NO_NUL
from api.store import audit
from api.store.export import export_response
from api.store.leads import LeadFilter, get_lead, list_leads, status_counts, update_lead
from api.store.staff import (
    CONSOLE_SESSION,
    all_staff,
    live_session_user,
    set_active,
    upsert_staff_user,
)
from api.store.stats import summary
from clinic.rasa_store import transcripts

router = APIRouter(prefix="/staff", include_in_schema=False)
PAGE_SIZE = 25
MIN_PASSWORD_LENGTH = 12


class LoginRequired(Exception):
    """Raised by page dependencies; api.main turns it into a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


@dataclass
class Console:
    """The signed-in staff member and what a page needs to answer them."""

    user: StaffUser
    session: sessions.StaffSession
    csrf: str
    token: str  # the refreshed session cookie
    idle_minutes: int
    deliveries: DeliveryHealth  # the banner when leads are stuck (api/core/deliveries.py)


def console(request: Request, session: SessionDep, settings: SettingsDep) -> Console:
    secret = settings.secret_key.get_secret_value()
    current = sessions.read(request.cookies.get(sessions.COOKIE), secret)
    user = live_session_user(session, current.session_id, CONSOLE_SESSION) if current else None
    if current is None or user is None or user.id != current.user_id:
        raise LoginRequired(str(request.url.path))
    token = sessions.issue(user.id, secret, settings.session_idle_minutes, current.session_id)
    csrf, idle = sessions.csrf_token(current, secret), settings.session_idle_minutes
    return Console(user, current, csrf, token, idle, settings_deliveries(settings))


ConsoleDep = Annotated[Console, Depends(console)]


def admin_console(page: ConsoleDep) -> Console:
    if not page.user.is_admin:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="Only an admin may do this."
        )
    return page


AdminConsoleDep = Annotated[Console, Depends(admin_console)]


def checked(page: Console, settings: SettingsDep, csrf: str | None) -> None:
    if not sessions.csrf_ok(page.session, settings.secret_key.get_secret_value(), csrf):
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="The form expired or came from another site: reload the page.",
        )


def render(
    request: Request,
    page: Console | None,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    me, csrf, deliveries = (page.user, page.csrf, page.deliveries) if page else (None, "", None)
    context = {**context, "me": me, "csrf": csrf, "deliveries": deliveries}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # lead details stay out of browser caches
    if page is not None:
        sessions.set_cookie(response, request, page.token, page.idle_minutes)
    return response


def redirect(request: Request, page: Console, url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
    sessions.set_cookie(response, request, page.token, page.idle_minutes)
    return response


def safe_next(url: str | None) -> str:
    return url if url and url.startswith("/staff") and not url.startswith("//") else "/staff"


# --- leads ---------------------------------------------------------------------------------
def _bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def page_filter(
    status_: Annotated[str | None, Query(alias="status")] = None,
    qualified: str | None = None,
    urgent: str | None = None,
    in_area: str | None = None,
    treatment: str | None = None,
    since: str | None = None,
    until: str | None = None,
    q: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
) -> LeadFilter:
    """The list's filter form; an empty or unknown choice means "any" (never an error page)."""

    def day(value: str | None) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    return LeadFilter(
        status=LeadStatus(status_) if status_ in LeadStatus.__members__ else None,
        qualified=_bool(qualified),
        urgent=_bool(urgent),
        in_area=_bool(in_area),
        treatment=TreatmentInterest(treatment)
        if treatment in TreatmentInterest.__members__
        else None,
        since=day(since),
        until=day(until),
        q=(q or "").strip() or None,
    )


PageFilterDep = Annotated[LeadFilter, Depends(page_filter)]


@router.get("", response_class=HTMLResponse)
def lead_list(
    request: Request,
    page: ConsoleDep,
    session: SessionDep,
    filters: PageFilterDep,
    p: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    rows, total = list_leads(session, PAGE_SIZE, (p - 1) * PAGE_SIZE, filters)
    audit.record(
        session,
        page.user.email,
        audit.LIST_LEADS,
        detail=filters.read_detail(len(rows), (p - 1) * PAGE_SIZE),
    )
    query = {k: v for k, v in request.query_params.items() if k != "p" and v}
    return render(
        request,
        page,
        "staff/leads.html",
        {
            "leads": rows,
            "total": total,
            "counts": status_counts(session, filters),
            "filters": filters,
            "query": query,
            "page": p,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "qs": urlencode(query),
            "statuses": list(LeadStatus),
            "treatments": list(TreatmentInterest),
        },
    )


@router.get("/export.csv")
def export(page: AdminConsoleDep, session: SessionDep, filters: PageFilterDep) -> Response:
    return export_response(session, page.user.email, filters)


@router.get("/leads/{lead_id}", response_class=HTMLResponse)
def lead_page(
    request: Request,
    lead_id: uuid.UUID,
    page: ConsoleDep,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    lead = get_lead(session, lead_id)
    if lead is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No lead with that id.")
    audit.record(session, page.user.email, audit.VIEW_LEAD, str(lead.id))
    conversation_ids = [lead.conversation_id] + [c.conversation_id for c in lead.contacts]
    return render(
        request,
        page,
        "staff/lead.html",
        {
            "lead": lead,
            "statuses": list(LeadStatus),
            "contact_ways": [
                way
                for way, ok in (
                    ("call", lead.consent_call),
                    ("text", lead.consent_text),
                    ("email", lead.consent_email),
                )
                if ok
            ],
            "transcripts": transcripts(settings.tracker_db_url, conversation_ids),
        },
    )


@router.post("/leads/{lead_id}")
def work_lead(
    request: Request,
    lead_id: uuid.UUID,
    page: ConsoleDep,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str | None, Form()] = None,
    new_status: Annotated[str | None, Form(alias="status")] = None,
    note: Annotated[str | None, Form(max_length=2000, pattern=NO_NUL)] = None,
) -> RedirectResponse:
    checked(page, settings, csrf)
    lead = get_lead(session, lead_id)
    if lead is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No lead with that id.")
    chosen = LeadStatus(new_status) if new_status in LeadStatus.__members__ else None
    update_lead(session, lead, page.user.email, chosen, note)
    return redirect(request, page, f"/staff/leads/{lead.id}")


# --- summary, audit, accounts ---------------------------------------------------------------
@router.get("/summary", response_class=HTMLResponse)
def summary_page(
    request: Request, page: ConsoleDep, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    figures = summary(session, settings.tracker_db_url)
    return render(
        request,
        page,
        "staff/summary.html",
        {"s": figures, "peak": max([d["leads"] for d in figures["per_day"]] + [1])},
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, page: AdminConsoleDep, session: SessionDep) -> HTMLResponse:
    return render(request, page, "staff/audit.html", {"entries": audit.recent(session)})


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request, page: AdminConsoleDep, session: SessionDep, error: str | None = None
) -> HTMLResponse:
    return render(
        request,
        page,
        "staff/users.html",
        {"users": all_staff(session), "roles": list(StaffRole), "error": error},
    )


@router.post("/users", response_model=None)
def add_user(
    request: Request,
    page: AdminConsoleDep,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320, pattern=NO_NUL)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form()] = "staff",
    csrf: Annotated[str | None, Form()] = None,
) -> Response:
    checked(page, settings, csrf)
    if "@" not in email or len(password) < MIN_PASSWORD_LENGTH or role not in StaffRole.__members__:
        return render(
            request,
            page,
            "staff/users.html",
            {
                "users": all_staff(session),
                "roles": list(StaffRole),
                "error": f"Give an email address, a role, and a password of at least "
                f"{MIN_PASSWORD_LENGTH} characters.",
            },
            status_code=422,
        )
    user, created = upsert_staff_user(session, email, password, StaffRole(role))
    audit.record(
        session,
        page.user.email,
        audit.MANAGE_STAFF,
        user.email,
        f"{'created' if created else 'reset'} as {user.role.value}",
    )
    return redirect(request, page, "/staff/users")


@router.post("/users/{user_id}/active")
def toggle_user(
    request: Request,
    user_id: int,
    page: AdminConsoleDep,
    session: SessionDep,
    settings: SettingsDep,
    active: Annotated[str, Form()],
    csrf: Annotated[str | None, Form()] = None,
) -> RedirectResponse:
    checked(page, settings, csrf)
    if user_id == page.user.id:
        raise HTTPException(
            status_code=status.HTTP_400_BAD_REQUEST,
            detail="You cannot deactivate your own account.",
        )
    user = set_active(session, user_id, active == "yes")
    if user is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No such account.")
    audit.record(
        session,
        page.user.email,
        audit.MANAGE_STAFF,
        user.email,
        "activated" if user.is_active else "deactivated",
    )
    return redirect(request, page, "/staff/users")
