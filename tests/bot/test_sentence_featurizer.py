"""The featurizer encodes a visitor's turn on one BLAS thread and training batches on all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from threadpoolctl import threadpool_info

from bot.components.sentence_featurizer import TURN_SIZE, SentenceFeaturizer
from bot.minilm import MiniLM


def _blas_threads() -> set[int]:
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def _messages(count: int) -> list[Message]:
    messages = [Message(data={TEXT: f"question number {n} about tms"}) for n in range(count)]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


@pytest.mark.parametrize("count", [1, TURN_SIZE + 10])
def test_a_turn_is_encoded_on_one_blas_thread_and_a_batch_on_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    seen: list[set[int]] = []
    embed = MiniLM.embed

    def watched(self: MiniLM, texts: Any) -> np.ndarray:
        seen.append(_blas_threads())
        return embed(self, texts)

    monkeypatch.setattr(MiniLM, "embed", watched)
    storage, resource = LocalModelStorage(tmp_path), Resource("sentence_featurizer")
    context = ExecutionContext(GraphSchema({}), node_name="sentence_featurizer")
    featurizer = SentenceFeaturizer.create({}, storage, resource, context)
    outside = _blas_threads()
    messages = featurizer.process(_messages(count))
    assert all(m.get_dense_features(TEXT)[1] is not None for m in messages)
    assert seen and all(threads == ({1} if count == 1 else outside) for threads in seen)
    assert _blas_threads() == outside  # and the limit is lifted afterwards
