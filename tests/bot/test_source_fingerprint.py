"""Rasa's training cache must see changes to the code beside a custom component's class."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import bot.encoder_cache
import bot.minilm
import bot.minilm_tuning
import bot.spelling
from bot.components import linear_classifier, sentence_featurizer, spelling_corrector
from bot.components.linear_classifier import LinearClassifier
from bot.components.sentence_featurizer import SentenceFeaturizer
from bot.components.source_fingerprint import source_fingerprint
from bot.components.spelling_corrector import SpellingCorrectorComponent


def _module(path: Path, code: str) -> ModuleType:
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_change_to_a_helper_changes_the_fingerprint(tmp_path: Path) -> None:
    component = "class Component:\n    pass\n"
    before = _module(tmp_path / "before.py", "def helper():\n    return 1\n\n" + component)
    after = _module(tmp_path / "after.py", "def helper():\n    return 2\n\n" + component)
    same = _module(tmp_path / "same.py", "def helper():\n    return 1\n\n" + component)
    assert source_fingerprint(before) != source_fingerprint(after)
    assert source_fingerprint(before) == source_fingerprint(same)


def test_comments_and_docstrings_do_not_change_the_fingerprint(tmp_path: Path) -> None:
    code = 'def helper():\n    """Returns one."""\n    return 1  # one\n'
    reworded = 'def helper():\n    """The number one."""\n    # why one\n    return 1\n'
    before = _module(tmp_path / "before.py", code)
    after = _module(tmp_path / "after.py", reworded)
    assert source_fingerprint(before) == source_fingerprint(after)


def test_the_components_fingerprint_their_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUNE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert LinearClassifier.fingerprint_addon({}) == source_fingerprint(linear_classifier)
    # The featurizer's output depends on the encoder's code, how it is tuned and reused too.
    assert SentenceFeaturizer.fingerprint_addon({}) == source_fingerprint(
        sentence_featurizer, bot.minilm, bot.minilm_tuning, bot.encoder_cache
    )
    assert SentenceFeaturizer.fingerprint_addon({}) != source_fingerprint(sentence_featurizer)
    # The corrector's output depends on bot.spelling's rules.
    assert SpellingCorrectorComponent.fingerprint_addon({}) == source_fingerprint(
        spelling_corrector, bot.spelling
    )
