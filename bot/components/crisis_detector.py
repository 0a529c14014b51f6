"""Rasa NLU component: make sure a crisis message is classified as `crisis`.

Placed after the FallbackClassifier in config.yml, so a crisis can never end up as
`nlu_fallback`. It sets the intent to `crisis` when either
- the rule-based detector (bot.crisis) matches the text, or
- the trained classifier ranked `crisis` first before the fallback replaced it.
It runs inside Rasa itself, so it does not depend on the action server.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.crisis import detect_crisis

CRISIS_INTENT = "crisis"
FALLBACK_INTENT = "nlu_fallback"
# Metadata key other parts (actions, staff console) read to know why a message was flagged.
CRISIS_CATEGORY_KEY = "crisis_category"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisDetector":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            category = self._crisis_category(message)
            if category is not None:
                self._mark_crisis(message, category)
        return messages

    @staticmethod
    def _crisis_category(message: Message) -> Optional[Text]:
        match = detect_crisis(message.get(TEXT) or "")
        if match is not None:
            return match.category
        ranking = [
            entry for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != FALLBACK_INTENT
        ]
        if ranking and ranking[0].get(INTENT_NAME_KEY) == CRISIS_INTENT:
            return "classifier"
        return None

    @staticmethod
    def _mark_crisis(message: Message, category: Text) -> None:
        ranking = [
            entry for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (CRISIS_INTENT, FALLBACK_INTENT)
        ]
        crisis = {INTENT_NAME_KEY: CRISIS_INTENT, "confidence": 1.0}
        message.set(INTENT, crisis, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [crisis] + ranking, add_to_output=True)
        message.set(CRISIS_CATEGORY_KEY, category, add_to_output=True)
