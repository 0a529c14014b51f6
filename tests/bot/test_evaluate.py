"""`make evaluate`: folds that keep near-duplicates together, the three outcomes a visitor can
get, the gate against the baseline, and fold models that never see their test messages."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import bot.encoder_cache
import bot.minilm_tuning
from tools import evaluate
from tools.folds import NEAR, folds, near_duplicate_groups, words
from tools.nlu_scores import (
    Outcome,
    check_in_curve,
    chosen_check_in_threshold,
    fold_figures,
    gate,
    outcome,
    summary,
)

ROOT = Path(__file__).resolve().parents[2]


def _parsed(intent: str, ranking: list[str], topic: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": name, "confidence": 0.5} for name in ranking],
    }
    if topic:
        result["response_selector"] = {"faq": {"response": {"intent_response_key": topic}}}
    return result


def test_near_duplicates_of_one_label_share_a_group_and_other_labels_do_not() -> None:
    texts = ["how much is tms", "how much is tms treatment", "how much is tms", "hello there"]
    labels = ["faq/cost_tms", "faq/cost_tms", "faq/cost_ketamine", "greet"]
    groups = near_duplicate_groups(texts, labels)
    assert groups[0] == groups[1]
    assert len({groups[0], groups[2], groups[3]}) == 3  # same words, other label: apart


def test_every_message_is_tested_once_and_with_its_near_duplicates() -> None:
    rng = np.random.default_rng(3)
    vocabulary = [f"w{n}" for n in range(40)]
    texts, labels = [], []
    for label in ("a", "b", "c"):
        for _ in range(30):
            base = list(rng.choice(vocabulary, 6, replace=False))
            texts += [" ".join(base), " ".join(base + ["please"])]
            labels += [label, label]
    splits = folds(texts, labels, k=5, seed=1)
    tested = sorted(itertools.chain.from_iterable(test for _, test in splits))
    assert tested == list(range(len(texts)))
    for train, test in splits:
        assert not set(train) & set(test)
        assert {labels[i] for i in test} == {"a", "b", "c"}
        for i in range(0, len(texts), 2):  # each message and its rewording: one side
            assert (i in test) == (i + 1 in test)


def test_no_fold_of_the_real_data_tests_a_near_duplicate_of_what_it_trained_on() -> None:
    data = evaluate.load_examples(ROOT / "data")
    texts = [m.get("text") for m in data.intent_examples]
    labels = [evaluate.label_of(m) for m in data.intent_examples]
    for train, test in folds(texts, labels, k=5, seed=evaluate.SEED):
        trained: dict[str, list[frozenset[str]]] = {}
        for i in train:
            trained.setdefault(labels[i], []).append(words(texts[i]))
        for i in test:
            mine = words(texts[i])
            overlaps = [len(mine & w) / len(mine | w) for w in trained.get(labels[i], [])]
            assert max(overlaps, default=0.0) < NEAR, texts[i]


def test_a_visitor_gets_the_answer_the_buttons_or_a_wrong_answer() -> None:
    right = outcome("faq/cost_tms", _parsed("faq", ["faq"], "faq/cost_tms"))
    fallback = outcome("faq/cost_tms", _parsed("nlu_fallback", ["nlu_fallback", "faq"], "x"))
    other_topic = outcome("faq/cost_tms", _parsed("faq", ["faq"], "faq/cost_ketamine"))
    other_intent = outcome("faq/cost_tms", _parsed("greet", ["greet", "faq"], "faq/cost_tms"))
    assert [o.answer for o in (right, fallback, other_topic, other_intent)] == [
        "right",
        "fallback",
        "wrong",
        "wrong",
    ]
    # Rasa's own test undoes the fallback: so do the intent figures.
    assert fallback.intent == "faq"


def test_fold_figures_count_each_outcome_and_the_classifiers_crisis_recall() -> None:
    outcomes = [
        Outcome("faq/a", "faq", "faq/a", False),
        Outcome("faq/a", "faq", "faq/b", True),
        Outcome("faq/b", "greet", None, False),
        Outcome("faq/b", "faq", "faq/b", False),
        Outcome("crisis", "crisis", None, False),
        Outcome("crisis", "faq", "faq/a", False),
        Outcome("greet", "greet", None, False),
    ]
    figures = fold_figures(outcomes)
    assert (figures["faq_right"], figures["faq_fallback"], figures["faq_wrong"]) == (
        0.5,
        0.25,
        0.25,
    )
    assert figures["crisis_recall"] == 0.5
    assert figures["intents"]["greet"] == pytest.approx(2 / 3)
    assert figures["faq_topics"]["faq/a"] == pytest.approx(2 / 3)  # 1 right of 1 + 2 guessed
    assert 0 < figures["intent_macro_f1"] < 1


def test_the_crisis_probability_is_read_where_it_ranks_first_or_second() -> None:
    parsed = {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.9},
            {"name": "faq", "confidence": 0.6},
            {"name": "crisis", "confidence": 0.35},
        ],
    }
    second = outcome("faq/cost_tms", parsed)
    assert (second.crisis_first, second.crisis_second) == (0.0, 0.35)
    first = outcome("crisis", _parsed("crisis", ["crisis", "faq"], "x"))
    assert first.crisis_first > 0.0 and first.crisis_second == 0.0


def test_the_check_in_threshold_is_the_lowest_that_keeps_false_check_ins_under_the_limit() -> None:
    ordinary = [Outcome("greet", "greet", None, False, 0.0, p) for p in (0.1, 0.25, 0.4)]
    ordinary += [Outcome("greet", "greet", None, False)] * 7
    crisis = [
        Outcome("crisis", "crisis", None, False, 0.9),
        Outcome("crisis", "faq", None, False, 0.0, 0.3),
        Outcome("crisis", "faq", None, False),
    ]
    curve = check_in_curve(ordinary + crisis, 0.7, [0.2, 0.3, 0.45])
    assert [p["false_check_ins"] for p in curve] == pytest.approx([0.2, 0.1, 0.0])
    assert [p["crisis_reached"] for p in curve] == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    assert chosen_check_in_threshold(curve, 0.1) == 0.3
    # 0.2 reaches no more crisis messages than 0.3 and checks in on more of the others.
    assert chosen_check_in_threshold(curve, 0.2) == 0.3
    assert chosen_check_in_threshold(curve, 0.0) == 0.45
    # An unsure first place is a check-in whatever the threshold.
    unsure = check_in_curve([Outcome("greet", "crisis", None, False, 0.5)], 0.7, [0.9])
    assert unsure[0]["false_check_ins"] == 1.0


def _summary(f1: float, sd: float, wrong: float) -> dict[str, Any]:
    figure = {"mean": 0.9, "sd": 0.01}
    return {
        "intent_macro_f1": {"mean": f1, "sd": sd},
        "faq_right": figure,
        "faq_wrong": {"mean": wrong, "sd": 0.01},
        "crisis_recall": figure,
    }


def test_the_gate_allows_the_baselines_spread_but_no_rise_in_wrong_answers() -> None:
    baseline = _summary(0.95, 0.02, 0.03)
    assert gate(_summary(0.935, 0.0, 0.03), baseline) == []
    assert gate(_summary(0.92, 0.0, 0.03), baseline) == [
        "intent_macro_f1 0.920 against 0.950 ± 0.020"
    ]
    assert gate(_summary(0.99, 0.0, 0.035), baseline) == ["faq_wrong rose: 0.035 against 0.030"]


def test_the_summary_gives_mean_and_spread_over_folds() -> None:
    base = {"faq_fallback": 0.0, "faq_wrong": 0.0, "crisis_recall": 1.0, "faq_topics": {}}
    one = {**base, "intent_macro_f1": 0.9, "faq_right": 0.8, "intents": {"greet": 1.0}}
    two = {**base, "intent_macro_f1": 1.0, "faq_right": 1.0, "intents": {"greet": 0.5}}
    result = summary([one, two])
    assert result["intent_macro_f1"]["mean"] == pytest.approx(0.95)
    assert result["intent_macro_f1"]["sd"] == pytest.approx(0.0707, abs=1e-4)
    assert result["intents"] == {"greet": 0.75}


def test_fold_models_leave_out_what_is_not_scored_and_the_encoder_cache(tmp_path: Path) -> None:
    config = evaluate.fold_config(ROOT / "config.yml", tmp_path / "fold.yml")
    pipeline = yaml.safe_load(config.read_text())["pipeline"]
    names = [component["name"] for component in pipeline]
    assert not set(names) & evaluate.NOT_SCORED
    assert "bot.components.linear_classifier.LinearClassifier" in names
    assert all("cache_dir" not in component for component in pipeline)


def _tiny_data(folder: Path) -> None:
    asked = {
        "greet": ["hello", "hi there", "good morning", "hey", "hiya", "good evening"],
        "goodbye": ["bye", "see you later", "goodbye now", "talk soon", "cya", "farewell"],
        "faq/cost_tms": [
            "how much is tms",
            "what does tms cost",
            "price of tms",
            "tms fees",
            "is tms expensive",
            "cost for magnetic stimulation",
        ],
        "faq/what_is_ketamine": [
            "what is ketamine",
            "tell me about ketamine",
            "explain ketamine infusions",
            "ketamine therapy info",
            "how does ketamine work",
            "what are ketamine infusions",
        ],
    }
    nlu = [
        {"intent": label, "examples": "".join(f"- {t}\n" for t in texts)}
        for label, texts in asked.items()
    ]
    (folder / "nlu.yml").write_text(yaml.safe_dump({"version": "3.1", "nlu": nlu}))
    responses = {
        "utter_faq/cost_tms": [{"text": "It depends."}],
        "utter_faq/what_is_ketamine": [{"text": "A medicine."}],
    }
    (folder / "responses.yml").write_text(
        yaml.safe_dump({"version": "3.1", "responses": responses})
    )


def test_each_fold_tunes_the_encoder_on_its_training_part_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _tiny_data(data)
    tuned_on: list[list[str]] = []

    def fake_tune(
        weights: dict[str, np.ndarray], _tokenizer: Any, texts: list[str], *_: Any, **__: Any
    ) -> dict[str, np.ndarray]:
        tuned_on.append(list(texts))
        return weights

    def no_cache(*_: Any, **__: Any) -> None:
        raise AssertionError("a fold read the encoder cache")

    monkeypatch.setattr(bot.minilm_tuning, "fine_tune", fake_tune)
    monkeypatch.setattr(bot.encoder_cache.EncoderCache, "lookup", no_cache)
    monkeypatch.setenv("RASA_MAX_CACHE_SIZE", "0")
    for forcing in ("TUNE", "CI"):  # a forced tune would skip the cache whatever the config
        monkeypatch.delenv(forcing, raising=False)
    monkeypatch.chdir(ROOT)  # the spaCy pipeline's path in config.yml is relative
    figures, _, outcomes = evaluate.cross_validate(
        ROOT / "config.yml", tmp_path / "work", 2, [evaluate.SEED], data_dir=data
    )
    loaded = evaluate.load_examples(data)
    texts = [m.get("text") for m in loaded.intent_examples]
    labels = [evaluate.label_of(m) for m in loaded.intent_examples]
    splits = folds(texts, labels, k=2, seed=evaluate.SEED)
    assert len(tuned_on) == len(figures) == 2
    assert len(outcomes) == len(texts)
    for tuned, (train, test) in zip(tuned_on, splits, strict=True):
        assert sorted(tuned) == sorted(texts[i] for i in train)
        assert not set(tuned) & {texts[i] for i in test}
