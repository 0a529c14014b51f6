import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Response, status

from api.deps import SessionDep, StaffDep, service_caller
from api.lead_store import create_lead, get_lead, list_leads
from api.schemas import LeadCreate, LeadPage, LeadRead

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
    response_model=LeadRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(service_caller)],
    responses={200: {"model": LeadRead, "description": "Replay of an earlier submission, or a "
                     "returning visitor added to their lead of the last 30 days"}},
)
def submit_lead(
    body: LeadCreate, idempotency_key: IdempotencyKey, session: SessionDep, response: Response
) -> LeadRead:
    lead, created = create_lead(session, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return LeadRead.model_validate(lead)


@router.get("", response_model=LeadPage)
def read_leads(
    session: SessionDep,
    _staff: StaffDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> LeadPage:
    rows, total = list_leads(session, limit, offset)
    return LeadPage(items=[LeadRead.model_validate(row) for row in rows], total=total)


@router.get("/{lead_id}", response_model=LeadRead)
def read_lead(lead_id: uuid.UUID, session: SessionDep, _staff: StaffDep) -> LeadRead:
    lead = get_lead(session, lead_id)
    if lead is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No lead with that id.")
    return LeadRead.model_validate(lead)
