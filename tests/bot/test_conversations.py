"""Whole conversations against the trained model, the action server and the leads API."""

from __future__ import annotations

import pytest

from tests.bot.conftest import LeadsApi, Visitor

pytestmark = pytest.mark.conversation

ASK_TREATMENT = "Which treatment"
ASK_LOCATION = "ZIP code or city"
ASK_NAME = "full name"
ASK_PHONE = "phone number"
ASK_EMAIL = "email address"
ASK_CONSENT = "May the clinic contact you"


def test_greeting_discloses_bot_and_emergency_line(visitor: Visitor) -> None:
    reply = visitor.says("hello")
    assert "automated assistant" in reply
    assert "988" in reply


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what is spravato", "esketamine"),
        ("how does TMS work?", "magnetic"),
        ("tell me about iv ketamine infusions", "off-label"),
        ("where are you located", "Santa Monica"),
        ("is the consultation free?", "free"),
    ],
)
def test_faq_answers(visitor: Visitor, question: str, expected: str) -> None:
    assert expected in visitor.says(question)


def test_happy_path_stores_lead_with_e164_phone(visitor: Visitor, leads_api: LeadsApi) -> None:
    assert ASK_TREATMENT in visitor.says("I'd like to book a free consultation")
    assert ASK_LOCATION in visitor.says("spravato")
    assert ASK_NAME in visitor.says("90401")
    assert ASK_PHONE in visitor.says("Maria Lopez")
    assert ASK_EMAIL in visitor.says("(310) 555-0123")
    assert ASK_CONSENT in visitor.says("Maria.Lopez@Example.com")
    assert "Thank you, Maria Lopez" in visitor.says("yes")

    [lead] = leads_api.leads_for(visitor.sender_id)
    assert lead["full_name"] == "Maria Lopez"
    assert lead["phone"] == "+13105550123"
    assert lead["email"] == "maria.lopez@example.com"
    assert lead["zip_code"] == "90401"
    assert lead["city"] == "Santa Monica"
    assert lead["state"] == "CA"
    assert lead["treatment_interest"] == "spravato"
    assert lead["contact_consent"] is True
    assert lead["status"] == "new"


def test_details_in_first_message_are_not_asked_again(visitor: Visitor, leads_api: LeadsApi) -> None:
    reply = visitor.says(
        "I'm David Kim, text me at 213-555-0177, I live in 90026 and want ketamine. Can I book a consultation?"
    )
    assert ASK_EMAIL in reply
    reply = visitor.says("I'd rather not give my email")
    assert ASK_CONSENT in reply
    visitor.says("yes")
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["full_name"], lead["phone"], lead["email"]) == ("David Kim", "+12135550177", None)
    assert (lead["zip_code"], lead["treatment_interest"]) == ("90026", "ketamine")


def test_invalid_phone_gets_reason_and_second_chance(visitor: Visitor, leads_api: LeadsApi) -> None:
    visitor.says("book a consultation")
    visitor.says("tms")
    visitor.says("Pasadena")
    visitor.says("Tom Nguyen")
    reply = visitor.says("12345")
    assert "too few digits" in reply
    assert ASK_PHONE in reply
    assert ASK_EMAIL in visitor.says("626-555-0112")
    assert visitor.slot("phone") == "+16265550112"


def test_question_in_the_middle_of_the_form_is_answered_then_form_resumes(visitor: Visitor) -> None:
    visitor.says("I want to book a consultation")
    visitor.says("ketamine")
    reply = visitor.says("wait, what is spravato?")
    assert "esketamine" in reply
    assert ASK_LOCATION in reply
    assert visitor.slot("location") is None


def test_stop_cancels_and_stores_nothing(visitor: Visitor, leads_api: LeadsApi) -> None:
    visitor.says("sign me up for a consultation")
    visitor.says("tms")
    visitor.says("90064")
    reply = visitor.says("never mind")
    assert "haven't saved" in reply
    assert visitor.slot("zip_code") is None
    assert leads_api.leads_for(visitor.sender_id) == []


def test_no_consent_stores_nothing(visitor: Visitor, leads_api: LeadsApi) -> None:
    visitor.says("book a consultation")
    visitor.says("not sure")
    visitor.says("santa monica")
    visitor.says("Jo Smith")
    visitor.says("310-555-0123")
    visitor.says("skip")
    assert "won't contact you" in visitor.says("no")
    assert leads_api.leads_for(visitor.sender_id) == []


def test_crisis_message_gets_crisis_resources_first(visitor: Visitor) -> None:
    reply = visitor.says("i dont want to live anymore")
    assert "988" in reply
    assert "911" in reply


def test_crisis_inside_the_form_pauses_it(visitor: Visitor) -> None:
    visitor.says("book a consultation")
    visitor.says("ketamine")
    reply = visitor.says("honestly i just want to kill myself")
    assert "988" in reply
    assert ASK_LOCATION not in reply
    assert visitor.slot("location") is None
    assert visitor.slot("crisis_detected") is True
