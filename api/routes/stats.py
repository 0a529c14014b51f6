from typing import Any

from fastapi import APIRouter

from api.deps import SessionDep, SettingsDep, StaffDep
from api.store.stats import summary

router = APIRouter(prefix="/api", tags=["stats"])


@router.get("/stats")
def read_stats(
    session: SessionDep, settings: SettingsDep, _staff: StaffDep, days: int = 30
) -> dict[str, Any]:
    """Leads per day, the status funnel, shares qualified and urgent, top FAQ topics."""
    return summary(session, settings.tracker_db_url, max(1, min(days, 365)))
