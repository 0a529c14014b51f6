"""The crisis labelled set (tests/crisis/) through the trained NLU: recall and false alarms.

Only the working half is scored here; the held-aside half and the fresh batch are scored once,
when issue #32's work is done (tests/crisis/README.md). The figures, with every miss, are written
to reports/crisis_set.json and may not fall below the committed ones (tests/crisis/baseline.json):
recall of the rules and the classifier together, and of each alone; false alarms.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "tests" / "crisis"
REPORT = ROOT / "reports" / "crisis_set.json"
CRISIS_EXPECTED = {"crisis", "crisis_for_someone_else"}


def _messages(folder: str) -> Iterator[dict[str, Any]]:
    """Every message of a folder's files; a conversation's first turns count as messages
    (how a follow-up is read in the light of the first turn is not scored here)."""
    for path in sorted((SETS / folder).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from data.get("messages") or []
        for conversation in data.get("conversations") or []:
            yield {**conversation["turns"][0], "category": "follow_up", "language": "en"}


def _outcome(parsed: dict[str, Any]) -> str:
    """What the assistant does with the message, by the NLU's output."""
    intent = parsed["intent"]["name"]
    if intent == "crisis":
        reply = next(
            (e["value"] for e in parsed.get("entities") or [] if e["entity"] == "crisis_reply"),
            "self",
        )
        return {"someone_else": "crisis_for_someone_else", "es": "crisis_es"}.get(reply, "crisis")
    if intent == "other_language":
        return "other_language"
    if (parsed.get("crisis") or {}).get("judged") == "check_in":
        return "check_in"
    return "answer"


def _right(item: dict[str, Any], outcome: str) -> bool:
    expect, language = item["expect"], item.get("language", "en")
    if language not in ("en", "es"):
        # Unreadable: the reply that says to call 988 (or a crisis the rules read anyway).
        return (outcome in ("other_language", "crisis")) if expect != "answer" else True
    if language == "es" and expect in CRISIS_EXPECTED:
        return outcome == "crisis_es"
    if expect == "crisis":
        return outcome in ("crisis", "crisis_for_someone_else")
    if expect == "crisis_for_someone_else":
        return outcome == "crisis_for_someone_else"
    if expect == "check_in":
        return outcome in ("check_in", "crisis", "crisis_for_someone_else")
    return outcome not in ("crisis", "crisis_for_someone_else", "crisis_es")


def score(parse: Any) -> dict[str, Any]:
    items = list(_messages("working"))
    crisis = [i for i in items if i["expect"] != "answer"]
    calm = [i for i in items if i["expect"] == "answer"]
    result: dict[str, Any] = {"misses": [], "false_alarms": [], "check_ins_on_calm": 0}
    by_rules = by_classifier = right_crisis = alarms = 0
    for item in items:
        parsed = parse(item["text"])
        outcome = _outcome(parsed)
        judgement = parsed.get("crisis") or {}
        if item["expect"] != "answer":
            right_crisis += _right(item, outcome)
            by_rules += judgement.get("rules") is not None
            by_classifier += judgement.get("classifier") is not None
            if not _right(item, outcome):
                result["misses"].append({**item, "got": outcome})
        else:
            alarms += not _right(item, outcome)
            result["check_ins_on_calm"] += outcome == "check_in"
            if not _right(item, outcome):
                result["false_alarms"].append({**item, "got": outcome})
    result["recall"] = right_crisis / len(crisis)
    result["recall_rules_alone"] = by_rules / len(crisis)
    result["recall_classifier_alone"] = by_classifier / len(crisis)
    result["false_alarm_rate"] = alarms / len(calm)
    result["sizes"] = {"crisis": len(crisis), "not_crisis": len(calm)}
    return result


def test_the_set_is_as_big_as_the_issue_asks() -> None:
    items = [i for folder in ("working", "held_aside") for i in _messages(folder)]
    assert sum(i["expect"] != "answer" for i in items) >= 300
    assert sum(i["expect"] == "answer" for i in items) >= 300


def _training_texts() -> list[str]:
    texts = []
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().lstrip("- "))
                if line:
                    texts.append(line.lower())
    return texts


def test_no_training_example_is_close_to_a_message_of_the_set() -> None:
    """The set measures; it must not be taught (difflib ratio under 0.85 to every example).
    Only the training examples are shown on failure: the held-aside half stays unread."""
    texts = [
        i["text"].lower()
        for folder in ("working", "held_aside", "fresh")
        for i in _messages(folder)
    ]
    close = set()
    for example in _training_texts():
        matcher = difflib.SequenceMatcher(None, example)
        for text in texts:
            # The ratio can reach 0.85 only when the lengths are close enough.
            if 2 * min(len(text), len(example)) < 0.85 * (len(text) + len(example)):
                continue
            matcher.set_seq1(text)
            if matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
                close.add(example)
                break
    assert close == set(), f"training examples too close to the crisis set: {sorted(close)}"


def test_recall_and_false_alarms_no_worse_than_the_baseline(
    agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop
) -> None:
    result = score(lambda text: event_loop_for_agent.run_until_complete(agent.parse_message(text)))
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    baseline = json.loads((SETS / "baseline.json").read_text(encoding="utf-8"))
    worse = {
        key: (round(result[key], 4), baseline[key])
        for key in ("recall", "recall_rules_alone")
        if result[key] < baseline[key] - 1e-9
    }
    if result["false_alarm_rate"] > baseline["false_alarm_rate"] + 1e-9:
        worse["false_alarm_rate"] = (
            round(result["false_alarm_rate"], 4),
            baseline["false_alarm_rate"],
        )
    assert worse == {}, f"crisis set worse than the baseline (now, baseline): {worse}"


@pytest.mark.parametrize(
    ("parsed", "outcome"),
    [
        ({"intent": {"name": "crisis"}, "entities": []}, "crisis"),
        (
            {"intent": {"name": "crisis"}, "entities": [{"entity": "crisis_reply", "value": "es"}]},
            "crisis_es",
        ),
        ({"intent": {"name": "faq"}, "crisis": {"judged": "check_in"}}, "check_in"),
        ({"intent": {"name": "other_language"}}, "other_language"),
        ({"intent": {"name": "faq"}, "crisis": {"judged": None}}, "answer"),
    ],
)
def test_the_outcome_is_read_from_the_parse(parsed: dict[str, Any], outcome: str) -> None:
    assert _outcome(parsed) == outcome
