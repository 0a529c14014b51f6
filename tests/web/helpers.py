"""Talking to the assistant through the widget, as a visitor does."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

# A bot message bubble in rasa-webchat (the typing indicator is a bubble too: not counted).
BOT = ".rw-message:not(.rw-typing-indication) .rw-response"
VISITOR = ".rw-client"  # a visitor message bubble


OPEN_LABEL = "Open the chat with the clinic's assistant"


def open_chat(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.get_by_role("button", name=OPEN_LABEL).click()
    page.locator(BOT).first.wait_for()


def reopen_if_closed(page: Page) -> None:
    """After a reload the widget restores its own open/closed state."""
    page.locator(".rw-launcher").wait_for(state="attached")
    if page.locator(".rw-launcher[aria-expanded='false']").count():
        page.get_by_role("button", name=OPEN_LABEL).click()


def bot_messages(page: Page) -> Locator:
    return page.locator(BOT)


def say(page: Page, text: str) -> str:
    """Send `text` and return what the bot answered to it (all its new bubbles)."""
    before = bot_messages(page).count()
    field = page.get_by_role("textbox", name="Your message")
    field.fill(text)
    field.press("Enter")
    page.wait_for_function(
        "([selector, count]) => document.querySelectorAll(selector).length > count",
        arg=[BOT, before],
    )
    # Replies can come as several bubbles: wait until no new one arrives for a moment.
    count = -1
    while count != bot_messages(page).count():
        count = bot_messages(page).count()
        page.wait_for_timeout(700)
    return "\n".join(bot_messages(page).nth(i).inner_text() for i in range(before, count))
