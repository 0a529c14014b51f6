"""The review queue, on a conversation store filled by real conversations with the assistant."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic.rasa_store import stored_events
from tests.bot.conftest import ROOT, Visitor
from tools.review import (
    EMAIL_MASK,
    NAME_MASK,
    PHONE_MASK,
    apply,
    collect,
    mask_contact_details,
    merge,
    read_queue,
    write_queue,
)

pytestmark = pytest.mark.conversation


def test_queue_from_real_conversations_masks_details_and_folds_repeats(
    agent: Any, visitor: Visitor, event_loop_for_agent: Any, tracker_db: Path
) -> None:
    visitor.says("hello")
    visitor.says("zorp blix quantum flange??")
    visitor.says(
        "I'm Jordan Castellano, call 310-555-0188 or jordan.c@example.org about the flange"
    )
    other = Visitor(agent, event_loop_for_agent)
    other.says("zorp   blix quantum flange??")
    # Inside the form, answers to the name/phone/email questions are details, never collected.
    form = Visitor(agent, event_loop_for_agent)
    form.says("I'd like to book a free consultation for tms")
    form.says("yes")
    form.says("Santa Monica")
    form.says("two")
    assert "phone" in form.says("Priya Ramanathan")
    form.says("424 555 0123")

    # Threshold above 1: every message is collected, so masking and folding are what is tested.
    items = collect(stored_events(f"sqlite:///{tracker_db}"), threshold=1.01)
    texts = [item.text for item in items]
    everything = "\n".join(texts)
    for detail in (
        "Jordan",
        "Castellano",
        "555-0188",
        "jordan.c@example.org",
        "Priya",
        "424 555 0123",
    ):
        assert detail not in everything
    assert f"I'm {NAME_MASK}, call {PHONE_MASK} or {EMAIL_MASK} about the flange" in texts
    [repeated] = [item for item in items if item.text.startswith("zorp")]
    assert repeated.seen == 2
    assert not any(t.startswith("/") for t in texts)


def test_only_fallback_and_low_confidence_messages_are_queued() -> None:
    def user(
        text: str, intent: str, confidence: float, topic: tuple[str, float] | None = None
    ) -> tuple:
        parse = {"intent": {"name": intent, "confidence": confidence}}
        if topic:
            parse["response_selector"] = {
                "faq": {"response": {"intent_response_key": topic[0], "confidence": topic[1]}}
            }
        return ("c1", "user", {"text": text, "parse_data": parse})

    events = [
        user("hi", "greet", 0.99),
        user("wut", "nlu_fallback", 0.3),
        user("maybe the thing", "affirm", 0.41),
        user("how pricey is it", "faq", 0.97, ("faq/cost_general", 0.35)),
        user("what is tms", "faq", 0.99, ("faq/what_is_tms", 0.98)),
    ]
    found = {item.text: item.predicted for item in collect(events)}
    assert found == {
        "wut": "nlu_fallback",
        "maybe the thing": "affirm",
        "how pricey is it": "faq/cost_general",
    }


def test_masking_covers_formats_people_type() -> None:
    text = "my name is Ana Ruiz, cell +1 (213) 555-0147, mail ANA.RUIZ@Mail.com"
    assert (
        mask_contact_details(text)
        == f"my name is {NAME_MASK}, cell {PHONE_MASK}, mail {EMAIL_MASK}"
    )
    assert mask_contact_details("ask dana about it", names=["dana"]) == f"ask {NAME_MASK} about it"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


def test_apply_moves_labelled_messages_and_refuses_unknown_intents_and_duplicates(
    project: Path,
) -> None:
    queue = project / "review.yml"
    write_queue(
        queue,
        [
            {"text": "how pricey r the infusions", "intent": "faq/ketamine_cost"},
            {"text": "hiya there friend", "intent": "greet"},
            {"text": "what's the weather on mars", "intent": "weather"},
            {"text": "What is Spravato?", "intent": "faq/what_is_spravato"},
            {"text": "not labelled yet", "intent": None},
        ],
    )
    done, remaining = apply(project, queue)
    assert len(done) == 2
    ketamine = (project / "data" / "nlu" / "faq_ketamine.yml").read_text()
    assert "    - how pricey r the infusions\n" in ketamine
    block = ketamine.split("- intent: faq/ketamine_cost", 1)[1].split("- intent:", 1)[0]
    assert "how pricey r the infusions" in block
    assert (
        "    - hiya there friend\n" in (project / "data" / "nlu" / "conversation.yml").read_text()
    )
    notes = {entry["text"]: entry.get("note", "") for entry in read_queue(queue)}
    assert notes["what's the weather on mars"].startswith("unknown intent 'weather'")
    assert notes["What is Spravato?"].startswith("already an example of faq/what_is_spravato")
    assert notes["not labelled yet"] == ""
    assert len(remaining) == 3
    # The result is still valid YAML that Rasa can read.
    yaml.safe_load((project / "data" / "nlu" / "faq_ketamine.yml").read_text())


def test_collecting_again_keeps_the_trainers_labels(tmp_path: Path) -> None:
    from tools.review import Item

    old = [{"text": "how pricey r the infusions", "intent": "faq/ketamine_cost"}]
    merged = merge(
        old, [Item("How pricey r the infusions", "faq", 0.3), Item("new one", "greet", 0.2)]
    )
    assert [e["text"] for e in merged] == ["how pricey r the infusions", "new one"]
    assert merged[0]["intent"] == "faq/ketamine_cost"


# --- possible crises and languages the assistant cannot read ----------------------------------
def said(
    sender: str,
    text: str,
    intent: str,
    confidence: float,
    tier: str | None = None,
    language: str = "en",
) -> tuple[str, str, dict[str, Any]]:
    """A stored user event with the crisis net's judgement, as the crisis detector writes it."""
    crisis = {"tier": tier, "judged": tier, "language": language, "rules": None}
    parse = {"intent": {"name": intent, "confidence": confidence}, "crisis": crisis}
    return (sender, "user", {"text": text, "parse_data": parse})


def slot(sender: str, name: str, value: Any) -> tuple[str, str, dict[str, Any]]:
    return (sender, "slot", {"event": "slot", "name": name, "value": value})


def action(sender: str, name: str) -> tuple[str, str, dict[str, Any]]:
    return (sender, "action", {"event": "action", "name": name})


def test_check_ins_and_other_languages_are_queued_with_a_reason_and_masked() -> None:
    events = [
        # Understood with confidence, but the crisis net's tier is the check-in.
        said("c1", "what is tms", "faq", 0.99),
        said(
            "c1",
            "how long is tms, some days i don't see the point. text me 310-555-0188",
            "faq",
            0.95,
            tier="check_in",
        ),
        action("c1", "utter_faq"),
        # The check-in known only from what the assistant did next.
        said("c2", "not sure i'll be around much longer anyway", "share_feelings", 0.9),
        action("c2", "utter_crisis_check_in"),
        action("c2", "action_listen"),
        said("c2", "ok", "affirm", 0.97),
        said("c3", "Tôi muốn đặt lịch hẹn", "other_language", 1.0, language="other"),
        said("c4", "zdravstvuyte kak dela", "nlu_fallback", 0.4, language="other"),
        said("c5", "ok", "affirm", 0.97),
    ]
    items = collect(events)
    found = {item.text: item for item in items}
    assert set(found) == {
        f"how long is tms, some days i don't see the point. text me {PHONE_MASK}",
        "not sure i'll be around much longer anyway",
        "Tôi muốn đặt lịch hẹn",
        "zdravstvuyte kak dela",
    }
    assert "555-0188" not in "\n".join(found)
    assert [item.reason for item in items] == [
        "possible crisis: check-in given",
        "possible crisis: check-in given",
        "language the assistant cannot read",
        "language the assistant cannot read",
    ]
    # No intent to copy blindly: the reason stands where the prediction would.
    entry = found["not sure i'll be around much longer anyway"].to_yaml()
    assert entry == {
        "text": "not sure i'll be around much longer anyway",
        "reason": "possible crisis: check-in given",
        "seen": 1,
        "intent": None,
    }


def test_a_check_in_at_a_detail_question_is_collected_masked_but_details_are_not() -> None:
    events = [
        slot("c1", "requested_slot", "full_name"),
        said("c1", "Priya Ramanathan", "inform", 0.3),
        slot("c1", "full_name", "Priya Ramanathan"),
        slot("c1", "requested_slot", "phone"),
        said(
            "c1",
            "424 555 0123 but honestly priya ramanathan won't be around to pick up",
            "inform",
            0.9,
            tier="check_in",
        ),
        # Judged another language, but typed at the name question: a detail all the same.
        slot("c2", "requested_slot", "full_name"),
        said("c2", "Nguyen Thi Mai", "other_language", 1.0, language="other"),
        slot("c3", "requested_slot", "email"),
        said("c3", "nothing matters, ana.ruiz@mail.com", "inform", 0.8),
        action("c3", "utter_crisis_check_in"),
    ]
    assert {(item.text, item.reason) for item in collect(events)} == {
        (
            f"{PHONE_MASK} but honestly {NAME_MASK} won't be around to pick up",
            "possible crisis: check-in given",
        ),
        (f"nothing matters, {EMAIL_MASK}", "possible crisis: check-in given"),
    }


def test_apply_puts_a_check_in_labelled_crisis_into_crisis_yml_and_keeps_other_languages(
    project: Path,
) -> None:
    queue = project / "review.yml"
    collected = collect(
        [
            said("c1", "some nights i think everyone would be better off", "faq", 0.9, "check_in"),
            said("c2", "Tôi muốn đặt lịch hẹn", "other_language", 1.0, language="other"),
            said("c3", "wobbly magnet thing", "affirm", 0.3),
        ]
    )
    entries = merge([], collected)
    labels = {
        "some nights i think everyone would be better off": "crisis",
        "Tôi muốn đặt lịch hẹn": "request_consultation",
        "wobbly magnet thing": "other_language",
    }
    for entry in entries:
        entry["intent"] = labels[entry["text"]]
    write_queue(queue, entries)

    done, remaining = apply(project, queue)
    assert done == [
        "crisis: some nights i think everyone would be better off  -> data/nlu/crisis.yml"
    ]
    crisis = (project / "data" / "nlu" / "crisis.yml").read_text()
    assert "    - some nights i think everyone would be better off\n" in crisis
    notes = {entry["text"]: entry["note"] for entry in read_queue(queue)}
    assert notes["Tôi muốn đặt lịch hẹn"].startswith("not added: the language is judged")
    assert notes["wobbly magnet thing"].startswith("no examples of 'other_language'")
    assert len(remaining) == 2
    everything = "".join(p.read_text() for p in (project / "data" / "nlu").glob("*.yml"))
    assert "Tôi muốn" not in everything and "wobbly magnet" not in everything


def test_collecting_again_marks_a_queued_message_that_got_the_check_in() -> None:
    old = [{"text": "meh whatever", "predicted": "deny (0.40)", "seen": 1, "intent": None}]
    [entry] = merge(old, collect([said("c9", "meh whatever", "deny", 0.4, "check_in")]))
    assert entry == {
        "text": "meh whatever",
        "seen": 1,
        "intent": None,
        "reason": "possible crisis: check-in given",
    }
