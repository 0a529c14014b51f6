"""`make evaluate`: how well the NLU understands messages it was not trained on.

Five-fold cross-validation over all of data/nlu (tools.folds: stratified by label, a message
and its near-duplicates always in the same fold). Each fold trains an NLU model on four fifths,
with the encoder tuned on those alone (never a cached tune), and parses the fifth. The figures
(tools.nlu_scores) are the mean and standard deviation over the folds; the gated ones are
compared with the committed baseline (tools/nlu_baseline.json), and the run fails when one is
worse by more than the baseline's own spread, or when the FAQ wrong-answer rate rose.

The fold models leave out what predicts no intent or topic: entity extractors, and the crisis
rules (bot.components.crisis_detector), which are not learned; their recall is tested on its
own (tests/bot/test_crisis_recall.py). So "crisis recall" here is the classifier's alone.

The held-out messages also choose the crisis net's check-in threshold (`check_in_threshold` in
config.yml): of the thresholds at which the classifier alone would send at most
CHECK_IN_MOST_FALSE of the messages that are no crisis to the check-in, the one that reaches the
most crisis messages, and at equal reach the one with fewer false check-ins.

Writes reports/nlu/cv.json (every fold, the summary, the comparison, the check-in curve),
summary.md and errors.json (each held-out message that got a wrong intent, topic or the
fallback).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from tools.folds import folds
from tools.nlu_scores import (
    GATED,
    Outcome,
    check_in_curve,
    chosen_check_in_threshold,
    fold_figures,
    gate,
    outcome,
    summary,
)

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tools" / "nlu_baseline.json"
# Learned nothing that an intent or FAQ topic is read from (see the module's docstring).
NOT_SCORED = {
    "CRFEntityExtractor",
    "DIETClassifier",
    "EntitySynonymMapper",
    "SpacyEntityExtractor",
    "bot.components.crisis_detector.CrisisDetector",
}
SEED = 42
CRISIS_DETECTOR = "bot.components.crisis_detector.CrisisDetector"
# A check-in before an ordinary answer is a small cost to the visitor, and a missed one may
# not be: at most one ordinary message in fifty may get it from the classifier alone.
CHECK_IN_MOST_FALSE = 0.02
CHECK_IN_CANDIDATES = [round(0.15 + 0.05 * n, 2) for n in range(11)]


def load_examples(data: Path) -> Any:
    """All NLU examples and FAQ answers under `data` (a Rasa TrainingData)."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_nlu_importer_from_config(
        str(ROOT / "config.yml"), training_data_paths=[str(data)]
    )
    return importer.get_nlu_data()


def label_of(message: Any) -> str:
    return str(message.get("intent_response_key") or message.get("intent"))


def fold_config(config: Path, out: Path) -> Path:
    """The pipeline of `config` without what is not scored, and without an encoder cache:
    every fold tunes the encoder on its own training part."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    pipeline = []
    for component in settings["pipeline"]:
        if component["name"] in NOT_SCORED:
            continue
        pipeline.append({key: v for key, v in component.items() if key != "cache_dir"})
    settings["pipeline"] = pipeline
    settings.pop("policies", None)
    out.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return out


def train_fold(data: Any, train: list[int], config: Path, work: Path, name: str) -> Path:
    """Train an NLU model on the examples at `train` (with every FAQ answer)."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = data.intent_examples
    part = TrainingData(
        training_examples=[examples[i] for i in train],
        entity_synonyms=data.entity_synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
        responses=data.responses,
    )
    folder = work / name
    shutil.rmtree(folder, ignore_errors=True)
    part.persist(str(folder))
    model = train_nlu(str(config), str(folder), str(work), fixed_model_name=name)
    if model is None:
        raise RuntimeError(f"training {name} produced no model")
    return Path(model)


def parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse())


def cross_validate(
    config: Path, work: Path, k: int, seeds: list[int], data_dir: Path = ROOT / "data"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Outcome]]:
    """Per-fold figures, the held-out messages that were not answered right, and every
    held-out message's outcome."""
    work.mkdir(parents=True, exist_ok=True)
    data = load_examples(data_dir)
    examples = data.intent_examples
    texts = [m.get("text") for m in examples]
    labels = [label_of(m) for m in examples]
    pipeline = fold_config(config, work / "fold-config.yml")
    figures, errors, every = [], [], []
    for seed in seeds:
        for number, (train, test) in enumerate(folds(texts, labels, k, seed), start=1):
            name = f"seed{seed}-fold{number}"
            started = time.perf_counter()
            model = train_fold(data, train, pipeline, work, name)
            trained = time.perf_counter() - started
            parsed = parse_all(model, [texts[i] for i in test])
            outcomes = [outcome(labels[i], p) for i, p in zip(test, parsed, strict=True)]
            every += outcomes
            fold = fold_figures(outcomes)
            fold.update(name=name, train_s=round(trained, 1), test_messages=len(test))
            figures.append(fold)
            errors += [_error(name, texts[i], o) for i, o in zip(test, outcomes, strict=True)]
            print(f"{name}: {_line(fold)} (trained in {trained:.0f} s)", flush=True)
            model.unlink(missing_ok=True)
    return figures, [e for e in errors if e is not None], every


def crisis_threshold(config: Path) -> float:
    """The crisis net's `classifier_threshold` in `config`."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in settings["pipeline"]:
        if component["name"] == CRISIS_DETECTOR:
            return float(component["classifier_threshold"])
    raise ValueError(f"{config} has no {CRISIS_DETECTOR}")


def check_in_report(outcomes: list[Outcome], config: Path) -> dict[str, Any]:
    curve = check_in_curve(outcomes, crisis_threshold(config), CHECK_IN_CANDIDATES)
    return {
        "most_false": CHECK_IN_MOST_FALSE,
        "chosen": chosen_check_in_threshold(curve, CHECK_IN_MOST_FALSE),
        "curve": curve,
    }


def _error(fold: str, text: str, o: Outcome) -> dict[str, Any] | None:
    got = o.topic if o.intent == "faq" else o.intent
    if not o.fell_back and got == o.label:
        return None
    return {"fold": fold, "text": text, "label": o.label, "got": got, "fell_back": o.fell_back}


def _line(figures: dict[str, Any]) -> str:
    names = ("intent_macro_f1", "faq_right", "faq_fallback", "faq_wrong", "crisis_recall")
    return ", ".join(f"{n} {figures[n]:.3f}" for n in names)


def data_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def write_reports(out: Path, report: dict[str, Any], errors: list[dict[str, Any]]) -> str:
    out.mkdir(parents=True, exist_ok=True)
    (out / "cv.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "errors.json").write_text(json.dumps(errors, indent=2, ensure_ascii=False) + "\n")
    current, baseline = report["summary"], report.get("baseline")
    lines = [
        f"# NLU cross-validation ({report['folds']} folds x {len(report['seeds'])} shuffles)",
        "",
        "| figure | mean | sd | baseline mean | baseline sd |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("intent_macro_f1", "faq_right", "faq_fallback", "faq_wrong", "crisis_recall"):
        gated = " (gated)" if name in GATED else ""
        before = (
            f"{baseline[name]['mean']:.3f} | {baseline[name]['sd']:.3f}" if baseline else "- | -"
        )
        now = current[name]
        lines.append(f"| {name}{gated} | {now['mean']:.3f} | {now['sd']:.3f} | {before} |")
    lines += ["", f"Gate: {'; '.join(report['failures']) or 'passed'}", ""]
    check_in = report["check_in"]
    lines += [
        f"Check-in threshold: {check_in['chosen']:.2f} (the most crisis messages reached with "
        f"false check-ins at {check_in['most_false']:.0%} or under; then the fewest false)",
        "",
        "| threshold | false check-ins | crisis reached |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {p['threshold']:.2f} | {p['false_check_ins']:.3f} | {p['crisis_reached']:.3f} |"
        for p in check_in["curve"]
    ]
    lines.append("")
    for kind in ("intents", "faq_topics"):
        worst = sorted(current[kind].items(), key=lambda item: item[1])[:8]
        lines += [f"Weakest {kind} (mean F1):", ""]
        lines += [f"- {label}: {value:.2f}" for label, value in worst]
        lines.append("")
    text = "\n".join(lines)
    (out / "summary.md").write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "nlu")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "evaluate")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--shuffles",
        type=int,
        default=1,
        help="repeat the folds on this many shuffles (2 to judge a design choice)",
    )
    parser.add_argument("--save-baseline", action="store_true", help="accept these figures")
    parser.add_argument("--design", default="", help="what was measured, kept in the report")
    args = parser.parse_args(argv)
    # Rasa's training cache would keep every fold's components on disk, for nothing.
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    seeds = [SEED + n for n in range(args.shuffles)]
    started = time.perf_counter()
    fold_figures_, errors, outcomes = cross_validate(args.config, args.work, args.folds, seeds)
    current = summary(fold_figures_)
    baseline = json.loads(args.baseline.read_text()) if args.baseline.exists() else None
    report: dict[str, Any] = {
        "design": args.design or str(args.config.name),
        "data": data_fingerprint(),
        "folds": args.folds,
        "seeds": seeds,
        "minutes": round((time.perf_counter() - started) / 60, 1),
        "summary": current,
        "per_fold": fold_figures_,
        "baseline": baseline["summary"] if baseline else None,
        "failures": gate(current, baseline["summary"]) if baseline else [],
        "check_in": check_in_report(outcomes, args.config),
    }
    print(write_reports(args.out, report, errors))
    if args.save_baseline:
        kept = {k: report[k] for k in ("design", "data", "folds", "seeds", "summary")}
        args.baseline.write_text(json.dumps(kept, indent=2) + "\n", encoding="utf-8")
        print(f"Saved as the baseline: {args.baseline} (commit it).")
        return 0
    if report["failures"]:
        print("Worse than the baseline: " + "; ".join(report["failures"]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
