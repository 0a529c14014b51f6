"""How the NLU component combines the rules with the classifier (no trained model needed)."""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.training_data.message import Message

from bot.components.crisis_detector import CrisisDetector


def _message(
    text: str, ranking: list[tuple[str, float]], entities: list[dict[str, Any]] | None = None
) -> Message:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(
        data={
            "text": text,
            "intent": entries[0],
            "intent_ranking": entries,
            "entities": entities or [],
        }
    )


def _intent(message: Message) -> str:
    CrisisDetector({"classifier_threshold": 0.7}).process([message])
    return message.get("intent")["name"]


def test_a_rule_match_wins_over_any_classifier_guess() -> None:
    message = _message("i want to end it all tonight", [("faq", 0.99), ("crisis", 0.01)])
    assert _intent(message) == "crisis"
    assert message.get("crisis_category") == "suicidal_ideation"
    assert message.get("intent_ranking")[0]["name"] == "crisis"


def test_a_crisis_is_never_left_as_fallback() -> None:
    message = _message("i want to die", [("nlu_fallback", 1.0), ("greet", 0.3)])
    assert _intent(message) == "crisis"


def test_a_sure_classifier_adds_phrasings_the_rules_miss() -> None:
    assert (
        _intent(_message("i'm not okay, please help", [("crisis", 0.95), ("greet", 0.05)]))
        == "crisis"
    )


def test_an_unsure_classifier_does_not_raise_the_alarm_alone() -> None:
    assert (
        _intent(_message("i'm not okay, please help", [("crisis", 0.5), ("greet", 0.4)])) == "greet"
    )


def test_topic_questions_figures_of_speech_and_bare_details_are_demoted() -> None:
    assert (
        _intent(_message("can ketamine reduce suicidal thinking", [("crisis", 1.0), ("faq", 0.3)]))
        == "faq"
    )
    assert (
        _intent(_message("I'm so hungry I could die", [("crisis", 1.0), ("chitchat", 0.1)]))
        == "chitchat"
    )
    assert (
        _intent(
            _message(
                "i almost fainted when i saw my phone bill", [("crisis", 1.0), ("chitchat", 0.1)]
            )
        )
        == "chitchat"
    )
    city = [{"entity": "city", "value": "San Diego"}]
    assert _intent(_message("San Diego", [("crisis", 1.0), ("inform", 0.2)], city)) == "inform"


def test_a_plain_statement_of_safety_keeps_the_classifier_from_the_alarm() -> None:
    ranking = [("crisis", 0.9), ("share_feelings", 0.1)]
    assert _intent(_message("i've been in a dark place but i'm safe", ranking)) == "share_feelings"
    # Doubt about it does not: the classifier's guess stands.
    assert _intent(_message("i've been in a dark place and not sure i'm safe", ranking)) == "crisis"
