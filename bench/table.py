"""The tables of reports/bench.json (reports/bench.md), and docs/performance.md made of them:
the page's explanations (bench/performance_page.md) with the figures put in.

    .venv/api/bin/python -m bench.table    (rewrites docs/performance.md from reports/bench.json)
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from bench.processes import ROOT

PAGE = Path(__file__).with_name("performance_page.md")
MARK = "<!-- figures -->"


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,.{digits}f}"
    return str(value)


def _value(result: dict[str, Any], value: Any) -> str:
    digits = 2 if result["ratio"] and value is result["value"] else 1
    unit = "" if result["ratio"] and value is result["value"] else f" {result['unit']}"
    return "-" if value is None else f"{_num(value, digits)}{unit}"


def targets_table(report: dict[str, Any]) -> list[str]:
    lines = [
        "| Figure | Target | Project | Floor | Project / floor | Met | Per run |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in report["targets"]:
        ratio = _num(result["value"], 2) if result["ratio"] else "-"
        if not result["ratio"] and result["project"] is not None and result["floor"]:
            ratio = f"({result['project'] / result['floor']:.2f})"
        met = {True: "**yes**", False: "**NO**", None: "not measured"}[result["met"]]
        per_run = ", ".join(_num(v, 2 if result["ratio"] else 1) for v in result["runs"])
        lines.append(
            f"| {result['figure']} | {result['target']} | {_value(result, result['project'])} "
            f"| {_value(result, result['floor'])} | {ratio} | {met} | {per_run} |"
        )
    return lines


def _pair(run: dict[str, Any], *path: str) -> str:
    values = []
    for side in ("project", "floor"):
        value: Any = run.get(side, {})
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        values.append(_num(value, 0 if path[-1].endswith("_ms") else 1))
    return " / ".join(values)


def runs_table(report: dict[str, Any]) -> list[str]:
    lines = [
        "| Run | spaCy build | cold train | retrain: example / FAQ | `make run`: first / second "
        "| RSS MB (turns) | sequential p50 ms | sequential p95 ms | 20 visitors turns/s "
        "| 20 visitors p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for number, run in enumerate(report["runs"], 1):
        clone = run.get("clone", {})
        project = run["project"]
        lines.append(
            f"| {number} | {_num(clone.get('spacy_build_s'))} s "
            f"| {_num(clone.get('cold_train_s'))} s "
            f"| {_num(clone.get('retrain_example_s'))} / {_num(clone.get('retrain_faq_s'))} s "
            f"| {_num(clone.get('first_start_s'))} / {_num(clone.get('start_s'))} s "
            f"| {_pair(run, 'rss_mb')} ({project['rss_after_turns']:,}) "
            f"| {_pair(run, 'sequential', 'p50_ms')} | {_pair(run, 'sequential', 'p95_ms')} "
            f"| {_pair(run, 'closed20', 'turns_per_s')} | {_pair(run, 'closed20', 'p95_ms')} |"
        )
    return lines


def lead_api_table(report: dict[str, Any]) -> list[str]:
    lines = [
        "| Leads API alone, 10 clients (requests/s) | POST /api/leads | GET /api/leads "
        "| baseline GET /health |",
        "|---|---|---|---|",
    ]
    for database in ("sqlite", "postgresql"):
        figures = report.get("lead_api", {}).get(database, {})
        if "skipped" in figures or not figures:
            lines.append(f"| {database} | {figures.get('skipped', 'not measured')} | | |")
            continue
        lines.append(
            f"| {database} | {figures['post_leads']['rps']} | {figures['get_leads']['rps']} | "
            f"{figures['baseline_get_health']['rps']} |"
        )
    return lines


def _median(values: list[float]) -> str:
    return _num(statistics.median(values)) if values else "-"


def other_lines(report: dict[str, Any]) -> list[str]:
    runs = report["runs"]
    start = [r["project"]["bench_start_s"].get("rasa_to_first_answer_s") for r in runs]
    processes: dict[str, list[float]] = {}
    for run in runs:
        for name, mib in run["project"]["resident_mib_by_process"].items():
            processes.setdefault(name, []).append(mib)
    floor_train = runs[0]["floor"].get("train_s")
    return [
        f"- The bench's own start of the project's Rasa (`rasa run`, no make) to its first "
        f"answer: {_median([s for s in start if s is not None])} s (median); the floor's: "
        f"{_median([r['floor']['start_s'] for r in runs])} s. The floor's `rasa init` training: "
        + (f"{_num(floor_train)} s." if floor_train is not None else "reused, not timed.")
        + f" The spaCy pipeline, built apart before the cold train: "
        f"{_median([r['clone']['spacy_build_s'] for r in runs if 'clone' in r])} s.",
        "- Resident memory at the end of a run (MiB, each process with its children, median): "
        + ", ".join(f"{name} {statistics.median(v):.0f}" for name, v in processes.items())
        + ".",
        "- Load turns the project answered with its apology (an action failed): "
        + ", ".join(
            str(r["project"]["sequential"]["apologies"] + r["project"]["closed20"]["apologies"])
            for r in runs
        )
        + " (per run).",
    ]


def markdown(report: dict[str, Any]) -> str:
    machine, settings = report["machine"], report["settings"]
    failed = [c for c in report["checks"] if not c["ok"]]
    lines = [
        f"Measured {machine['when']} on {machine['cpus']} CPUs (load average "
        f"{machine['load_average'][0]} at the start), {settings['runs']} run(s)"
        + (", **quick option: short loads, no training or start**" if settings["quick"] else "")
        + ". Figures are medians of the runs; the floor is a `rasa init` bot measured in the "
        "same runs, interleaved with the project.",
        "",
        *targets_table(report),
        "",
        "Checks: "
        + (
            "all passed."
            if not failed
            else "**failed**: " + "; ".join(f"{c['check']} ({c['detail']})" for c in failed)
        ),
        "",
        "Per run (project / floor where both):",
        "",
        *runs_table(report),
        "",
        *other_lines(report),
        "",
        *lead_api_table(report),
        "",
    ]
    return "\n".join(lines)


def write_docs(report: dict[str, Any], path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    path.write_text(page.replace(MARK, markdown(report).rstrip()), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "bench.json")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    write_docs(json.loads(args.report.read_text()), args.out)
    print(f"{args.out} written from {args.report}")


if __name__ == "__main__":
    main()
