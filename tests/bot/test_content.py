"""FAQ content rules: every answer sourced, enough examples, no marketing exaggerations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MIN_EXAMPLES = 15
# Claims from the clinic's marketing that the answers must never repeat.
BANNED = [
    r"85\s*%",
    r"85 percent",
    r"no side effects",
    r"non-?addictive",
    r"\bcures?\b",
    r"guarantee",
    r"success rate",
    r"phenomenal",
    r"first go-to",
    r"nearly immediate",
]


def _yaml_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).glob("*.yml"))


def _faq_examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in _yaml_files("data/nlu"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if str(block.get("intent", "")).startswith("faq/"):
                lines = [
                    line[2:] for line in block["examples"].splitlines() if line.startswith("- ")
                ]
                examples[block["intent"].split("/", 1)[1]] = lines
    return examples


def _faq_responses() -> dict[str, list[dict[str, Any]]]:
    responses: dict[str, list[dict[str, Any]]] = {}
    for path in _yaml_files("data/responses"):
        for name, variants in (yaml.safe_load(path.read_text()).get("responses") or {}).items():
            responses[name.removeprefix("utter_faq/")] = variants
    return responses


def test_every_faq_topic_has_an_answer_and_every_answer_a_topic() -> None:
    assert set(_faq_examples()) == set(_faq_responses())
    assert len(_faq_examples()) >= 30


@pytest.mark.parametrize("topic", sorted(_faq_examples()))
def test_each_topic_has_enough_distinct_examples(topic: str) -> None:
    examples = _faq_examples()[topic]
    assert len(set(e.lower() for e in examples)) >= MIN_EXAMPLES


@pytest.mark.parametrize("topic", sorted(_faq_responses()))
def test_each_answer_names_its_source_and_stays_short_and_sober(topic: str) -> None:
    for variant in _faq_responses()[topic]:
        assert variant.get("metadata", {}).get("source"), f"{topic} has no source"
        text = variant["text"]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
        assert 1 <= len(sentences) <= 5, f"{topic}: {len(sentences)} sentences"
        for pattern in BANNED:
            assert not re.search(pattern, text, re.IGNORECASE), f"{topic} says {pattern!r}"


def test_answers_touching_suicide_give_the_988_line() -> None:
    for topic, variants in _faq_responses().items():
        for variant in variants:
            if re.search(r"suicid", variant["text"], re.IGNORECASE):
                assert "988" in variant["text"], topic


def test_no_example_is_under_two_faq_topics() -> None:
    seen: dict[str, str] = {}
    for topic, examples in _faq_examples().items():
        for example in examples:
            key = example.lower().strip(" ?!.")
            assert seen.setdefault(key, topic) == topic, (
                f"{example!r} is under {seen[key]} and {topic}"
            )


def test_crisis_examples_are_not_in_faq_topics() -> None:
    from bot.crisis import detect_crisis

    flagged = [e for examples in _faq_examples().values() for e in examples if detect_crisis(e)]
    assert flagged == []
