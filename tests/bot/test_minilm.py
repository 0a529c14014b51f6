"""The NumPy sentence encoder gives the same embeddings as sentence-transformers itself.

tests/bot/data/minilm_reference.json was written once by sentence-transformers (PyTorch) from
the same packaged model; the bot environment cannot hold PyTorch, so the reference is a file.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from bot.minilm import MiniLM

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def encoder() -> MiniLM:
    return MiniLM.load()


def test_embeddings_match_sentence_transformers(encoder: MiniLM) -> None:
    embedded = encoder.embed(REFERENCE["texts"])
    assert embedded.shape == (len(REFERENCE["texts"]), 384)
    for result, expected in zip(embedded, REFERENCE["embeddings"], strict=True):
        assert np.abs(result - np.array(expected)).max() < 1e-4


def test_batching_and_padding_do_not_change_a_result(encoder: MiniLM) -> None:
    alone = encoder.embed(["hi"])[0]
    padded = encoder.embed(["hi", "a much longer question about ketamine infusions and cost"])[0]
    assert np.allclose(alone, padded, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_questions(encoder: MiniLM) -> None:
    price, pricey, hours = encoder.embed(
        ["how much does ketamine cost", "is ketamine expensive", "when are you open"]
    )
    assert price @ pricey > price @ hours + 0.2
