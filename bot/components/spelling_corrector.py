"""Rasa NLU component: each message's text with its misspellings corrected (bot.spelling).

It learns the vocabulary of the training data and sets CORRECTED_TEXT on every message; the
sentence featurizer, the linear classifier and the crisis detector read it (falling back to the
text itself), while tokens, entities and what is stored of the conversation keep the visitor's
own words.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.spelling
from bot.components.source_fingerprint import source_fingerprint
from bot.spelling import SpellingCorrector, english_words, place_words, vocabulary

CORRECTED_TEXT = "corrected_text"
VOCABULARY_FILE = "vocabulary.json"
# The place words are read from the ZIP code data set at training and stored with the model,
# so the server never loads that data set (about 170 MB in memory).
PLACES_FILE = "place_words.json"


def corrected_text(message: Message) -> str:
    """The text the classifiers read: corrected when the corrector ran, else the text."""
    return message.get(CORRECTED_TEXT) or message.get(TEXT) or ""


def spelling_changed(message: Message) -> Optional[str]:
    """The corrected text when the corrector changed a word, else None (a text that differs only
    in case reads the same to the uncased encoder and the case-folding crisis rules)."""
    text = message.get(TEXT) or ""
    corrected = corrected_text(message)
    return corrected if corrected != text.lower() else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SpellingCorrectorComponent(GraphComponent):
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> Optional[str]:
        return source_fingerprint(sys.modules[__name__], bot.spelling)

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        corrector: Optional[SpellingCorrector] = None,
    ) -> None:
        self._storage = model_storage
        self._resource = resource
        self._corrector = corrector

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SpellingCorrectorComponent:
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SpellingCorrectorComponent:
        try:
            with model_storage.read_from(resource) as folder:
                counts = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
                places = json.loads((folder / PLACES_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):  # nothing was trained (no NLU data)
            return cls(model_storage, resource)
        corrector = SpellingCorrector(counts, english_words() | frozenset(places))
        return cls(model_storage, resource, corrector)

    def train(self, training_data: TrainingData) -> Resource:
        counts = vocabulary(m.get(TEXT) for m in training_data.training_examples if m.get(TEXT))
        places = place_words()
        with self._storage.write_to(self._resource) as folder:
            (folder / VOCABULARY_FILE).write_text(json.dumps(counts), encoding="utf-8")
            (folder / PLACES_FILE).write_text(json.dumps(sorted(places)), encoding="utf-8")
        self._corrector = SpellingCorrector(counts, english_words() | places)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self._corrector is None:
            return messages
        for message in messages:
            if message.get(TEXT):
                message.set(CORRECTED_TEXT, self._corrector.correct(message.get(TEXT)))
        return messages
