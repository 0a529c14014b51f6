"""The project's own checks of the training data, run by `make validate` after Rasa's.

Rasa's validator does not catch the mistakes trainers make most: the same sentence under two
intents, a topic with too few examples, a FAQ question without an answer or a source, an entity
annotation with a typo, a crisis sentence filed under an ordinary intent (which would teach the
assistant to answer a person in crisis with small talk). Each problem names its file and line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.crisis import detect_crisis

MIN_EXAMPLES = 15
CRISIS_INTENT = "crisis"
_INTENT_LINE = re.compile(r"^- intent:\s*(\S+)\s*$")
_EXAMPLE_LINE = re.compile(r"^\s+- (.*)$")
# [text](entity), [text]{"entity": ...} and [text]{"entity": ..., "value": ...}
_ANNOTATION = re.compile(r"\[([^\[\]]+)\](?:\(([^()]*)\)|\{([^{}]*)\})")


@dataclass(frozen=True)
class Example:
    path: Path
    line: int
    intent: str
    text: str  # as written, annotations included

    @property
    def plain(self) -> str:
        """The sentence a visitor would type: annotations removed, spacing and case normalised."""
        return normalise(_ANNOTATION.sub(r"\1", self.text))


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def read_examples(files: Iterable[Path]) -> list[Example]:
    """Every example of every `- intent:` block, with its line number (1-based)."""
    examples = []
    for path in sorted(files):
        intent = None
        in_examples = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            header = _INTENT_LINE.match(line)
            if header:
                intent, in_examples = header.group(1), False
            elif line.startswith("- "):  # a synonym, regex or lookup block
                intent, in_examples = None, False
            elif intent and line.strip().startswith("examples:"):
                in_examples = True
            elif intent and in_examples:
                example = _EXAMPLE_LINE.match(line)
                if example:
                    examples.append(Example(path, number, intent, example.group(1).strip()))
    return examples


def duplicates(examples: list[Example]) -> list[Problem]:
    first_seen: dict[str, Example] = {}
    problems = []
    for example in examples:
        earlier = first_seen.setdefault(example.plain, example)
        if earlier is example:
            continue
        where = f"{earlier.path}:{earlier.line}"
        if earlier.intent != example.intent:
            message = (
                f"'{example.plain}' is under {example.intent} here and under "
                f"{earlier.intent} at {where}: keep it under one intent only"
            )
        else:
            message = f"'{example.plain}' is already an example of {example.intent} at {where}"
        problems.append(Problem(example.path, example.line, message))
    return problems


def too_few_examples(examples: list[Example], minimum: int = MIN_EXAMPLES) -> list[Problem]:
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example)
    return [
        Problem(
            items[0].path,
            items[0].line - 2,
            f"{intent} has {len(items)} examples; it needs at least {minimum}",
        )
        for intent, items in sorted(by_intent.items())
        if len(items) < minimum
    ]


def faq_answers(examples: list[Example], response_files: Iterable[Path]) -> list[Problem]:
    """Each FAQ topic has an answer with a source, and each answer has questions."""
    answers: dict[str, tuple[Path, int, dict]] = {}
    for path in sorted(response_files):
        text = path.read_text(encoding="utf-8")
        responses = (yaml.safe_load(text) or {}).get("responses") or {}
        for name, variants in responses.items():
            line = next(
                (n for n, row in enumerate(text.splitlines(), 1) if row.strip() == f"{name}:"), 1
            )
            answers[name] = (path, line, (variants or [{}])[0])
    problems = []
    topics: dict[str, Example] = {}
    for example in examples:
        if "/" in example.intent:
            topics.setdefault(example.intent, example)
    for intent, example in sorted(topics.items()):
        name = f"utter_{intent}"
        if name not in answers:
            problems.append(
                Problem(
                    example.path,
                    example.line - 2,
                    f"{intent} has no answer: add {name} under data/responses/",
                )
            )
            continue
        path, line, answer = answers[name]
        if not str((answer.get("metadata") or {}).get("source") or "").strip():
            problems.append(
                Problem(
                    path,
                    line,
                    f"{name} has no metadata.source: name the label, "
                    "guideline or article it comes from",
                )
            )
    for name, (path, line, _) in sorted(answers.items()):
        intent = name.removeprefix("utter_")
        if "/" in intent and intent not in topics:
            problems.append(
                Problem(path, line, f"{name} is never used: no NLU examples for {intent}")
            )
    return problems


def entity_annotations(examples: list[Example], entities: set[str]) -> list[Problem]:
    problems = []
    for example in examples:
        for match in _ANNOTATION.finditer(example.text):
            entity = match.group(2)
            if match.group(3) is not None:
                try:
                    entity = (yaml.safe_load("{" + match.group(3) + "}") or {}).get("entity")
                except yaml.YAMLError:
                    entity = None
            if not entity or entity.strip() not in entities:
                problems.append(
                    Problem(
                        example.path,
                        example.line,
                        f"annotation '{match.group(0)}' names an entity that is not "
                        f"in domain.yml (known: {', '.join(sorted(entities))})",
                    )
                )
        leftover = _ANNOTATION.sub("", example.text)
        if re.search(r"\]\s*[({]|\[[^\]]*$|\]\([^)]*$", leftover):
            problems.append(
                Problem(
                    example.path,
                    example.line,
                    f"annotation does not parse in '{example.text}': write [words](entity)",
                )
            )
    return problems


def crisis_outside_crisis(examples: list[Example]) -> list[Problem]:
    problems = []
    for example in examples:
        if example.intent == CRISIS_INTENT:
            continue
        match = detect_crisis(example.plain)
        if match is not None:
            problems.append(
                Problem(
                    example.path,
                    example.line,
                    f"'{example.plain}' reads as a crisis ({match.category}) but is under "
                    f"{example.intent}: move it to data/nlu/crisis.yml or reword it",
                )
            )
    return problems


def check(root: Path) -> list[Problem]:
    examples = read_examples((root / "data" / "nlu").glob("*.yml"))
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8")) or {}
    entities = {e if isinstance(e, str) else next(iter(e)) for e in domain.get("entities") or []}
    return [
        *duplicates(examples),
        *too_few_examples(examples),
        *faq_answers(examples, (root / "data" / "responses").glob("*.yml")),
        *entity_annotations(examples, entities),
        *crisis_outside_crisis(examples),
    ]
