import uuid
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    Header,
    HTTPException,
    Query,
    Response,
    status,
)
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from api.core.openapi import Problem
from api.core.rate_limit import limit_lead_creation
from api.deps import AdminDep, SessionDep, SettingsDep, StaffDep, service_caller
from api.models import Lead, LeadStatus, TreatmentInterest
from api.schemas import NO_NUL, IsoDay, LeadCreate, LeadPage, LeadRead, LeadReceipt, LeadUpdate
from api.store import audit
from api.store.export import export_response
from api.store.leads import (
    LeadFilter,
    create_lead,
    get_lead,
    list_leads,
    status_counts,
    update_lead,
)
from api.store.notify import queue_urgent_notifications, send_due_notifications

router = APIRouter(prefix="/api/leads", tags=["leads"])

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="One key per submission; a replay returns the first lead.",
    ),
]


@router.post(
    "",
    response_model=LeadReceipt,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(service_caller), Depends(limit_lead_creation)],
    responses={
        200: {
            "model": LeadReceipt,
            "description": "Replay of an earlier submission (the same Idempotency-Key)",
        },
        429: {"description": "Too many leads from this caller; retry after Retry-After"},
    },
)
def submit_lead(
    body: LeadCreate,
    idempotency_key: IdempotencyKey,
    session: SessionDep,
    response: Response,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> LeadReceipt:
    stored = create_lead(session, body, idempotency_key)
    if not stored.created:
        response.status_code = status.HTTP_200_OK
    elif stored.lead.urgent:
        # Stored first, so a failed or lost send is tried again by the notifier process.
        queue_urgent_notifications(session, settings, stored.lead.id)
        background.add_task(send_due_notifications, session, settings, stored.lead.id)
    return LeadReceipt.model_validate(stored.lead)


def lead_filter(
    status_: Annotated[LeadStatus | None, Query(alias="status")] = None,
    qualified: bool | None = None,
    urgent: bool | None = None,
    in_area: bool | None = None,
    treatment: TreatmentInterest | None = None,
    since: IsoDay | None = None,
    until: IsoDay | None = None,
    q: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
) -> LeadFilter:
    """Query parameters shared by the list and the export."""
    return LeadFilter(status_, qualified, urgent, in_area, treatment, since, until, q)


FilterDep = Annotated[LeadFilter, Depends(lead_filter)]


# The most leads one request reads in full: staff page through them as on the console; the
# bulk read is the admins' audited export.
STAFF_PAGE_LIMIT = 25
ADMIN_PAGE_LIMIT = 200


@router.get("", response_model=LeadPage)
def read_leads(
    session: SessionDep,
    staff: StaffDep,
    filters: FilterDep,
    limit: Annotated[int, Query(ge=1, le=ADMIN_PAGE_LIMIT)] = STAFF_PAGE_LIMIT,
    # Bounded: a huge offset overflowed the database's 64-bit integer (found by schemathesis).
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LeadPage:
    allowed = min(limit, ADMIN_PAGE_LIMIT if staff.is_admin else STAFF_PAGE_LIMIT)
    rows, total = list_leads(session, allowed, offset, filters)
    audit.record(
        session, staff.email, audit.LIST_LEADS, detail=filters.read_detail(len(rows), offset)
    )
    return LeadPage(
        items=[LeadRead.model_validate(row) for row in rows],
        total=total,
        counts=status_counts(session, filters),
        limit=allowed,
        limit_capped=allowed < limit,
    )


@router.get(
    "/export.csv",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}}, 403: {"description": "Not an admin"}},
)
def export_leads(session: SessionDep, admin: AdminDep, filters: FilterDep) -> Response:
    return export_response(session, admin.email, filters)


NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No lead with that id"}
}


@router.get("/{lead_id:uuid}", response_model=LeadRead, responses=NOT_FOUND)
def read_lead(lead_id: uuid.UUID, session: SessionDep, staff: StaffDep) -> LeadRead:
    lead = _lead_or_404(session, lead_id)
    audit.record(session, staff.email, audit.VIEW_LEAD, str(lead.id))
    return LeadRead.model_validate(lead)


@router.patch("/{lead_id:uuid}", response_model=LeadRead, responses=NOT_FOUND)
def change_lead(
    lead_id: uuid.UUID, body: LeadUpdate, session: SessionDep, staff: StaffDep
) -> LeadRead:
    lead = _lead_or_404(session, lead_id)
    update_lead(session, lead, staff.email, body.status, body.note)
    return LeadRead.model_validate(lead)


def _lead_or_404(session: Session, lead_id: uuid.UUID) -> Lead:
    lead = get_lead(session, lead_id)
    if lead is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No lead with that id.")
    return lead
