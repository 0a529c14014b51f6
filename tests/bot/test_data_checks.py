"""Each check of `make validate` catches its mistake in a small data set and passes a good one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.data_checks import MIN_EXAMPLES, check

ROOT = Path(__file__).resolve().parents[2]


def examples(prefix: str, count: int = MIN_EXAMPLES) -> str:
    return "".join(f"    - {prefix} number {i}\n" for i in range(count))


GOOD_NLU = (
    'version: "3.1"\nnlu:\n'
    "- intent: greet\n  examples: |\n"
    + examples("hello there")
    + "\n- intent: inform\n  examples: |\n    - my name is [Ana Ruiz](person)\n"
    + '    - i want [tms]{"entity": "treatment", "value": "tms"}\n'
    + examples("some detail", MIN_EXAMPLES - 2)
    + "\n- intent: faq/tms_cost\n  examples: |\n"
    + examples("how much is tms")
    + "\n- intent: crisis\n  examples: |\n    - i want to kill myself\n"
    + examples("i am in danger", MIN_EXAMPLES - 1)
)
GOOD_RESPONSES = (
    'version: "3.1"\nresponses:\n  utter_faq/tms_cost:\n    - text: "It depends on your plan."\n'
    '      metadata:\n        source: "The clinic\'s article"\n'
)
DOMAIN = 'version: "3.1"\nentities:\n  - person\n  - treatment\n'


def project(tmp_path: Path, nlu: str = GOOD_NLU, responses: str = GOOD_RESPONSES) -> Path:
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "responses").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "topics.yml").write_text(nlu)
    (tmp_path / "data" / "responses" / "faq.yml").write_text(responses)
    (tmp_path / "domain.yml").write_text(DOMAIN)
    return tmp_path


def messages(root: Path) -> list[str]:
    return [str(problem) for problem in check(root)]


def test_good_data_passes(tmp_path: Path) -> None:
    assert messages(project(tmp_path)) == []


def test_the_projects_own_data_passes() -> None:
    assert messages(ROOT) == []


def test_same_example_under_two_intents_is_caught_with_both_places(tmp_path: Path) -> None:
    nlu = GOOD_NLU.replace("    - some detail number 0\n", "    - Hello  there number 3\n")
    [problem] = messages(project(tmp_path, nlu))
    assert "under inform here and under greet" in problem
    assert "topics.yml:" in problem and problem.split(":")[1].isdigit()


def test_too_few_examples_is_caught(tmp_path: Path) -> None:
    nlu = GOOD_NLU.replace("    - hello there number 0\n", "")
    [problem] = messages(project(tmp_path, nlu))
    assert f"greet has {MIN_EXAMPLES - 1} examples; it needs at least {MIN_EXAMPLES}" in problem


def test_faq_without_answer_or_source_and_unused_answer_are_caught(tmp_path: Path) -> None:
    no_answer = GOOD_RESPONSES.replace("utter_faq/tms_cost", "utter_faq/tms_price")
    found = messages(project(tmp_path, responses=no_answer))
    assert any("faq/tms_cost has no answer" in m for m in found)
    assert any("utter_faq/tms_price is never used" in m for m in found)


def test_faq_answer_without_source_is_caught(tmp_path: Path) -> None:
    no_source = GOOD_RESPONSES.replace('source: "The clinic\'s article"', 'source: ""')
    [problem] = messages(project(tmp_path, responses=no_source))
    assert "utter_faq/tms_cost has no metadata.source" in problem and "faq.yml:3" in problem


@pytest.mark.parametrize(
    "broken",
    [
        "my name is [Ana Ruiz](persn)",  # entity not in the domain
        "my name is [Ana Ruiz](person",  # unclosed
        'my name is [Ana Ruiz]{"entity": }',  # bad JSON-ish body
    ],
)
def test_annotations_that_do_not_parse_are_caught(tmp_path: Path, broken: str) -> None:
    nlu = GOOD_NLU.replace("my name is [Ana Ruiz](person)", broken)
    found = messages(project(tmp_path, nlu))
    assert found and all("annotation" in m for m in found)


def test_crisis_phrasing_under_another_intent_is_caught(tmp_path: Path) -> None:
    nlu = GOOD_NLU.replace("    - some detail number 0\n", "    - honestly i just want to die\n")
    [problem] = messages(project(tmp_path, nlu))
    assert "reads as a crisis" in problem and "under inform" in problem
