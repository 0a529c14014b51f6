"""A visitor on the demo page: greeting, FAQ, quick replies, reload, crisis links, a lead."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import Stack
from tests.web.helpers import BOT, VISITOR, bot_messages, open_chat, reopen_if_closed, say


def conversation_id(page: Page) -> str:
    return page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")


def test_page_shows_the_clinic_and_the_greeting_opens_the_chat(
    page: Page, stack: Stack, screenshots: Path
) -> None:
    page.goto(stack.site + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Los Angeles and Santa Monica")
    expect(page.get_by_role("link", name="988").first).to_have_attribute("href", "tel:988")
    page.screenshot(path=str(screenshots / "page.png"))

    page.get_by_role("button", name="Open the chat with the clinic's assistant").click()
    greeting = page.locator(BOT).first
    expect(greeting).to_contain_text("automated assistant")
    expect(greeting).to_contain_text("not for emergencies")
    expect(page.get_by_role("log", name="Conversation")).to_be_visible()
    page.screenshot(path=str(screenshots / "widget-open.png"))


def test_a_question_gets_its_answer(page: Page, stack: Stack) -> None:
    open_chat(page, stack.site)
    answer = say(page, "whats the differnce between spravato and iv ketamine?")
    assert "esketamine" in answer.lower() or "nasal spray" in answer.lower()


def test_quick_reply_buttons_can_be_clicked(page: Page, stack: Stack) -> None:
    open_chat(page, stack.site)
    before = bot_messages(page).count()
    page.get_by_role("button", name="What is TMS?").click()
    expect(page.locator(VISITOR).last).to_contain_text("What is TMS?")
    expect(bot_messages(page)).not_to_have_count(before)
    expect(bot_messages(page).last).to_contain_text("magnetic")


def test_the_conversation_survives_reload_and_navigation(page: Page, stack: Stack) -> None:
    open_chat(page, stack.site)
    say(page, "what are your hours")
    count = bot_messages(page).count()
    session_id = conversation_id(page)
    assert len(session_id) == 32  # issued by the server: a random UUID
    page.reload()
    reopen_if_closed(page)
    expect(page.locator(VISITOR).last).to_contain_text("what are your hours")
    expect(bot_messages(page)).to_have_count(count)
    page.goto(stack.site + "/?from=another-page")
    reopen_if_closed(page)
    expect(page.locator(VISITOR).last).to_contain_text("what are your hours")
    assert conversation_id(page) == session_id


def test_crisis_message_gets_988_as_a_clickable_link(page: Page, stack: Stack) -> None:
    open_chat(page, stack.site)
    answer = say(page, "i dont want to be alive anymore")
    assert "988" in answer and "741741" in answer
    messages = page.locator(".rw-messages-container")
    expect(messages.locator(".rw-response a[href='tel:988']").last).to_be_visible()
    expect(messages.locator(".rw-response a[href='tel:911']").last).to_be_visible()


def test_a_visitor_becomes_a_lead_through_the_widget(page: Page, stack: Stack) -> None:
    open_chat(page, stack.site)
    steps = [
        ("I'd like to book a free consultation for TMS", "18 or older"),
        ("yes", "ZIP code or city"),
        ("Santa Monica", "How many antidepressants"),
        ("two", "full name"),
        ("Dana Whitfield", "phone number"),
        ("310 555 0199", "email"),
        ("dana.whitfield@example.com", "best time"),
        ("weekday mornings", "expect to pay"),
        ("insurance", "contact you"),
        ("yes", "Here is what I'll send"),
        ("yes", "Thank you"),
    ]
    for message, expected in steps:
        assert expected in say(page, message), f"after {message!r}"
    [lead] = [lead for lead in stack.leads() if lead["email"] == "dana.whitfield@example.com"]
    assert (lead["full_name"], lead["phone"], lead["treatment_interest"]) == (
        "Dana Whitfield",
        "+13105550199",
        "tms",
    )
    assert lead["city"] == "Santa Monica" and lead["qualified"]


def test_the_page_makes_no_third_party_request(browser: Browser, stack: Stack) -> None:
    context = browser.new_context()
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    open_chat(page, stack.site)
    say(page, "where are you located")
    context.close()
    assert hosts == {"127.0.0.1"}


def test_widget_works_with_the_keyboard_on_a_phone_sized_screen(
    browser: Browser, stack: Stack
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(stack.site + "/")
    launcher = page.get_by_role("button", name="Open the chat with the clinic's assistant")
    launcher.focus()
    page.keyboard.press("Enter")
    field = page.get_by_role("textbox", name="Your message")
    expect(field).to_be_visible()
    box = field.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    field.focus()
    page.keyboard.type("is tms painful")
    page.keyboard.press("Enter")
    expect(page.locator(VISITOR).last).to_contain_text("is tms painful")
    context.close()


def test_chat_channels_refuse_other_sites(stack: Stack) -> None:
    polling = f"{stack.assistant}/socket.io/?EIO=4&transport=polling"
    assert httpx.get(polling, headers={"Origin": "https://elsewhere.example"}).status_code == 400
    assert httpx.get(polling, headers={"Origin": stack.site}).status_code == 200
    rest = f"{stack.assistant}/webhooks/rest/webhook"
    body = {"sender": "origin-check", "message": "hi"}
    refused = httpx.post(rest, json=body, headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 403
    assert httpx.post(rest, json=body, headers={"Origin": stack.site}).status_code == 200
