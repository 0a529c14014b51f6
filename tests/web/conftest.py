"""Browser tests: the demo page and its chat widget against the whole product.

The session starts what `make run` starts, each on a free port with its data in a temp dir:
the API (which serves the page), the action server and a Rasa server with the trained model.
Playwright drives Debian's Chromium (/usr/bin/chromium, installed by `make`), headless, with no
browser download.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
API_BIN = ROOT / ".venv" / "api" / "bin"
BOT_BIN = ROOT / ".venv" / "bot" / "bin"
MODEL = ROOT / "models" / "assistant.tar.gz"
SCREENSHOTS = ROOT / "reports" / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SERVICE_TOKEN = "web-tests-service-token-0123"
STAFF_EMAIL = "web-tests@clinic.example"
STAFF_PASSWORD = "web-tests-password-0123"
ADMIN_EMAIL = "web-admin@clinic.example"
ADMIN_PASSWORD = "web-admin-password-0123"
# The flags the machine needs: no sandbox as root, and no background calls to Google.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up within {timeout} s")


@dataclass
class Stack:
    site: str  # the API, serving the demo page
    assistant: str  # Rasa
    processes: dict[str, subprocess.Popen[bytes]]
    commands: dict[str, tuple[list[str], str]]
    env: dict[str, str]
    logs: Path

    def start(self, name: str) -> None:
        command, health = self.commands[name]
        with open(self.logs / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                                    stderr=subprocess.STDOUT)
        wait_until_up(health, self.processes[name])

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        process.wait(timeout=15)

    @contextmanager
    def running(self) -> Iterator[Stack]:
        """Every process started (and up), then all stopped, killed if they do not stop."""
        try:
            for name in self.commands:
                self.start(name)
            yield self
        finally:
            for process in self.processes.values():
                process.terminate()
            for process in self.processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs.glob("*.log"))

    def chat(self, sender: str, text: str) -> str:
        """One visitor message through Rasa's REST channel; the assistant's reply."""
        response = httpx.post(f"{self.assistant}/webhooks/rest/webhook", timeout=30,
                              json={"sender": sender, "message": text})
        response.raise_for_status()
        return "\n".join(m.get("text", "") for m in response.json())

    def leads(self) -> list[dict[str, Any]]:
        token = httpx.post(f"{self.site}/api/auth/token",
                           data={"username": STAFF_EMAIL, "password": STAFF_PASSWORD}).json()
        response = httpx.get(f"{self.site}/api/leads?limit=200",
                             headers={"Authorization": f"Bearer {token['access_token']}"})
        response.raise_for_status()
        return response.json()["items"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first (make test does it).")
    data = tmp_path_factory.mktemp("web-stack")
    api_port, action_port, rasa_port = free_port(), free_port(), free_port()
    site, assistant = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{rasa_port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore",
        "DATABASE_URL": f"sqlite:///{data / 'leads.db'}",
        "SECRET_KEY": "web-tests-secret-key-0123456789",
        "LEADS_SERVICE_TOKEN": SERVICE_TOKEN,
        "ASSISTANT_URL": assistant,
        "CORS_ORIGINS": site,
        "LEADS_API_URL": site,
        "OUTBOX_DIR": str(data / "outbox"),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "RASA_TRACKER_DIALECT": "sqlite",
        "RASA_TRACKER_DB": str(data / "tracker.db"),
        "RASA_TRACKER_URL": "",
        "RASA_LOCK_STORE": "in_memory",
        "RASA_REDIS_HOST": "127.0.0.1",
        "RASA_REDIS_PORT": "6379",
        "RASA_REDIS_DB": "1",
        "TRACKER_DB_URL": f"sqlite:///{data / 'tracker.db'}",
        "RASA_CORS_ORIGINS": site,
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
    }
    subprocess.run([str(API_BIN / "alembic"), "-c", "api/alembic.ini", "upgrade", "head"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    for email, password, role in ((STAFF_EMAIL, STAFF_PASSWORD, "staff"),
                                  (ADMIN_EMAIL, ADMIN_PASSWORD, "admin")):
        subprocess.run([str(API_BIN / "python"), "-m", "api.cli", "staff-user", "--email",
                        email, "--password", password, "--role", role],
                       cwd=ROOT, env=env, check=True, capture_output=True)
    logs = (data / "logs").resolve()
    logs.mkdir()
    commands = {
        "api": ([str(API_BIN / "uvicorn"), "api.main:create_app", "--factory", "--host",
                 "127.0.0.1", "--port", str(api_port)], f"{site}/health"),
        "actions": ([str(BOT_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                     "--port", str(action_port)], f"http://127.0.0.1:{action_port}/health"),
        "rasa": ([str(BOT_BIN / "rasa"), "run", "--model", str(MODEL), "--endpoints",
                  "endpoints.yml", "--credentials", "credentials.yml", "--interface",
                  "127.0.0.1", "--port", str(rasa_port)], f"{assistant}/webhooks/rest/"),
    }
    with Stack(site, assistant, {}, commands, env, logs).running() as stack:
        yield stack


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: `make install` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
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
