"""The demo clinic page (GET /) with the chat widget; its facts come from the clinic profile."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep
from clinic.profile import TREATMENT_NAMES, load_profile, tel_uri

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
templates = Jinja2Templates(directory=WEB_DIR / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, settings: SettingsDep) -> HTMLResponse:
    profile = load_profile(settings.clinic_profile_path)
    clinics = [
        {
            "name": c.name,
            "address": c.address,
            "treatments": [TREATMENT_NAMES.get(t, t) for t in c.treatments],
        }
        for c in profile.clinics
    ]
    cities = " and ".join(c.address.rsplit(",", 2)[-2].strip() for c in profile.clinics)
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "clinic": profile.raw,
            "clinics": clinics,
            "cities": cities,
            "phone": profile.raw["phone"],
            "phone_tel": tel_uri(profile.raw["phone"]),
            "hours": profile.raw["hours"],
            "free_consultation": bool(profile.raw.get("first_consultation_free")),
            # The profile may mark a value "[placeholder]"; the link takes the address alone.
            "privacy_url": profile.raw["privacy_notice_url"].split()[0],
            "assistant_url": settings.assistant_url,
        },
    )
