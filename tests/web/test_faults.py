"""Faults a visitor must not feel: the action server down, Rasa restarting in the middle of the
form, Rasa down while the widget is open; and what must never happen: contact details in a log
line."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page

from tests.web.conftest import Stack
from tests.web.helpers import open_chat, say


def test_action_server_down_gets_an_apology_with_the_clinic_phone(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    assert "Spravato" in stack.chat(sender, "what is spravato")
    stack.stop("actions")
    try:
        reply = stack.chat(sender, "I'd like to book a free consultation, my name is Lee Park")
        follow_up = stack.chat(sender, "ketamine")
    finally:
        stack.start("actions")
    for text in (reply, follow_up):
        assert text.strip(), "the visitor was left in silence"
    assert "555-0142" in reply + follow_up and "988" in reply + follow_up
    # FAQ answers never needed the action server and keep working.
    assert "magnetic" in stack.chat(uuid.uuid4().hex, "what is tms")


def test_a_rasa_restart_in_the_middle_of_the_form_resumes_it(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    stack.chat(sender, "I'd like to book a free consultation")
    stack.chat(sender, "tms")
    assert "ZIP code or city" in stack.chat(sender, "yes")
    stack.stop("rasa")
    stack.start("rasa")
    assert "How many antidepressants" in stack.chat(sender, "Santa Monica")


def test_no_phone_or_email_in_any_log_line(stack: Stack) -> None:
    sender = uuid.uuid4().hex
    for message in (
        "I'd like to book a free consultation for spravato",
        "yes",
        "90401",
        "three",
        "Rowan Quillfeather",
        "(310) 555-0177",
        "rowan.quill@example.org",
        "evenings",
        "insurance",
        "yes",
        "yes",
    ):
        stack.chat(sender, message)
    assert any(lead["email"] == "rowan.quill@example.org" for lead in stack.leads())
    logs = stack.log_text()
    for detail in ("555-0177", "5550177", "rowan.quill@example.org", "Quillfeather"):
        assert detail not in logs
    assert httpx.get(f"{stack.site}/health").status_code == 200


def test_the_widget_says_when_the_assistant_is_down_and_goes_on_when_it_is_back(
    stack: Stack, page: Page, screenshots: Path
) -> None:
    open_chat(page, stack.site)
    assert "magnetic" in say(page, "what is tms")
    stack.stop("rasa")
    try:
        # The socket drops with Rasa: the notice comes without the visitor typing anything.
        notice = page.locator("#assistant-offline")
        notice.wait_for(state="visible", timeout=15_000)
        text = notice.inner_text()
        assert "988" in text and "911" in text and "555-0142" in text
        page.screenshot(path=str(screenshots / "assistant-offline.png"))
    finally:
        stack.start("rasa")
    # socket.io reconnects on its own; the notice goes and the conversation goes on.
    notice.wait_for(state="detached", timeout=60_000)
    assert "Spravato" in say(page, "what is spravato")
