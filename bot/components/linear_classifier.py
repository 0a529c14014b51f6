"""Rasa NLU component: the intent and the FAQ topic from one linear model each.

Why not DIET and the ResponseSelector: on this project's data (a few dozen examples per label)
they overfit, and `make evaluate` scores them well below a logistic regression over character
n-grams, word n-grams and the MiniLM sentence embedding, which also trains in seconds instead
of minutes. Its probabilities are also well calibrated: held-out messages it gets right rarely
fall under the FallbackClassifier's threshold, half of those it gets wrong do, so the visitor is
offered topics instead of a wrong answer. Besides the n-grams and the embedding, each label's
nearest training example (cosine similarity of the embeddings) is a feature: it helps most with
short messages.

Output is what Rasa's own classifiers write: `intent` and `intent_ranking`, and under
`response_selector` the FAQ topic in the ResponseSelector's format, so the `utter_faq`
retrieval action, the FallbackClassifier, `rasa test nlu` and the review queue work unchanged.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Optional

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from rasa.shared.utils.io import raise_warning
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.components.source_fingerprint import source_fingerprint
from bot.components.spelling_corrector import corrected_text

MODEL_FILE = "linear_classifier.joblib"
_EMAIL = re.compile(r"\S+@\S+")
_DIGIT = re.compile(r"\d")


class TextModel:
    """Features (character and word tf-idf, sentence embedding, nearest examples) and a
    logistic regression."""

    def __init__(self, c: float, embedding_weight: float, neighbour_weight: float = 0.0) -> None:
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        # Balanced, so the big `faq` intent does not swallow the small ones (out_of_scope).
        self.model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        self.embedding_weight = embedding_weight
        self.neighbour_weight = neighbour_weight
        self._examples = np.zeros((0, 0))
        # The examples in label order, and where each label's run starts in it.
        self._by_label = np.array([], dtype=np.int64)
        self._label_starts = np.array([], dtype=np.int64)

    def fit(self, texts: list[str], embeddings: np.ndarray, labels: list[str]) -> TextModel:
        texts = [normalise(t) for t in texts]
        self.chars.fit(texts)
        self.words.fit(texts)
        self._examples = embeddings
        names = np.array(labels)
        self._by_label = np.argsort(names, kind="stable")
        _, self._label_starts = np.unique(names[self._by_label], return_index=True)
        similarities = embeddings @ embeddings.T
        # Leave each example out of its own neighbours, as an unseen message would be.
        np.fill_diagonal(similarities, -1.0)
        self.model.fit(self._features(texts, embeddings, similarities), labels)
        return self

    def rank(self, texts: list[str], embeddings: np.ndarray) -> list[list[tuple[str, float]]]:
        """For each text, the labels with their probabilities, most likely first."""
        texts = [normalise(t) for t in texts]
        features = self._features(texts, embeddings, embeddings @ self._examples.T)
        probabilities = self.model.predict_proba(features)
        labels = self.model.classes_
        return [
            [(str(labels[i]), float(row[i])) for i in np.argsort(-row)] for row in probabilities
        ]

    def _features(
        self, texts: list[str], embeddings: np.ndarray, similarities: np.ndarray
    ) -> csr_matrix:
        # How close the nearest training example of each label is: a short message ("cya",
        # "kk") is often one near-paraphrase away from an example, which a linear boundary in
        # the embedding space alone can miss.
        nearest = np.maximum.reduceat(similarities[:, self._by_label], self._label_starts, axis=1)
        return hstack(
            [
                self.chars.transform(texts),
                self.words.transform(texts),
                csr_matrix(embeddings * self.embedding_weight),
                csr_matrix(nearest * self.neighbour_weight),
            ]
        ).tocsr()


def normalise(text: str) -> str:
    """Lower case; any email address and any digit look alike ("310-555-0123" is a phone number
    whatever its digits, and no label depends on which digits they are)."""
    return _DIGIT.sub("0", _EMAIL.sub(" emailaddress ", text.lower()))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Chosen on the held-out split (make evaluate): higher C is more confident and
            # lets fewer wrong guesses fall back; the embedding weight balances the n-grams.
            "C": 5.0,
            "embedding_weight": 3.0,
            # Weight of the per-label nearest-example similarity, chosen by cross-validation
            # on the project's data (it helps intents most, short messages above all).
            "neighbour_weight": 3.0,
            "retrieval_intent": "faq",
            "ranking_length": 10,
            # A FAQ whose topic is this uncertain counts as uncertain as a whole, so the
            # FallbackClassifier offers topics instead of a possibly wrong medical answer. In
            # 5-fold cross-validation (tuned encoder) 0.5 caught 29 of 78 wrong topics and
            # held back 29 of 1,156 right ones.
            "topic_threshold": 0.5,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> Optional[str]:
        # TextModel and normalise live beside the class: retrain when they change.
        return source_fingerprint(sys.modules[__name__])

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        intents: Optional[TextModel] = None,
        topics: Optional[TextModel] = None,
        responses: Optional[dict[str, list[dict[str, Any]]]] = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._intents = intents
        self._topics = topics
        self._responses = responses or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearClassifier:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                saved = joblib.load(folder / MODEL_FILE)
        except ValueError:  # nothing was trained (no NLU data)
            return cls.create(config, model_storage, resource, execution_context)
        return cls(
            {**cls.get_default_config(), **config},
            model_storage,
            resource,
            saved["intents"],
            saved["topics"],
            saved["responses"],
        )

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        if not examples:
            raise_warning("No intent examples: the linear classifier has nothing to learn.")
            return self._resource
        texts, embeddings = _texts_and_embeddings(examples)
        self._intents = self._new_model().fit(texts, embeddings, [m.get(INTENT) for m in examples])
        retrieval = [
            i
            for i, m in enumerate(examples)
            if m.get(INTENT) == self._config["retrieval_intent"] and m.get(INTENT_RESPONSE_KEY)
        ]
        if retrieval:
            self._topics = self._new_model().fit(
                [texts[i] for i in retrieval],
                embeddings[retrieval],
                [examples[i].get(INTENT_RESPONSE_KEY) for i in retrieval],
            )
        self._responses = training_data.responses
        with self._storage.write_to(self._resource) as folder:
            joblib.dump(
                {"intents": self._intents, "topics": self._topics, "responses": self._responses},
                folder / MODEL_FILE,
            )
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if not todo or self._intents is None:
            return messages
        texts, embeddings = _texts_and_embeddings(todo)
        length = int(self._config["ranking_length"])
        for message, ranking in zip(todo, self._intents.rank(texts, embeddings), strict=True):
            message.set(INTENT, _label(*ranking[0]), add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, [_label(*r) for r in ranking[:length]], add_to_output=True
            )
        if self._topics is not None:
            for message, ranking in zip(todo, self._topics.rank(texts, embeddings), strict=True):
                self._set_topic(message, ranking[:length])
                self._doubt_an_uncertain_topic(message, ranking[0][1])
        return messages

    def _doubt_an_uncertain_topic(self, message: Message, topic_confidence: float) -> None:
        intent = message.get(INTENT)
        if intent[INTENT_NAME_KEY] != self._config["retrieval_intent"]:
            return
        if topic_confidence < float(self._config["topic_threshold"]):
            confidence = min(intent[PREDICTED_CONFIDENCE_KEY], topic_confidence)
            message.set(INTENT, _label(intent[INTENT_NAME_KEY], confidence), add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY)
            ranking[0] = _label(ranking[0][INTENT_NAME_KEY], confidence)

    def _new_model(self) -> TextModel:
        return TextModel(
            float(self._config["C"]),
            float(self._config["embedding_weight"]),
            float(self._config["neighbour_weight"]),
        )

    def _set_topic(self, message: Message, ranking: list[tuple[str, float]]) -> None:
        """The FAQ topic, in the ResponseSelector's output format."""
        key, confidence = ranking[0]
        utter_action = intent_response_key_to_template_key(key)
        retrieval_intent = self._config["retrieval_intent"]
        selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [retrieval_intent]
        selector[retrieval_intent] = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(utter_action, []),
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: key,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {"id": index, PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: label}
                for index, (label, p) in enumerate(ranking)
            ],
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)


def _label(name: str, confidence: float) -> dict[str, Any]:
    return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}


def _texts_and_embeddings(messages: list[Message]) -> tuple[list[str], np.ndarray]:
    """The (spelling-corrected) texts and the sentence embedding the SentenceFeaturizer put on
    each."""
    texts = [corrected_text(m) for m in messages]
    rows = []
    for message in messages:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            raise RuntimeError(
                "The linear classifier needs the sentence embedding: put "
                "bot.components.sentence_featurizer.SentenceFeaturizer before it in config.yml."
            )
        rows.append(np.asarray(sentence.features).reshape(-1))
    return texts, np.vstack(rows)
