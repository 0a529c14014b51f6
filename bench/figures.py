"""Issue #31's targets, read from the figures of each run; a target holds when the median of
the runs meets it. Per-turn targets are ratios to the floor measured in the same run."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    limit: float
    at_most: bool  # False: at least
    unit: str  # "s", "MB", "ms", "turns/s"; ratio targets compare project / floor
    project: tuple[str, ...]  # where the project's figure is in a run
    floor: tuple[str, ...] | None = None  # and the floor's
    ratio: bool = False  # the limit applies to project / floor

    def wording(self) -> str:
        sign = "≤" if self.at_most else "≥"
        if self.ratio:
            return f"{sign} {self.limit:g} × floor"
        return f"{sign} {self.limit:g} {self.unit}"

    def met(self, value: float) -> bool:
        return value <= self.limit if self.at_most else value >= self.limit


TARGETS = (
    Target(
        "retrain_example_s",
        "Retrain after one new NLU example of an existing intent",
        90,
        True,
        "s",
        ("clone", "retrain_example_s"),
    ),
    Target(
        "retrain_faq_s",
        "Retrain after one FAQ answer edited",
        90,
        True,
        "s",
        ("clone", "retrain_faq_s"),
    ),
    Target(
        "cold_train_s",
        "Cold train (`make train`, every cache empty)",
        240,
        True,
        "s",
        ("clone", "cold_train_s"),
        ("floor", "train_s"),
    ),
    Target(
        "start_s",
        "Rasa start to first answer (second `make run`, FAQ via REST)",
        30,
        True,
        "s",
        ("clone", "start_s"),
        ("floor", "start_s"),
    ),
    Target(
        "rss_mb",
        "Rasa RSS after 1,000 turns (all its processes)",
        1200,
        True,
        "MB",
        ("project", "rss_mb"),
        ("floor", "rss_mb"),
    ),
    Target(
        "sequential_p50",
        "Per turn, sequential (1 visitor): p50",
        1.3,
        True,
        "ms",
        ("project", "sequential", "p50_ms"),
        ("floor", "sequential", "p50_ms"),
        ratio=True,
    ),
    Target(
        "closed20_throughput",
        "Per turn, 20 visitors without pause: throughput",
        0.9,
        False,
        "turns/s",
        ("project", "closed20", "turns_per_s"),
        ("floor", "closed20", "turns_per_s"),
        ratio=True,
    ),
    Target(
        "closed20_p95",
        "Per turn, 20 visitors without pause: p95",
        1.2,
        True,
        "ms",
        ("project", "closed20", "p95_ms"),
        ("floor", "closed20", "p95_ms"),
        ratio=True,
    ),
)


def _get(run: dict[str, Any], path: tuple[str, ...] | None) -> float | None:
    value: Any = run
    for part in path or ():
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value) if isinstance(value, (int, float)) and value is not None else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def evaluate(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target with its figure in every run and the medians; `met` is None when the
    figure was not measured (the quick option leaves training and start out)."""
    results = []
    for target in TARGETS:
        project = [_get(run, target.project) for run in runs]
        floor = [_get(run, target.floor) for run in runs]
        per_run: list[float | None] = list(project)
        if target.ratio:
            per_run = [
                round(p / f, 3) if p is not None and f else None
                for p, f in zip(project, floor, strict=True)
            ]
        values = [v for v in per_run if v is not None]
        median = _median(values)
        results.append(
            {
                "key": target.key,
                "figure": target.label,
                "target": target.wording(),
                "unit": target.unit,
                "ratio": target.ratio,
                "limit": target.limit,
                "project": _median([v for v in project if v is not None]),
                "floor": _median([v for v in floor if v is not None]),
                "value": median,
                "runs": per_run,
                "met": None if median is None else target.met(median),
            }
        )
    return results


def checks(
    runs: list[dict[str, Any]], held_out_overlap: list[str], rss_turns: int = 1000
) -> list[dict[str, Any]]:
    """What must hold in every run for its figures to count."""
    found: list[dict[str, Any]] = [
        {
            "check": "load messages are held out (none in data/nlu/ or tests/)",
            "ok": not held_out_overlap,
            "detail": held_out_overlap[:10],
        }
    ]
    for number, run in enumerate(runs, 1):
        project = run["project"]
        found += [
            {
                "check": f"run {number}: every load turn of the project got an answer",
                "ok": project["errors"] == 0,
                "detail": project["error_examples"],
            },
            {
                "check": f"run {number}: the checked conversations (FAQ answers, leads stored)",
                "ok": project["checked"]["errors"] == 0 and project["checked"]["leads_lost"] == 0,
                "detail": project["checked"],
            },
            {
                "check": f"run {number}: RSS read after at least {rss_turns:,} turns",
                "ok": project["rss_after_turns"] >= rss_turns,
                "detail": project["rss_after_turns"],
            },
        ]
        clone = run.get("clone")
        if clone:
            found += [
                {
                    "check": f"run {number}: the new example is classified as its intent",
                    "ok": clone["new_example"]["ok"],
                    "detail": clone["new_example"],
                },
                {
                    "check": f"run {number}: the edited FAQ answer is served (REST)",
                    "ok": clone["faq_edit"]["served"],
                    "detail": clone["faq_edit"],
                },
                {
                    "check": f"run {number}: only the Rasa of `make run` listens on its port",
                    "ok": clone["start_only_rasa_listens"],
                    "detail": None,
                },
                {
                    "check": f"run {number}: caches empty before the cold train",
                    "ok": not clone["caches_before_cold_train"],
                    "detail": clone["caches_before_cold_train"],
                },
            ]
    return found
