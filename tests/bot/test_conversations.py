"""Whole conversations against the trained model, the action server and the leads API."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.bot.conftest import ROOT, LeadsApi, Visitor

pytestmark = pytest.mark.conversation

ASK_TREATMENT = "Which treatment"
ASK_ADULT = "18 or older"
ASK_LOCATION = "ZIP code or city"
ASK_TRIED = "How many antidepressants"
ASK_NAME = "full name"
ASK_PHONE = "What phone number"
ASK_EMAIL = "email address?"
ASK_TIME = "best time"
ASK_PAYMENT = "expect to pay"
ASK_CONSENT = "contact you about a free consultation"
ASK_SUMMARY = "Here is what I'll send"


def fill_until_contact(visitor: Visitor, treatment: str = "spravato", where: str = "90401") -> None:
    assert ASK_TREATMENT in visitor.says("I'd like to book a free consultation")
    assert ASK_ADULT in visitor.says(treatment)
    assert ASK_LOCATION in visitor.says("yes")
    assert ASK_TRIED in visitor.says(where)
    assert ASK_NAME in visitor.says("two")


def finish(visitor: Visitor) -> str:
    assert ASK_PAYMENT in visitor.says("weekday mornings")
    assert ASK_CONSENT in visitor.says("insurance")
    assert ASK_SUMMARY in visitor.says("yes")
    return visitor.says("yes")


def test_greeting_discloses_bot_and_emergency_line(visitor: Visitor) -> None:
    reply = visitor.says("hello")
    assert "automated assistant" in reply
    assert "988" in reply
    assert "Privacy notice" in reply


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


def test_bad_bytes_in_the_widgets_metadata_and_the_name_still_make_a_lead(
    visitor: Visitor, leads_api: LeadsApi
) -> None:
    campaign = {"utm_source": "news\ud800letter", "utm_campaign": "fall\x00\x1b[31m"}
    assert ASK_TREATMENT in visitor.says("I'd like to book a free consultation", campaign)
    assert ASK_ADULT in visitor.says("spravato")
    assert ASK_LOCATION in visitor.says("yes")
    assert ASK_TRIED in visitor.says("90401")
    assert ASK_NAME in visitor.says("two")
    assert ASK_PHONE in visitor.says("Nguy\u1ec5n V\u0103n An\u200b")
    assert ASK_EMAIL in visitor.says("(310) 555-0161")
    assert ASK_TIME in visitor.says("no email")
    assert "Thank you" in finish(visitor)
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert lead["full_name"].startswith("Nguy\u1ec5n V\u0103n An")
    assert (lead["utm_source"], lead["utm_campaign"]) == ("newsletter", "fall[31m")


def test_happy_path_stores_a_complete_lead(visitor: Visitor, leads_api: LeadsApi) -> None:
    fill_until_contact(visitor)
    assert ASK_PHONE in visitor.says("Maria Lopez")
    assert ASK_EMAIL in visitor.says("(310) 555-0123")
    assert ASK_TIME in visitor.says("Maria.Lopez@Example.com")
    assert ASK_PAYMENT in visitor.says("weekday mornings")
    assert ASK_CONSENT in visitor.says("insurance")
    summary = visitor.says("yes")
    assert "•••-•••-0123" in summary and "m•••@example.com" in summary
    assert "555-0123" not in summary.replace("•••-•••-0123", "")
    assert "Thank you, Maria Lopez" in visitor.says("yes")

    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["full_name"], lead["phone"], lead["email"]) == (
        "Maria Lopez",
        "+13105550123",
        "maria.lopez@example.com",
    )
    assert (lead["zip_code"], lead["city"], lead["state"]) == ("90401", "Santa Monica", "CA")
    assert (lead["treatment_interest"], lead["antidepressants_tried"]) == ("spravato", "2+")
    assert (lead["preferred_contact_time"], lead["payment_method"]) == (
        "weekday mornings",
        "insurance",
    )
    assert (
        lead["contact_consent"]
        and lead["consent_call"]
        and lead["consent_text"]
        and lead["consent_email"]
    )
    assert lead["consent_text_version"] == "v1" and lead["consented_at"]
    assert (lead["age_confirmed"], lead["in_service_area"], lead["qualified"], lead["urgent"]) == (
        True,
        True,
        True,
        False,
    )
    assert lead["nearest_clinic"] == "Santa Monica Spravato clinic"
    assert lead["status"] == "new"


def test_details_in_first_message_are_not_asked_again(
    visitor: Visitor, leads_api: LeadsApi
) -> None:
    reply = visitor.says(
        "I'm David Kim, text me at 213-555-0177, I live in 90026 and want ketamine. "
        "Can I book a consultation?"
    )
    assert ASK_ADULT in reply
    assert ASK_TRIED in visitor.says("yes")
    assert ASK_EMAIL in visitor.says("none")
    assert ASK_TIME in visitor.says("I'd rather not give my email")
    finish(visitor)
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["full_name"], lead["phone"], lead["email"]) == ("David Kim", "+12135550177", None)
    assert (lead["zip_code"], lead["treatment_interest"], lead["antidepressants_tried"]) == (
        "90026",
        "ketamine",
        "0",
    )
    assert (lead["consent_call"], lead["consent_text"], lead["consent_email"]) == (
        True,
        True,
        False,
    )


def test_invalid_phone_and_email_get_reasons_and_second_chances(visitor: Visitor) -> None:
    fill_until_contact(visitor, "tms", "Pasadena")
    visitor.says("Tom Nguyen")
    reply = visitor.says("12345")
    assert "too few digits" in reply and ASK_PHONE in reply
    assert ASK_EMAIL in visitor.says("626-555-0112")
    reply = visitor.says("tom.nguyen@gmail")
    assert "not valid" in reply and ASK_EMAIL in reply
    assert ASK_TIME in visitor.says("tom.nguyen@gmail.com")
    assert visitor.slot("phone") == "+16265550112"
    assert visitor.slot("email") == "tom.nguyen@gmail.com"


def test_question_in_the_middle_of_the_form_is_answered_then_form_resumes(visitor: Visitor) -> None:
    visitor.says("I want to book a consultation")
    visitor.says("ketamine")
    visitor.says("yes")
    reply = visitor.says("wait, what is spravato?")
    assert "esketamine" in reply
    assert ASK_LOCATION in reply
    assert visitor.slot("location") is None


def test_correction_at_the_summary(visitor: Visitor, leads_api: LeadsApi) -> None:
    fill_until_contact(visitor)
    visitor.says("Sam Rivera")
    visitor.says("310-555-0188")
    visitor.says("sam@example.com")
    visitor.says("after 5pm")
    visitor.says("skip")
    assert ASK_SUMMARY in visitor.says("yes")
    reply = visitor.says("actually my email is sam.r@yahoo.com")
    assert ASK_SUMMARY in reply and "s•••@yahoo.com" in reply
    visitor.says("yes")
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert lead["email"] == "sam.r@yahoo.com"
    assert lead["payment_method"] is None


def test_after_a_skipped_phone_the_email_question_does_not_offer_a_skip(
    visitor: Visitor, leads_api: LeadsApi
) -> None:
    fill_until_contact(visitor, "tms", "90064")
    visitor.says("Kim Lee")
    reply = visitor.says("skip")
    assert "email" in reply and "skip" not in reply
    visitor.says("kim.lee@example.com")
    finish(visitor)
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["phone"], lead["email"]) == (None, "kim.lee@example.com")


def test_stop_cancels_and_stores_nothing(visitor: Visitor, leads_api: LeadsApi) -> None:
    visitor.says("sign me up for a consultation")
    visitor.says("tms")
    visitor.says("yes")
    visitor.says("90064")
    reply = visitor.says("never mind")
    assert "haven't saved" in reply
    assert visitor.slot("zip_code") is None
    assert leads_api.leads_for(visitor.sender_id) == []


def test_stop_erases_the_details_from_the_stored_conversation(visitor: Visitor) -> None:
    visitor.says("hi, what is tms?")
    visitor.says("I'm Jo Smith, my number is 310-555-0166, I'd like to book a consultation")
    visitor.says("tms")
    assert "haven't saved" in visitor.says("stop")
    stored = [event.as_dict() for event in visitor.tracker().events]
    assert "310-555-0166" not in str(stored) and "Jo Smith" not in str(stored)
    texts = [event["text"] for event in stored if event["event"] == "user"]
    assert texts[0] == "hi, what is tms?"  # before the form: kept
    assert all(text.startswith("[removed") for text in texts[1:])


def test_a_minor_is_told_how_a_guardian_can_reach_the_clinic(
    visitor: Visitor, leads_api: LeadsApi
) -> None:
    visitor.says("book a consultation")
    visitor.says("tms")
    reply = visitor.says("no, I'm 16")
    assert "adults" in reply and "parent or guardian" in reply
    assert visitor.slot("treatment_interest") is None
    assert leads_api.leads_for(visitor.sender_id) == []


def test_no_consent_stores_nothing(visitor: Visitor, leads_api: LeadsApi) -> None:
    fill_until_contact(visitor, "not sure", "santa monica")
    visitor.says("Jo Smith")
    visitor.says("310-555-0123")
    visitor.says("skip")
    visitor.says("anytime")
    visitor.says("not sure")
    assert "won't contact you" in visitor.says("no")
    assert leads_api.leads_for(visitor.sender_id) == []


def test_out_of_area_is_said_and_the_lead_still_recorded(
    visitor: Visitor, leads_api: LeadsApi
) -> None:
    visitor.says("book a consultation")
    visitor.says("spravato")
    visitor.says("yes")
    reply = visitor.says("San Diego")
    assert "outside the area we usually serve" in reply and "miles" in reply
    visitor.says("one")
    visitor.says("Lee Park")
    visitor.says("619-555-0101")
    visitor.says("skip")
    finish(visitor)
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["in_service_area"], lead["qualified"]) == (False, False)
    assert lead["distance_miles"] > 90


def test_crisis_message_gets_crisis_resources_first(visitor: Visitor) -> None:
    reply = visitor.says("i dont want to live anymore")
    assert "988" in reply
    assert "911" in reply


def test_lead_after_a_crisis_is_urgent(visitor: Visitor, leads_api: LeadsApi) -> None:
    visitor.says("i've been thinking about ending my life")
    fill_until_contact(visitor, "ketamine", "90026")
    visitor.says("Ana Torres")
    visitor.says("213-555-0199")
    visitor.says("skip")
    finish(visitor)
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert lead["urgent"] is True


def test_api_down_while_submitting_the_lead_arrives_later(
    visitor: Visitor, leads_api: LeadsApi, action_env: dict[str, str]
) -> None:
    fill_until_contact(visitor, "tms", "91101")
    visitor.says("Robin Hale")
    visitor.says("626-555-0144")
    visitor.says("robin@example.com")
    visitor.says("evenings")
    visitor.says("self pay")
    visitor.says("yes")
    leads_api.stop()
    try:
        reply = visitor.says("yes")
        assert "saved and will reach the clinic's team" in reply
    finally:
        leads_api.start()
    delivered = subprocess.run(
        [sys.executable, "-m", "actions.outbox", "deliver"],
        cwd=ROOT,
        env=action_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "1 delivered, 0 waiting" in delivered.stdout
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["full_name"], lead["phone"]) == ("Robin Hale", "+16265550144")


def test_a_visitor_typing_loosely_gets_through(visitor: Visitor, leads_api: LeadsApi) -> None:
    """A session typed the way people type: hedges, short forms, answers out of order."""
    visitor.says("hey, my depression hasnt improved on 3 different meds. whats spravato")
    assert ASK_TREATMENT in visitor.says("ok how do i sign up")
    assert ASK_ADULT in visitor.says("spravto i guess")
    assert ASK_LOCATION in visitor.says("yeah im 29")
    assert ASK_TRIED in visitor.says("culver city")
    assert ASK_NAME in visitor.says("3")
    assert ASK_PHONE in visitor.says("my name is priya nair")
    assert ASK_EMAIL in visitor.says("424 555 0199")
    assert ASK_TIME in visitor.says("priya.nair@outlook.com")
    assert ASK_PAYMENT in visitor.says("evenings after 6")
    assert ASK_CONSENT in visitor.says("kaiser")
    assert ASK_SUMMARY in visitor.says("only text")
    assert "Thank you, Priya Nair" in visitor.says("yes that's right")
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["treatment_interest"], lead["city"], lead["antidepressants_tried"]) == (
        "spravato",
        "Culver City",
        "2+",
    )
    assert (
        lead["payment_method"],
        lead["consent_call"],
        lead["consent_text"],
        lead["consent_email"],
    ) == ("insurance", False, True, False)


def test_declining_the_phone_in_words_goes_on_to_the_email(visitor: Visitor) -> None:
    fill_until_contact(visitor)
    assert ASK_PHONE in visitor.says("Dana Whitfield")
    reply = visitor.says("i don't want to give you my number")
    # With the phone declined the email question says it is the one way left.
    assert "what email address" in reply
    assert "stopped" not in reply


def test_yes_after_the_crisis_message_is_met_gently(visitor: Visitor) -> None:
    assert "988" in visitor.says("i keep thinking about ending my life")
    reply = visitor.says("yes")
    assert "call you back" in reply
    assert "not sure I understood" not in reply


def test_asking_for_the_call_back_again_mid_form_is_no_wrong_answer(visitor: Visitor) -> None:
    assert ASK_TREATMENT in visitor.says("I'd like to book a free consultation")
    reply = visitor.says("ok can someone just call me")
    assert "That's what we're doing" in reply and ASK_TREATMENT in reply
    assert "Please choose" not in reply
    assert ASK_ADULT in visitor.says("tms")


def test_skipping_questions_keeps_the_form_and_what_was_given(
    visitor: Visitor, leads_api: LeadsApi
) -> None:
    assert ASK_TREATMENT in visitor.says("can i book a free consultation")
    assert ASK_ADULT in visitor.says("skip this one")
    assert ASK_LOCATION in visitor.says("yes")
    # The lead needs a place: the visitor hears why, and the question comes again.
    reply = visitor.says("i'd rather not say")
    assert "can't skip" in reply and ASK_LOCATION in reply
    assert ASK_TRIED in visitor.says("santa monica")
    assert ASK_NAME in visitor.says("skip that")
    assert ASK_PHONE in visitor.says("Lena Ortiz")
    assert ASK_EMAIL in visitor.says("310 555 0142")
    assert ASK_TIME in visitor.says("leave my email out of it")
    assert ASK_PAYMENT in visitor.says("skip")
    assert ASK_CONSENT in visitor.says("i'll skip the insurance part")
    assert ASK_SUMMARY in visitor.says("yes")
    assert "Thank you, Lena Ortiz" in visitor.says("yes")
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["treatment_interest"], lead["antidepressants_tried"], lead["city"]) == (
        "unsure",
        "unsure",
        "Santa Monica",
    )
    assert (lead["phone"], lead["email"]) == ("+13105550142", None)
    assert (lead["preferred_contact_time"], lead["payment_method"]) == (None, None)


def test_an_opening_message_with_several_details_fills_them_all(
    visitor: Visitor, leads_api: LeadsApi
) -> None:
    reply = visitor.says(
        "hello, can someone call me? Rosa Lin here, i'm 37, from burbank, interested in ketamine"
    )
    assert ASK_TRIED in reply
    assert ASK_PHONE in visitor.says("3")
    assert ASK_EMAIL in visitor.says("818 555 0190")
    assert ASK_TIME in visitor.says("no email")
    # "5pm" is the time asked for, and no age.
    assert ASK_PAYMENT in visitor.says("after 5pm")
    assert ASK_CONSENT in visitor.says("not sure")
    assert ASK_SUMMARY in visitor.says("yes")
    assert "Thank you, Rosa Lin" in visitor.says("yes")
    [lead] = leads_api.leads_for(visitor.sender_id)
    assert (lead["full_name"], lead["city"], lead["treatment_interest"]) == (
        "Rosa Lin",
        "Burbank",
        "ketamine",
    )
    assert (lead["antidepressants_tried"], lead["preferred_contact_time"]) == ("2+", "after 5pm")
