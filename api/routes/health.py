"""Liveness (`GET /health`, which HAProxy polls) and delivery health for monitoring."""

from fastapi import APIRouter, Response, status

from api.core.deliveries import settings_deliveries
from api.deps import SettingsDep
from api.schemas import DeliveriesHealth, Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health() -> Health:
    return Health()


@router.get(
    "/health/deliveries",
    response_model=DeliveriesHealth,
    responses={503: {"model": DeliveriesHealth, "description": "Something needs a person"}},
)
def deliveries(settings: SettingsDep, response: Response) -> DeliveriesHealth:
    """503 when a lead has waited longer than DELIVERY_ALERT_MINUTES, needs a person, was
    refused or could not be read, or when a process keeps failing to start."""
    found = settings_deliveries(settings)
    if found.problems:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return DeliveriesHealth(**found.as_dict())
