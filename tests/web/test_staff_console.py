"""Front-desk staff in a real browser, on leads captured by real conversations."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from tests.web.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, Stack

SCRIPT = "<script>alert(1)</script>"


def urgent_lead_from_a_conversation(stack: Stack) -> str:
    """A visitor types markup, says they are in crisis, then books: the lead is urgent."""
    sender = uuid.uuid4().hex
    stack.chat(sender, SCRIPT)
    assert "988" in stack.chat(sender, "i've been thinking about ending my life")
    for message in (
        "I'd like to book a free consultation",
        "ketamine",
        "yes",
        "90026",
        "two",
        "Ana Torres",
        "213-555-0199",
        "skip",
        "weekday mornings",
        "insurance",
        "yes",
    ):
        stack.chat(sender, message)
    assert "Thank you" in stack.chat(sender, "yes")
    [lead] = [lead for lead in stack.leads() if lead["conversation_id"] == sender]
    assert lead["urgent"]
    return lead["id"]


def log_in(page: Page, stack: Stack, email: str, password: str) -> None:
    page.goto(stack.site + "/staff")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Leads")).to_be_visible()


def test_front_desk_works_an_urgent_lead(page: Page, stack: Stack, screenshots: Path) -> None:
    lead_id = urgent_lead_from_a_conversation(stack)
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)

    log_in(page, stack, ADMIN_EMAIL, ADMIN_PASSWORD)
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("URGENT")
    expect(first_row).to_contain_text("Ana Torres")
    page.screenshot(path=str(screenshots / "staff-leads.png"), full_page=True)
    first_row.get_by_role("link", name="Ana Torres").click()

    expect(page).to_have_url(f"{stack.site}/staff/leads/{lead_id}")
    expect(page.get_by_role("alert")).to_contain_text("signs of crisis")
    conversation = page.locator(".transcript")
    expect(conversation).to_contain_text("ending my life")
    expect(conversation).to_contain_text(SCRIPT)  # shown as text, never run
    expect(conversation).to_contain_text(
        "Call or text 988"
    )  # Markdown links read as the widget shows them
    expect(conversation).not_to_contain_text("](tel:")
    expect(page.get_by_text("+12135550199")).to_be_visible()

    page.get_by_label("New status").select_option("contacted")
    page.get_by_label("Note").fill("Called back at 10:05, safe, booked for Tuesday.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Status: contacted")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("new → contacted")
    expect(page.locator(".history")).to_contain_text(ADMIN_EMAIL)
    page.screenshot(path=str(screenshots / "staff-lead.png"), full_page=True)

    page.get_by_role("link", name="All leads").click()
    page.get_by_label("Urgent").select_option("yes")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert any(row["id"] == lead_id and row["status"] == "contacted" for row in rows)

    page.get_by_role("link", name="Summary").click()
    expect(page.get_by_role("img", name="Leads per day, last 30 days")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{stack.site}/staff/leads/{lead_id}")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert dialogs == []


def test_staff_role_has_no_export(page: Page, stack: Stack) -> None:
    log_in(page, stack, STAFF_EMAIL, STAFF_PASSWORD)
    expect(page.get_by_role("link", name="Export CSV")).to_have_count(0)
    response = page.request.get(stack.site + "/staff/export.csv")
    assert response.status == 403


AXE = (
    Path(__file__).resolve().parents[2] / "api" / "web" / "node_modules" / "axe-core" / "axe.min.js"
)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    found = page.evaluate(
        "async () => (await axe.run()).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    return list(found)


def test_every_console_page_passes_axe(page: Page, stack: Stack) -> None:
    """The console's pages for an admin, a lead with a transcript included."""
    lead_id = urgent_lead_from_a_conversation(stack)
    # An init script is injected by the browser itself: the pages' CSP does not apply to it.
    page.add_init_script(path=str(AXE))
    page.goto(stack.site + "/staff/login")
    findings = {"/staff/login": serious_violations(page)}
    log_in(page, stack, ADMIN_EMAIL, ADMIN_PASSWORD)
    for path in ("/staff", f"/staff/leads/{lead_id}", "/staff/summary", "/staff/audit"):
        page.goto(stack.site + path)
        findings[path] = serious_violations(page)
    page.goto(stack.site + "/staff/users")
    findings["/staff/users"] = serious_violations(page)
    assert findings == {path: [] for path in findings}
