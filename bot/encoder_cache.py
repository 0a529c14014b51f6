"""Tuned encoder weights kept between trainings, so one new example does not cost a tune.

The fine-tune (bot.minilm_tuning) is the costliest step of training, and one new example moves
the tuned encoder very little: the sentence features change far less than the classifier on
top of them, which is always trained on every example. So `make train` keeps the weights of the
last tune in `build/encoder/` with what they were tuned on: every (text, label) pair, the tune's
settings and the code. It reuses them while the label set, the settings and the code are the
same and at most MAX_STALE of the examples were added, changed or removed since that tune
(counted against the tune, not the last training, so small edits cannot add up unseen).

`TUNE=1` forces a tune; CI always tunes (`CI=true`); `make evaluate` never reads the cache
(each fold is tuned on its own training part).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Share of the tuned examples that may have changed before the weights are tuned again.
MAX_STALE = 0.05
WEIGHTS = "tuned_minilm.safetensors"
RECORD = "tuned_on.json"
# Sentence embeddings of training texts under the cached weights, so a retrain encodes only the
# new texts (encoding every example again cost as much as the rest of a retrain).
EMBEDDINGS = "embeddings.npz"


@dataclass(frozen=True)
class Staleness:
    """How far the examples are from those the cached weights were tuned on."""

    changed: int  # pairs added or changed, or removed, since the tune
    tuned_on: int

    @property
    def share(self) -> float:
        return self.changed / max(self.tuned_on, 1)

    def describe(self) -> str:
        return (
            f"{self.changed} of {self.tuned_on} examples added, changed or removed since that "
            f"tune ({self.share:.1%}; a new tune at more than {MAX_STALE:.0%} or with TUNE=1)"
        )


def pair_hashes(texts: Sequence[str], labels: Sequence[str]) -> list[str]:
    return sorted(
        hashlib.sha256(f"{label}\x1f{text}".encode()).hexdigest()[:20]
        for text, label in zip(texts, labels, strict=True)
    )


def staleness(cached: Sequence[str], current: Sequence[str]) -> Staleness:
    """A changed example is one pair gone and one new: it counts once."""
    old, new = set(cached), set(current)
    return Staleness(max(len(new - old), len(old - new)), len(old))


def tune_forced() -> bool:
    return any(os.environ.get(name, "").lower() in ("1", "true", "yes") for name in ("TUNE", "CI"))


class EncoderCache:
    """One folder holding the weights of the last tune and what they were tuned on."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def lookup(
        self, texts: Sequence[str], labels: Sequence[str], settings: dict[str, object]
    ) -> tuple[dict[str, np.ndarray], Staleness] | None:
        """The cached weights when they may stand for a tune on these examples, else None."""
        record = self._record()
        if record is None or record.get("settings") != settings:
            return None
        if record.get("labels") != sorted(set(labels)):
            return None
        pairs = record.get("pairs")
        if not isinstance(pairs, list):
            return None
        stale = staleness(pairs, pair_hashes(texts, labels))
        if stale.share > MAX_STALE:
            return None
        # Defined by the Rust extension; the package's type stubs do not list it.
        from safetensors import SafetensorError  # type: ignore[attr-defined]
        from safetensors.numpy import load_file

        try:
            return load_file(str(self.folder / WEIGHTS)), stale
        except (OSError, ValueError, SafetensorError):  # cut short or removed: tune again
            return None

    def store(
        self,
        weights: dict[str, np.ndarray],
        texts: Sequence[str],
        labels: Sequence[str],
        settings: dict[str, object],
    ) -> None:
        from safetensors.numpy import save_file

        self.folder.mkdir(parents=True, exist_ok=True)
        # Weights first, the record last: a record always describes the weights beside it.
        (self.folder / RECORD).unlink(missing_ok=True)
        (self.folder / EMBEDDINGS).unlink(missing_ok=True)  # they were of the old weights
        save_file(weights, str(self.folder / WEIGHTS))
        record = {
            "settings": settings,
            "labels": sorted(set(labels)),
            "pairs": pair_hashes(texts, labels),
        }
        temporary = self.folder / f"{RECORD}.tmp"
        temporary.write_text(json.dumps(record), encoding="utf-8")
        temporary.replace(self.folder / RECORD)

    def _record(self) -> dict[str, object] | None:
        try:
            record = json.loads((self.folder / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def holds(self, weights: dict[str, np.ndarray]) -> bool:
        """Whether the cached weights are exactly these."""
        # Defined by the Rust extension; the package's type stubs do not list it.
        from safetensors import SafetensorError  # type: ignore[attr-defined]
        from safetensors.numpy import load_file

        try:
            cached = load_file(str(self.folder / WEIGHTS))
        except (OSError, ValueError, SafetensorError):
            return False
        return cached.keys() == weights.keys() and all(
            np.array_equal(cached[name], weights[name]) for name in cached
        )

    def embeddings(self) -> dict[str, np.ndarray]:
        """Embeddings stored for the cached weights, by text hash (empty when none are)."""
        try:
            with np.load(self.folder / EMBEDDINGS) as stored:
                keys, rows = stored["keys"], stored["rows"]
        except (OSError, ValueError, KeyError):
            return {}
        return dict(zip(keys.tolist(), rows, strict=True))

    def store_embeddings(self, found: dict[str, np.ndarray]) -> None:
        """Keep these embeddings (by text hash) for the next training with the same weights."""
        if not found or not (self.folder / RECORD).exists():
            return
        keys = sorted(found)
        temporary = self.folder / f"{EMBEDDINGS}.tmp.npz"
        np.savez(temporary, keys=np.array(keys), rows=np.stack([found[k] for k in keys]))
        temporary.replace(self.folder / EMBEDDINGS)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]
