"""The tuned-encoder cache: reused for a few changed examples, never across labels, settings
or code, never when a tune is forced, and a damaged cache means a new tune."""

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

import bot.minilm_tuning
from bot.components.sentence_featurizer import SentenceFeaturizer
from bot.encoder_cache import MAX_STALE, WEIGHTS, EncoderCache, staleness
from bot.minilm import MiniLM

SETTINGS: dict[str, object] = {"epochs": 5, "code": "abc"}
TEXTS = [f"question number {i}" for i in range(100)]
LABELS = ["a" if i % 2 else "b" for i in range(100)]
WEIGHTS_VALUE = {"w": np.arange(6, dtype=np.float32).reshape(2, 3)}


@pytest.fixture(autouse=True)
def _no_forced_tune(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUNE", raising=False)
    monkeypatch.delenv("CI", raising=False)


def _cache(tmp_path: Path) -> EncoderCache:
    cache = EncoderCache(tmp_path / "encoder")
    cache.store(WEIGHTS_VALUE, TEXTS, LABELS, SETTINGS)
    return cache


def test_the_same_examples_get_the_stored_weights(tmp_path: Path) -> None:
    found = _cache(tmp_path).lookup(TEXTS, LABELS, SETTINGS)
    assert found is not None
    weights, stale = found
    assert np.array_equal(weights["w"], WEIGHTS_VALUE["w"])
    assert stale.changed == 0


def test_a_few_new_or_changed_examples_reuse_the_tune(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    texts = [*TEXTS[:-2], "a changed question", "another changed one", "a new question"]
    found = cache.lookup(texts, [*LABELS, "a"], SETTINGS)
    assert found is not None
    assert found[1].changed == 3
    assert "3 of 100 examples" in found[1].describe()


def test_more_than_the_allowed_share_means_a_new_tune(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    extra = int(len(TEXTS) * MAX_STALE) + 1
    texts = TEXTS + [f"new question {i}" for i in range(extra)]
    assert cache.lookup(texts, LABELS + ["a"] * extra, SETTINGS) is None


def test_small_edits_add_up_against_the_tune_not_the_last_training(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    texts = list(TEXTS)
    for i in range(10):  # ten trainings of one changed example each
        texts[i] = f"edited {i}"
        found = cache.lookup(texts, LABELS, SETTINGS)
        assert (found is None) == (i + 1 > len(TEXTS) * MAX_STALE)


def test_another_label_set_settings_or_code_means_a_new_tune(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    assert cache.lookup(TEXTS, ["c", *LABELS[1:]], SETTINGS) is None
    assert cache.lookup(TEXTS, LABELS, {**SETTINGS, "epochs": 3}) is None
    assert cache.lookup(TEXTS, LABELS, {**SETTINGS, "code": "def"}) is None


def test_a_damaged_cache_means_a_new_tune(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    (cache.folder / WEIGHTS).write_bytes(b"cut sh")
    assert cache.lookup(TEXTS, LABELS, SETTINGS) is None
    (cache.folder / "tuned_on.json").write_text("{not json")
    assert cache.lookup(TEXTS, LABELS, SETTINGS) is None
    assert EncoderCache(tmp_path / "nothing").lookup(TEXTS, LABELS, SETTINGS) is None


def test_a_changed_example_counts_once() -> None:
    assert staleness(["a", "b", "c"], ["a", "b", "d"]).changed == 1
    assert staleness(["a", "b", "c"], ["a", "b"]).changed == 1
    assert staleness(["a", "b"], ["a", "b", "c", "d"]).changed == 2


# --- the featurizer's use of it ------------------------------------------------------------


def _data(texts: list[str], labels: list[str]) -> TrainingData:
    messages = [
        Message(data={TEXT: t, "intent": label}) for t, label in zip(texts, labels, strict=True)
    ]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return TrainingData(training_examples=messages)


def _train(tmp_path: Path, name: str, data: TrainingData) -> SentenceFeaturizer:
    (tmp_path / name).mkdir()
    storage, resource = LocalModelStorage(tmp_path / name), Resource("sentence_featurizer")
    config = {"fine_tune_epochs": 1, "batch_size": 8, "cache_dir": str(tmp_path / "encoder")}
    context = ExecutionContext(GraphSchema({}), node_name="sentence_featurizer")
    featurizer = SentenceFeaturizer.create(config, storage, resource, context)
    featurizer.train(data)
    return featurizer


@pytest.fixture
def tunes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the tunes; each returns the weights unchanged (the cache is what is tested)."""
    calls: list[int] = []

    def fake_tune(weights: dict[str, np.ndarray], *args: object, **kwargs: object) -> dict:
        calls.append(1)
        return weights

    monkeypatch.setattr(bot.minilm_tuning, "fine_tune", fake_tune)
    return calls


def test_the_featurizer_tunes_once_then_reuses(tmp_path: Path, tunes: list[int]) -> None:
    _train(tmp_path, "first", _data(TEXTS, LABELS))
    _train(tmp_path, "second", _data([*TEXTS, "one more question"], [*LABELS, "a"]))
    assert len(tunes) == 1


@pytest.mark.parametrize("variable", ["TUNE", "CI"])
def test_a_forced_tune_ignores_the_cache(
    tmp_path: Path, tunes: list[int], monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    _train(tmp_path, "first", _data(TEXTS, LABELS))
    monkeypatch.setenv(variable, "1" if variable == "TUNE" else "true")
    _train(tmp_path, "second", _data(TEXTS, LABELS))
    assert len(tunes) == 2
    # and Rasa's own cache is not asked for the reused result either
    assert (SentenceFeaturizer.fingerprint_addon({}) or "").endswith("-forced")


def test_a_retrain_encodes_only_the_texts_it_has_not_encoded_with_these_weights(
    tmp_path: Path, tunes: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[str] = []
    embed = MiniLM.embed

    def counted(self: MiniLM, texts: list[str]) -> np.ndarray:
        encoded.extend(texts)
        return embed(self, texts)

    monkeypatch.setattr(MiniLM, "embed", counted)
    first = _data(TEXTS, LABELS)
    _train(tmp_path, "first", first).process_training_data(first)
    assert sorted(encoded) == sorted(set(TEXTS))
    encoded.clear()
    second = _data([*TEXTS, "one more question"], [*LABELS, "a"])
    _train(tmp_path, "second", second).process_training_data(second)
    assert encoded == ["one more question"]
    fresh = _data([*TEXTS, "one more question"], [*LABELS, "a"])
    SentenceFeaturizer.create({}, *_storage(tmp_path, "fresh")).process(fresh.training_examples)
    for reused, new in zip(second.training_examples, fresh.training_examples, strict=True):
        assert np.allclose(
            reused.get_dense_features(TEXT)[1].features,
            new.get_dense_features(TEXT)[1].features,
            atol=1e-6,
        )


def test_a_new_tune_forgets_the_embeddings_of_the_old_weights(
    tmp_path: Path, tunes: list[int]
) -> None:
    data = _data(TEXTS, LABELS)
    _train(tmp_path, "first", data).process_training_data(data)
    cache = EncoderCache(tmp_path / "encoder")
    assert len(cache.embeddings()) == len(set(TEXTS))
    cache.store({k: v + 1.0 for k, v in MiniLM.load().weights.items()}, TEXTS, LABELS, {})
    assert cache.embeddings() == {}
    assert not cache.holds(MiniLM.load().weights)


def _storage(tmp_path: Path, name: str) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    (tmp_path / name).mkdir()
    context = ExecutionContext(GraphSchema({}), node_name="sentence_featurizer")
    return LocalModelStorage(tmp_path / name), Resource("sentence_featurizer"), context
