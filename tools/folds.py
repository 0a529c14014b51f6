"""Cross-validation folds in which a message and its near-duplicates are tested together.

Trainers often add a question in several close wordings ("how much is tms" / "how much is tms
treatment"). Were one wording trained on and the other tested, the test would measure memory,
not understanding: so within one label, messages whose word sets overlap by NEAR or more
(Jaccard) form one group, and a group goes to a single fold. Folds are stratified by label, so
every fold tests every label that has enough groups.
"""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

# Word-set overlap from which two messages of one label count as the same message reworded.
NEAR = 0.8
_WORD = re.compile(r"[a-z0-9']+")

Fold = tuple[list[int], list[int]]  # indices of the training part, of the test part


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicate_groups(
    texts: Sequence[str], labels: Sequence[str], near: float = NEAR
) -> list[int]:
    """A group number per message: messages of one label linked by overlap `near` or more
    share a group (transitively, so a chain of small rewordings stays together)."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_label: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    word_sets = [words(text) for text in texts]
    for members in by_label.values():
        for position, i in enumerate(members):
            for j in members[position + 1 :]:
                if _jaccard(word_sets[i], word_sets[j]) >= near:
                    parent[root(j)] = root(i)
    roots = [root(i) for i in range(len(texts))]
    numbers = {r: n for n, r in enumerate(dict.fromkeys(roots))}
    return [numbers[r] for r in roots]


def folds(texts: Sequence[str], labels: Sequence[str], k: int = 5, seed: int = 42) -> list[Fold]:
    """k (train, test) index splits: every message tested once, near-duplicates together."""
    groups = near_duplicate_groups(texts, labels)
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # A label with fewer groups than folds is tested in fewer folds: expected, not news.
        warnings.filterwarnings("ignore", message="The least populated class", module="sklearn")
        splits = splitter.split(np.zeros(len(texts)), list(labels), groups)
        return [(sorted(train.tolist()), sorted(test.tolist())) for train, test in splits]
