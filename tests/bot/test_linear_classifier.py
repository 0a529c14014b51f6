"""The linear intent and FAQ-topic classifier: what it learns, what it writes, what it saves.

Small hand-made data and a stand-in sentence embedding (a few fixed directions), so no trained
Rasa model or encoder is needed; tests/bot/test_faq_understanding.py covers the real model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.linear_classifier import LinearClassifier, normalise

# label -> (examples, embedding direction): the embedding says what the words say, as MiniLM would.
DATA = {
    "greet": (["hi", "hello", "hey there", "good morning", "hiya"], 0),
    "faq/ketamine_cost": (
        [
            "how much is ketamine",
            "ketamine price",
            "cost of an infusion",
            "what do infusions cost",
            "is ketamine expensive",
        ],
        1,
    ),
    "faq/tms_session": (
        [
            "what is a tms session like",
            "does tms hurt",
            "am i awake for tms",
            "how long is a tms session",
            "tms appointment length",
        ],
        2,
    ),
}
RESPONSES = {
    "utter_faq/ketamine_cost": [{"text": "Infusions are paid out of pocket."}],
    "utter_faq/tms_session": [{"text": "You are awake; no anaesthesia."}],
}


def _embedding(direction: int) -> np.ndarray:
    vector = np.zeros((1, 8), dtype=np.float32)
    vector[0, direction] = 1.0
    return vector


def _message(text: str, direction: int | None, label: str | None = None) -> Message:
    data = {TEXT: text}
    if label:
        intent, _, topic = label.partition("/")
        data["intent"] = intent
        if topic:
            data["intent_response_key"] = label
    message = Message(data=data)
    if direction is not None:
        message.add_features(Features(_embedding(direction), FEATURE_TYPE_SENTENCE, TEXT, "minilm"))
    return message


def _training_data() -> TrainingData:
    examples = [_message(t, d, label) for label, (texts, d) in DATA.items() for t in texts]
    return TrainingData(training_examples=examples, responses=RESPONSES)


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="linear_classifier")


def _trained(
    storage: LocalModelStorage, config: dict | None = None
) -> tuple[LinearClassifier, Resource]:
    resource = Resource("linear_classifier")
    component = LinearClassifier.create(config or {}, storage, resource, _context())
    component.train(_training_data())
    return component, resource


def test_new_wording_gets_the_intent_and_topic_with_a_ranking(storage: LocalModelStorage) -> None:
    component, _ = _trained(storage)
    message = _message("what's the price of ketamine treatment", 1)
    component.process([message])
    intent = message.get("intent")
    assert intent["name"] == "faq"
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "faq" and len(ranking) == 2
    assert ranking[0]["confidence"] >= ranking[1]["confidence"]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/ketamine_cost"
    assert selected["utter_action"] == "utter_faq/ketamine_cost"
    assert selected["responses"] == RESPONSES["utter_faq/ketamine_cost"]
    assert message.get("response_selector")["all_retrieval_intents"] == ["faq"]


def test_greeting_is_not_a_faq(storage: LocalModelStorage) -> None:
    component, _ = _trained(storage)
    message = _message("hey hello", 0)
    component.process([message])
    assert message.get("intent")["name"] == "greet"


def test_the_saved_model_predicts_the_same_after_loading(storage: LocalModelStorage) -> None:
    component, resource = _trained(storage)
    loaded = LinearClassifier.load({}, storage, resource, _context())
    first, second = _message("does tms hurt a lot", 2), _message("does tms hurt a lot", 2)
    component.process([first])
    loaded.process([second])
    assert second.get("intent") == first.get("intent")
    assert second.get("response_selector") == first.get("response_selector")
    assert (
        second.get("response_selector")["faq"]["response"]["intent_response_key"]
        == "faq/tms_session"
    )


def test_a_message_without_text_is_left_alone(storage: LocalModelStorage) -> None:
    component, _ = _trained(storage)
    message = Message(data={TEXT: ""})
    component.process([message])
    assert message.get("intent") is None


def test_it_says_which_component_is_missing_without_the_embedding(
    storage: LocalModelStorage,
) -> None:
    component, _ = _trained(storage)
    with pytest.raises(RuntimeError, match="SentenceFeaturizer"):
        component.process([_message("hello", None)])


def _processed(storage: LocalModelStorage, config: dict, text: str, direction: int) -> Message:
    message = _message(text, direction)
    _trained(storage, config)[0].process([message])
    return message


def test_an_uncertain_faq_topic_makes_the_intent_uncertain(storage: LocalModelStorage) -> None:
    # topic_threshold above any confidence: every FAQ topic counts as uncertain; 0: none does.
    doubted = _processed(storage, {"topic_threshold": 1.01}, "how much is ketamine", 1)
    trusted = _processed(storage, {"topic_threshold": 0.0}, "how much is ketamine", 1)
    topic = doubted.get("response_selector")["faq"]["response"]["confidence"]
    own = trusted.get("intent")["confidence"]
    assert own > topic
    assert doubted.get("intent") == {"name": "faq", "confidence": topic}
    assert doubted.get("intent_ranking")[0] == {"name": "faq", "confidence": topic}
    assert trusted.get("intent_ranking")[0] == {"name": "faq", "confidence": own}


def test_digits_and_email_addresses_are_read_as_their_kind_not_their_value() -> None:
    # A phone number or address the model never saw looks like the ones it did.
    assert normalise("Call 310-555-0123") == normalise("call 818-444-9876")
    assert normalise("it's Ana.T@proton.me") == normalise("it's bob@example.com")
    assert normalise("I'm 52") != normalise("I'm in")
