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
    encoded = encoder.encode(REFERENCE["texts"])
    for result, expected in zip(encoded, REFERENCE["embeddings"], strict=True):
        assert result.sentence.shape == (384,)
        assert np.abs(result.sentence - np.array(expected)).max() < 1e-4


def test_batching_and_padding_do_not_change_a_result(encoder: MiniLM) -> None:
    alone = encoder.encode(["hi"])[0].sentence
    padded = encoder.encode(["hi", "a much longer question about ketamine infusions and cost"])[0]
    assert np.allclose(alone, padded.sentence, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_questions(encoder: MiniLM) -> None:
    price, pricey, hours = (
        e.sentence
        for e in encoder.encode(
            ["how much does ketamine cost", "is ketamine expensive", "when are you open"]
        )
    )
    assert price @ pricey > price @ hours + 0.2


def test_offsets_cover_the_words_of_the_text(encoder: MiniLM) -> None:
    text = "Spravato in Santa Monica"
    result = encoder.encode([text])[0]
    pieces = "".join(text[start:end] for start, end in result.offsets)
    assert pieces == text.replace(" ", "")
    assert result.token_vectors.shape == (len(result.offsets), 384)
