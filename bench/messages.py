"""The held-out visitor messages of the per-turn loads (bench/messages.yml) and the 6-message
conversations made of them: an opener, 4 questions, a closer. Each pool is walked in a
shuffled order before any message comes again, so a run repeats a message as rarely as the
pool allows."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

MESSAGES = Path(__file__).with_name("messages.yml")
POOLS = ("openers", "questions", "closers")
SHAPE = ("openers", "questions", "questions", "questions", "questions", "closers")
MIN_DISTINCT = 300


def load_pools(path: Path = MESSAGES) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pools = {name: [str(message) for message in data[name]] for name in POOLS}
    every = [message for pool in pools.values() for message in pool]
    if len({normalise(message) for message in every}) != len(every):
        raise ValueError(f"{path}: two messages are the same")
    if len(every) < MIN_DISTINCT:
        raise ValueError(f"{path}: {len(every)} messages, at least {MIN_DISTINCT} are needed")
    return pools


def normalise(text: str) -> str:
    """Lower case, entity annotations reduced to their words, punctuation dropped."""
    text = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", text.lower())
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text).split())


def training_examples(root: Path) -> set[str]:
    """Every NLU example of the project's training and test data, normalised."""
    found: set[str] = set()
    files = [*(root / "data" / "nlu").glob("*.yml"), *(root / "tests").rglob("*.yml")]
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if not isinstance(data, dict):
            continue
        for item in data.get("nlu") or []:
            examples = item.get("examples") if isinstance(item, dict) else None
            for line in str(examples or "").splitlines():
                if line.strip().startswith("- "):
                    found.add(normalise(line.strip()[2:]))
    return found


def in_training_data(root: Path, pools: dict[str, list[str]]) -> list[str]:
    """The benchmark's messages that the assistant was trained or tested on (should be none)."""
    seen = training_examples(root)
    return [m for pool in pools.values() for m in pool if normalise(m) in seen]


@dataclass
class Conversations:
    """An endless, seeded supply of conversations; two suppliers with the same seed give the
    project and the floor the same conversations in the same order."""

    pools: dict[str, list[str]]
    seed: int

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._walks: dict[str, Iterator[str]] = {name: self._walk(name) for name in POOLS}

    def _walk(self, name: str) -> Iterator[str]:
        while True:
            order = list(self.pools[name])
            self._random.shuffle(order)
            yield from order

    def next(self) -> list[str]:
        return [next(self._walks[name]) for name in SHAPE]
