"""The leads API application. `uvicorn api.main:create_app --factory` serves it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.core import openapi
from api.core.body_limit import BodyLimit
from api.core.config import Settings, get_settings
from api.core.login import LoginLimits
from api.core.rate_limit import RateLimit
from api.routes import auth, health, leads, site, staff, staff_login, stats
from clinic import log_guard

# What an HTTP middleware is given to pass the request on.
CallNext = Callable[[Request], Awaitable[Response]]

STAFF_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    log_guard.install()  # before the first request: uvicorn's and SQLAlchemy's records too
    settings = settings or get_settings()
    app = FastAPI(title="Clinic leads API", version="0.1.0")
    app.state.lead_rate_limit = RateLimit(settings.lead_rate_limit, settings.rate_limit_storage_url)
    app.state.login_limits = LoginLimits.from_settings(settings)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_methods=["GET", "POST", "PATCH"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
    )

    # Outermost of the project's middleware: counts chunked bodies too, before any route reads.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    @app.exception_handler(staff.LoginRequired)
    async def to_login_page(_request: Request, exc: staff.LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/staff/login?next={quote(exc.next_url)}", status_code=303)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: CallNext) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.path.startswith("/staff"):
            # Pages with health details: no framing, no outside scripts, styles or images.
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = STAFF_CSP
        return response

    @app.exception_handler(RequestValidationError)
    async def readable_validation_error(
        _request: Request, exc: RequestValidationError
    ) -> JSONResponse:
        # FastAPI's default body echoes the input back (contact details included): keep the
        # field and the reason only.
        errors = [
            {
                "field": ".".join(str(part) for part in err["loc"][1:]) or err["loc"][0],
                "message": err["msg"].removeprefix("Value error, "),
            }
            for err in exc.errors()
        ]
        return JSONResponse(
            status_code=422,
            content={"detail": "The request is not valid.", "errors": errors},
        )

    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(leads.router)
    app.include_router(stats.router)
    app.include_router(staff.router)
    app.include_router(staff_login.router)
    app.include_router(site.router)
    # The page's stylesheet, the widget loader and the widget bundle (api/web/build_widget.py).
    openapi.install(app)
    app.mount("/static", StaticFiles(directory=site.WEB_DIR / "static"), name="static")
    return app
