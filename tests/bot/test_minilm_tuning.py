"""Fine-tuning the sentence encoder: the TensorFlow pass is the NumPy one, tuning pulls each
label's examples together, and the featurizer stores and reloads the tuned encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_featurizer import WEIGHTS_FILE, SentenceFeaturizer
from bot.components.spelling_corrector import CORRECTED_TEXT
from bot.minilm import MiniLM, shared_encoder
from bot.minilm_tuning import embed, fine_tune

# Two topics that a general-purpose encoder puts close together: both are "how long" questions.
SESSION = [
    "how long is a tms session",
    "how many minutes does one tms visit take",
    "length of a single tms appointment",
    "how long am i in the chair for tms",
]
COURSE = [
    "how long is a course of tms",
    "how many weeks of tms do i need",
    "how many tms sessions in total",
    "how long does tms treatment last overall",
]


def _margin(encoder: MiniLM) -> float:
    """Mean cosine within each topic minus mean cosine across the two topics."""
    session, course = encoder.embed(SESSION), encoder.embed(COURSE)
    within = ((session @ session.T).mean() + (course @ course.T).mean()) / 2
    return float(within - (session @ course.T).mean())


def test_the_tensorflow_pass_gives_the_numpy_embeddings() -> None:
    encoder = shared_encoder()
    texts = ["hi", "is spravato covered by my insurance plan?"]
    expected = encoder.embed(texts)
    assert np.abs(embed(encoder.weights, encoder.tokenizer, texts) - expected).max() < 1e-4


def test_tuning_pulls_each_topics_examples_together() -> None:
    encoder = shared_encoder()
    labels = ["session"] * len(SESSION) + ["course"] * len(COURSE)
    weights = fine_tune(
        encoder.weights,
        encoder.tokenizer,
        SESSION + COURSE,
        labels,
        epochs=4,
        learning_rate=5e-5,
        batch_size=4,
    )
    assert weights.keys() == encoder.weights.keys()
    assert all(weights[k].shape == encoder.weights[k].shape for k in weights)
    assert _margin(encoder.with_weights(weights)) > _margin(encoder) + 0.05
    # The packaged weights are left as they were (the shared encoder is used elsewhere).
    assert _margin(shared_encoder()) == pytest.approx(_margin(encoder))


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="sentence_featurizer")


def _tokenized(texts: list[str], intent: str | None = None) -> list[Message]:
    messages = [Message(data={TEXT: t, **({"intent": intent} if intent else {})}) for t in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


def _sentence(featurizer: SentenceFeaturizer, text: str) -> np.ndarray:
    message = _tokenized([text])[0]
    featurizer.process([message])
    return message.get_dense_features(TEXT)[1].features.reshape(-1)


def test_the_featurizer_stores_the_tuned_encoder_and_loads_it(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("sentence_featurizer")
    config = {"fine_tune_epochs": 2, "batch_size": 4}
    featurizer = SentenceFeaturizer.create(config, storage, resource, _context())
    frozen = _sentence(featurizer, "how long is a tms session")
    data = TrainingData(
        training_examples=_tokenized(SESSION, "session") + _tokenized(COURSE, "course")
    )
    featurizer.train(data)
    with storage.read_from(resource) as folder:
        assert (folder / WEIGHTS_FILE).exists()
    tuned = _sentence(featurizer, "how long is a tms session")
    assert not np.allclose(tuned, frozen, atol=1e-3)
    loaded = SentenceFeaturizer.load(config, storage, resource, _context())
    assert np.allclose(_sentence(loaded, "how long is a tms session"), tuned, atol=1e-6)


def test_no_epochs_keeps_the_packaged_encoder(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("sentence_featurizer")
    config = {"fine_tune_epochs": 0}
    featurizer = SentenceFeaturizer.create(config, storage, resource, _context())
    featurizer.train(
        TrainingData(training_examples=_tokenized(SESSION, "a") + _tokenized(COURSE, "b"))
    )
    loaded = SentenceFeaturizer.load(config, storage, resource, _context())
    expected = shared_encoder().embed(["how long is a tms session"])[0]
    assert np.allclose(_sentence(loaded, "how long is a tms session"), expected, atol=1e-6)


def test_the_sentence_embedding_comes_from_the_corrected_text(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("sentence_featurizer")
    featurizer = SentenceFeaturizer.create({"fine_tune_epochs": 0}, storage, resource, _context())
    message = _tokenized(["is ketamine adictive"])[0]
    message.set(CORRECTED_TEXT, "is ketamine addictive")
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    expected = shared_encoder().embed(["is ketamine addictive"])[0]
    assert np.allclose(sentence.features.reshape(-1), expected, atol=1e-6)
    # No token features: nothing in the pipeline reads them.
    assert sequence is None
