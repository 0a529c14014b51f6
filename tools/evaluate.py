"""`make evaluate`: how well the NLU understands messages it was not trained on.

Splits the NLU data 80/20 (seeded), trains an NLU model on the 80 %, tests it on the 20 % with
`rasa test nlu`, and writes under reports/nlu/: Rasa's per-intent and FAQ (response selection)
reports, the confusion matrix as a PNG, the misclassified examples, and summary.md/json with
macro F1 against the targets and against the saved baseline (tools/nlu_baseline.json): which
intents and FAQ topics got better or worse. Exits 1 when macro F1 fell by more than
REGRESSION_MARGIN; `--save-baseline` accepts the new scores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"intent_macro_f1": 0.95, "faq_macro_f1": 0.95}
# The last accepted scores, committed so every trainer compares against the same numbers.
BASELINE = ROOT / "tools" / "nlu_baseline.json"
# A drop of macro F1 larger than this fails `make evaluate`; smaller moves are training noise.
REGRESSION_MARGIN = 0.02
BASELINE_SEED = 42
REPORTS = {"intents": "intent_report.json", "FAQ topics": "response_selection_report.json"}


def run(*args: str) -> None:
    print("$", " ".join(args), flush=True)
    subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, check=True)


def macro_f1(report_path: Path) -> float | None:
    if not report_path.exists():
        return None
    report = json.loads(report_path.read_text())
    return float(report["macro avg"]["f1-score"])


def worst_labels(report_path: Path, count: int = 8) -> list[tuple[str, float]]:
    report = json.loads(report_path.read_text())
    labels = [
        (name, float(values["f1-score"]))
        for name, values in report.items()
        if isinstance(values, dict)
        and "f1-score" in values
        and name not in ("macro avg", "weighted avg", "micro avg", "accuracy")
    ]
    return sorted(labels, key=lambda item: item[1])[:count]


def summarise(out: Path) -> dict[str, float | None]:
    return {
        "intent_macro_f1": macro_f1(out / "intent_report.json"),
        "faq_macro_f1": macro_f1(out / "response_selection_report.json"),
    }


def write_summary(
    out: Path, scores: dict[str, float | None], seed: int = BASELINE_SEED
) -> list[str]:
    misses = [name for name, target in TARGETS.items() if (scores[name] or 0.0) < target]
    lines = [
        f"# NLU evaluation (held-out 20 %, split seed {seed})",
        "",
        "| measure | score | target |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {name} | {scores[name]:.3f} | {TARGETS[name]} |"
        for name in TARGETS
        if scores[name] is not None
    ]
    for title, report in (
        ("intents", "intent_report.json"),
        ("FAQ topics", "response_selection_report.json"),
    ):
        lines += ["", f"Weakest {title} (F1):", ""]
        lines += [f"- {label}: {f1:.2f}" for label, f1 in worst_labels(out / report)]
    lines += [
        "",
        "Confusion matrix: intent_confusion_matrix.png; misclassified: intent_errors.json, "
        "response_selection_errors.json",
    ]
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    (out / "summary.json").write_text(
        json.dumps({**scores, "seed": seed, "targets": TARGETS, "missed": misses}, indent=2)
    )
    return misses


def label_scores(out: Path) -> dict[str, dict[str, float]]:
    """{"intents": {"greet": 0.93, ...}, "FAQ topics": {...}}: F1 per label."""
    scores: dict[str, dict[str, float]] = {}
    for kind, name in REPORTS.items():
        path = out / name
        if path.exists():
            scores[kind] = dict(worst_labels(path, count=10_000))
    return scores


def snapshot(out: Path) -> dict:
    return {"macro": summarise(out), "labels": label_scores(out)}


def compare(
    current: dict, baseline: dict, margin: float = REGRESSION_MARGIN
) -> tuple[list[str], list[str]]:
    """Lines describing what got better or worse, and the regressions that fail the run."""
    lines, regressions = [], []
    for measure, now in current["macro"].items():
        before = baseline.get("macro", {}).get(measure)
        if now is None or before is None:
            continue
        lines.append(f"{measure}: {before:.3f} -> {now:.3f} ({now - before:+.3f})")
        if now < before - margin:
            regressions.append(f"{measure} fell by {before - now:.3f} (more than {margin})")
    for kind, labels in current["labels"].items():
        old_labels = baseline.get("labels", {}).get(kind, {})
        moved = sorted(
            (
                (label, old_labels[label], f1)
                for label, f1 in labels.items()
                if label in old_labels and abs(f1 - old_labels[label]) >= 0.01
            ),
            key=lambda item: item[2] - item[1],
        )
        worse = [f"{label} {a:.2f} -> {b:.2f}" for label, a, b in moved if b < a]
        better = [f"{label} {a:.2f} -> {b:.2f}" for label, a, b in reversed(moved) if b > a]
        lines.append(f"{kind} worse: {', '.join(worse) or 'none'}")
        lines.append(f"{kind} better: {', '.join(better) or 'none'}")
        new = sorted(set(labels) - set(old_labels))
        if new:
            lines.append(f"{kind} new: {', '.join(new)}")
    return lines, regressions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "nlu")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "evaluate")
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "config.yml",
        help="pipeline to evaluate (compare a variant against config.yml)",
    )
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument(
        "--seed",
        type=int,
        default=BASELINE_SEED,
        help="seed of the 80/20 split: another seed is a second opinion on the "
        "same data, not compared with the baseline",
    )
    parser.add_argument(
        "--save-baseline",
        action="store_true",
        help="accept these scores as the new baseline (commit the file)",
    )
    args = parser.parse_args(argv)
    if args.save_baseline and args.seed != BASELINE_SEED:
        parser.error(f"the baseline is measured on the split of seed {BASELINE_SEED}")
    split = args.work / "split"
    run(
        "data",
        "split",
        "nlu",
        "-u",
        "data",
        "--training-fraction",
        "0.8",
        "--random-seed",
        str(args.seed),
        "--out",
        str(split),
    )
    # Each side keeps its examples and the FAQ answers (nlg_*) that the FAQ classifier needs.
    for side in ("training", "test"):
        folder = split / side
        folder.mkdir(exist_ok=True)
        for name in (f"{side}_data.yml", f"nlg_{side}_data.yml"):
            (split / name).replace(folder / name)
    run(
        "train",
        "nlu",
        "--config",
        str(args.config),
        "--nlu",
        str(split / "training"),
        "--out",
        str(args.work),
        "--fixed-model-name",
        "nlu-heldout",
    )
    run(
        "test",
        "nlu",
        "--model",
        str(args.work / "nlu-heldout.tar.gz"),
        "--nlu",
        str(split / "test"),
        "--out",
        str(args.out),
    )
    scores = summarise(args.out)
    misses = write_summary(args.out, scores, args.seed)
    print((args.out / "summary.md").read_text())
    current = snapshot(args.out)
    regressions: list[str] = []
    # Another split scores other messages: only the baseline's own split is comparable.
    if args.baseline.exists() and args.seed == BASELINE_SEED:
        lines, regressions = compare(current, json.loads(args.baseline.read_text()))
        comparison = "\n".join(f"- {line}" for line in lines)
        print(f"Compared with the baseline ({args.baseline.relative_to(ROOT)}):\n{comparison}")
        with (args.out / "summary.md").open("a") as summary:
            summary.write(f"\n## Compared with the baseline\n\n{comparison}\n")
    if args.save_baseline:
        args.baseline.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
        print(f"Saved these scores as the baseline: {args.baseline.relative_to(ROOT)} (commit it).")
    if misses:
        print(
            f"Below target (macro F1 {TARGETS['intent_macro_f1']}): {', '.join(misses)}",
            file=sys.stderr,
        )
    if regressions and not args.save_baseline:
        print("Worse than the baseline: " + "; ".join(regressions), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
