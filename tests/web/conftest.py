"""Browser tests: the demo page and its chat widget against the whole product.

The session starts what `make run` starts, each on a free port with its data in a temp dir:
the API (which serves the page), the action server and a Rasa server with the trained model.
Playwright drives Debian's Chromium (/usr/bin/chromium, installed by `make`), headless, with no
browser download.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.processes import (
    MODEL,
    Service,
    Services,
    actions_command,
    api_command,
    free_port,
    prepare_leads_database,
    rasa_command,
    stack_env,
    staff_leads,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "reports" / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SERVICE_TOKEN = "web-tests-service-token-0123"
STAFF_EMAIL = "web-tests@clinic.example"
STAFF_PASSWORD = "web-tests-password-0123"
ADMIN_EMAIL = "web-admin@clinic.example"
ADMIN_PASSWORD = "web-admin-password-0123"
# The flags the machine needs: no sandbox as root, and no background calls to Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Stack:
    site: str  # the API, serving the demo page
    assistants: list[str]  # every Rasa server, the first the one the page talks to
    services: Services
    logs: Path

    @property
    def assistant(self) -> str:
        return self.assistants[0]

    def start(self, name: str) -> None:
        self.services.start(name)

    def stop(self, name: str) -> None:
        self.services.stop(name)

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs.glob("*.log"))

    def chat(self, sender: str, text: str) -> str:
        """One visitor message through Rasa's REST channel; the assistant's reply."""
        response = httpx.post(
            f"{self.assistant}/webhooks/rest/webhook",
            timeout=30,
            json={"sender": sender, "message": text},
        )
        response.raise_for_status()
        return "\n".join(m.get("text", "") for m in response.json())

    def leads(self) -> list[dict[str, Any]]:
        return staff_leads(self.site, STAFF_EMAIL, STAFF_PASSWORD)


def stack_service(
    name: str, command: list[str], ready: str, env: dict[str, str], logs: Path
) -> Service:
    """One process of the stack: its output in logs/<name>.log, up when `ready` answers 200
    within 300 s (as bench and run-scaled allow: loading the model takes Rasa about three
    minutes on a loaded two-core machine), 15 s to stop before it is killed."""
    return Service(
        name,
        command,
        ready=ready,
        env=env,
        cwd=ROOT,
        log=logs / f"{name}.log",
        start_timeout=300,
        poll_every=0.5,
        request_timeout=2,
        stop_timeout=15,
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does it).")
    data = tmp_path_factory.mktemp("web-stack")
    api_port, action_port, rasa_port = free_port(), free_port(), free_port()
    site, assistant = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{rasa_port}"
    env = stack_env(data, api_port, action_port, rasa_port, SERVICE_TOKEN)
    prepare_leads_database(
        env,
        [
            (STAFF_EMAIL, STAFF_PASSWORD, "staff"),
            (ADMIN_EMAIL, ADMIN_PASSWORD, "admin"),
        ],
    )
    logs = (data / "logs").resolve()
    logs.mkdir()
    services = Services(
        [
            stack_service(
                "api",
                api_command(api_port),
                f"{site}/health",
                env,
                logs,
            ),
            stack_service(
                "actions",
                actions_command(action_port),
                f"http://127.0.0.1:{action_port}/health",
                env,
                logs,
            ),
            stack_service(
                "rasa",
                rasa_command(rasa_port),
                f"{assistant}/webhooks/rest/",
                env,
                logs,
            ),
        ]
    )
    with services:
        yield Stack(site, [assistant], services, logs)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: `make install` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
