"""Names captured by the trained NLU and the lead form, on a held-out set (tests/names/).

The set was written by someone who had seen neither the training data nor the rules: answers
to "What's your full name?" and introductions in other messages, with the name the clinic
should store (null: none). A message counts as right when the form stores that name (case,
commas and a final full stop aside), or stores none when there is none to store. The figure is
written to reports/name_capture.json and may not fall below the committed one
(tests/names/baseline.json) by more than the spread between two trainings.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.lead_form import ValidateLeadForm
from actions.turn import Turn
from clinic.lead import NOT_ANSWERED

HERE = Path(__file__).resolve().parents[1] / "names"
SET = yaml.safe_load((HERE / "name_capture.yml").read_text(encoding="utf-8"))
REPORT = Path(__file__).resolve().parents[2] / "reports" / "name_capture.json"
# Two trainings of the same data and code differ: the encoder's tune is not deterministic. Seen
# with the same NLU code and data, two fresh tunes: 3 of 217 messages ("all" 0.774 and 0.760),
# 2 of 84 introductions, 1 of 133 answers. A section may lose that many messages, no more.
SPREAD_MESSAGES = 3


def _same(stored: str | None, expected: str | None) -> bool:
    def key(name: str | None) -> str:
        return re.sub(r"[\s,]+", " ", (name or "").lower()).strip(" .")

    return key(stored) == key(expected)


def stored_name(form: ValidateLeadForm, parsed: dict[str, Any], asked: bool) -> str | None:
    """The name the form keeps from this message: asked for it, or while asking another."""
    slots = {"requested_slot": "full_name" if asked else "location", "full_name": None}
    tracker = Tracker("name-capture", slots, parsed, [], False, None, {"name": "lead_form"}, "")
    dispatcher = CollectingDispatcher()
    with Turn.shared(tracker):
        loop = asyncio.new_event_loop()
        try:
            found = loop.run_until_complete(form.extract_full_name(dispatcher, tracker, {}))
        finally:
            loop.close()
        value = found.get("full_name")
        if not value:
            return None
        validated = form.validate_full_name(value, dispatcher, tracker, {})
    name = validated.get("full_name")
    return name if isinstance(name, str) and name not in NOT_ANSWERED else None


def score(parse: Any) -> dict[str, Any]:
    """Share of the set captured right, per section, and the misses."""
    form = ValidateLeadForm()
    result: dict[str, Any] = {"misses": []}
    right_in_all = 0
    for section, asked in (("answers", True), ("introductions", False)):
        right = 0
        for item in SET[section]:
            stored = stored_name(form, parse(item["text"]), asked)
            if _same(stored, item["name"]):
                right += 1
            else:
                result["misses"].append({"section": section, **item, "stored": stored})
        result[section] = right / len(SET[section])
        right_in_all += right
    result["all"] = right_in_all / (len(SET["answers"]) + len(SET["introductions"]))
    return result


def test_the_set_is_big_enough() -> None:
    assert len(SET["answers"]) + len(SET["introductions"]) >= 150


def test_names_are_captured_no_worse_than_the_baseline(
    agent: Any, event_loop_for_agent: asyncio.AbstractEventLoop
) -> None:
    result = score(lambda text: event_loop_for_agent.run_until_complete(agent.parse_message(text)))
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    baseline = json.loads((HERE / "baseline.json").read_text(encoding="utf-8"))
    worse = {
        section: (round(result[section], 3), baseline[section])
        for section in ("answers", "introductions", "all")
        if result[section] < baseline[section] - SPREAD_MESSAGES / _size(section)
    }
    assert worse == {}, f"name capture fell below the baseline (now, baseline): {worse}"


def _size(section: str) -> int:
    if section == "all":
        return len(SET["answers"]) + len(SET["introductions"])
    return len(SET[section])
