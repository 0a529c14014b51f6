"""Rasa NLU component: make sure a crisis message is classified as `crisis`.

Placed after the FallbackClassifier in config.yml, so a crisis can never end up as
`nlu_fallback`. It sets the intent to `crisis` when either
- the rule-based detector (bot.crisis) matches the text, or
- the trained classifier ranked `crisis` first (before the fallback replaced it) with at least
  `classifier_threshold` confidence, and the message is not a general question about a topic
  ("can ketamine reduce suicidal thinking?" gets a factual answer with the 988 line instead),
  a figure of speech ("I could die for a coffee"), a plain statement of being safe ("I've
  been in a dark place but I'm safe") or a bare detail such as a city ("San Diego").
It runs inside Rasa itself, so it does not depend on the action server.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.spelling_corrector import spelling_changed
from bot.crisis import detect_crisis, is_figurative, is_topic_question, states_safety

CRISIS_INTENT = "crisis"
FALLBACK_INTENT = "nlu_fallback"
# Metadata key other parts (actions, staff console) read to know why a message was flagged.
CRISIS_CATEGORY_KEY = "crisis_category"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisDetector(GraphComponent):
    def __init__(self, config: dict[str, Any]) -> None:
        self._classifier_threshold = float(config["classifier_threshold"])

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The rules carry recall; the classifier adds phrasings they miss when it is sure.
        return {"classifier_threshold": 0.7}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisDetector:
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            category = self._crisis_category(message)
            if category is not None:
                self._mark_crisis(message, category)
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == CRISIS_INTENT:
                self._demote_crisis(message)
        return messages

    def _crisis_category(self, message: Message) -> Optional[str]:
        text = message.get(TEXT) or ""
        match = detect_crisis(text)
        corrected = spelling_changed(message)
        if match is None and corrected is not None:
            # Misspellings the rules do not know, corrected (most messages need no second pass).
            match = detect_crisis(corrected)
        if match is not None:
            return match.category
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != FALLBACK_INTENT
        ]
        if (
            ranking
            and ranking[0].get(INTENT_NAME_KEY) == CRISIS_INTENT
            and ranking[0].get("confidence", 0.0) >= self._classifier_threshold
            and not is_topic_question(text)
            and not is_figurative(text)
            and not states_safety(text)
            and not self._is_a_detail(message)
        ):
            return "classifier"
        return None

    @staticmethod
    def _is_a_detail(message: Message) -> bool:
        """A short answer that is just a place, a name or a treatment ("San Diego")."""
        entities = message.get(ENTITIES) or []
        words = len((message.get(TEXT) or "").split())
        return (
            bool(entities)
            and words <= 4
            and all(e.get("entity") in ("city", "person", "treatment") for e in entities)
        )

    @staticmethod
    def _demote_crisis(message: Message) -> None:
        """The classifier alone said crisis, for a figure of speech or a topic question: use
        its next guess instead, so the visitor gets a real answer."""
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (CRISIS_INTENT, FALLBACK_INTENT)
        ]
        fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, "confidence": 1.0}
        message.set(INTENT, ranking[0] if ranking else fallback, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @staticmethod
    def _mark_crisis(message: Message, category: str) -> None:
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (CRISIS_INTENT, FALLBACK_INTENT)
        ]
        crisis = {INTENT_NAME_KEY: CRISIS_INTENT, "confidence": 1.0}
        message.set(INTENT, crisis, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [crisis] + ranking, add_to_output=True)
        message.set(CRISIS_CATEGORY_KEY, category, add_to_output=True)
