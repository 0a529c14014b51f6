"""What a visitor would have got for each held-out message, and the figures `make evaluate`
gates on.

Rasa's own `rasa test nlu` undoes the FallbackClassifier before it scores, so a message sent to
the topic buttons counts as right when the classifier's guess under the fallback was right. A
visitor sees three outcomes, and each FAQ question is scored as one of them: the right answer,
the fallback buttons, or a wrong answer (another topic, or another intent).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.metrics import f1_score

FALLBACK = "nlu_fallback"
FAQ = "faq"
CRISIS = "crisis"

# The gated figures, with the direction that is safe: +1 higher is better, -1 lower is.
GATED = {"intent_macro_f1": 1, "faq_right": 1, "faq_wrong": -1, "crisis_recall": 1}


@dataclass(frozen=True)
class Outcome:
    label: str  # the truth: an intent, or "faq/<topic>"
    intent: str  # the classifier's intent with the fallback undone
    topic: str | None  # "faq/<topic>" when the classifier chose one
    fell_back: bool  # the visitor got the topic buttons
    # The classifier's `crisis` probability where it ranks first and where it ranks second
    # (0.0: not ranked there), which the crisis net's check-in is read from.
    crisis_first: float = 0.0
    crisis_second: float = 0.0

    @property
    def true_intent(self) -> str:
        return self.label.split("/", 1)[0]

    @property
    def answer(self) -> str:
        """What the visitor was given: "right", "fallback" or "wrong" (FAQ questions only)."""
        if self.fell_back:
            return "fallback"
        return "right" if self.intent == FAQ and self.topic == self.label else "wrong"


def outcome(label: str, parsed: dict[str, Any]) -> Outcome:
    """Read one parse result (Rasa's output format) for a message of this label."""
    entries = [e for e in parsed.get("intent_ranking") or [] if e["name"] != FALLBACK]
    ranking = [e["name"] for e in entries]
    top = (parsed.get("intent") or {}).get("name")
    intent = ranking[0] if ranking else (top or FALLBACK)
    selected = ((parsed.get("response_selector") or {}).get(FAQ) or {}).get("response") or {}
    crisis = [0.0, 0.0]
    for rank, entry in enumerate(entries[:2]):
        if entry["name"] == CRISIS:
            crisis[rank] = float(entry.get("confidence", 0.0))
    return Outcome(label, intent, selected.get("intent_response_key"), top == FALLBACK, *crisis)


def fold_figures(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The gated figures and per-label F1 of one fold."""
    truth = [o.true_intent for o in outcomes]
    guess = [o.intent for o in outcomes]
    labels = sorted(set(truth))
    per_intent = f1_score(truth, guess, labels=labels, average=None, zero_division=0)
    faq = [o for o in outcomes if o.true_intent == FAQ]
    topics = sorted({o.label for o in faq})
    topic_guess = [o.topic if o.intent == FAQ else o.intent for o in faq]
    per_topic = f1_score(
        [o.label for o in faq], topic_guess, labels=topics, average=None, zero_division=0
    )
    crisis = [o for o in outcomes if o.true_intent == CRISIS]
    answers = [o.answer for o in faq]
    return {
        "messages": len(outcomes),
        "intent_macro_f1": float(per_intent.mean()),
        "faq_right": _share(answers, "right"),
        "faq_fallback": _share(answers, "fallback"),
        "faq_wrong": _share(answers, "wrong"),
        "crisis_recall": _share([o.intent for o in crisis], CRISIS),
        "intents": dict(zip(labels, map(float, per_intent), strict=True)),
        "faq_topics": dict(zip(topics, map(float, per_topic), strict=True)),
    }


def check_in_curve(
    outcomes: Sequence[Outcome], crisis_threshold: float, thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """For each candidate check-in threshold L, pooled over the held-out messages: the share of
    messages that are no crisis which the classifier alone would send to the check-in (`crisis`
    first but under `crisis_threshold`, or second at L or more), and the share of crisis
    messages it would reach at all (the crisis reply or the check-in). The crisis net's vetoes
    (topic questions, figures of speech) only remove check-ins, so the first is an upper bound."""
    crisis = [o for o in outcomes if o.true_intent == CRISIS]
    others = [o for o in outcomes if o.true_intent != CRISIS]
    curve = []
    for level in thresholds:

        def checked_in(o: Outcome, level: float = level) -> bool:
            return 0.0 < o.crisis_first < crisis_threshold or o.crisis_second >= level

        def reached(o: Outcome, level: float = level) -> bool:
            return o.crisis_first > 0.0 or o.crisis_second >= level

        curve.append(
            {
                "threshold": level,
                "false_check_ins": _fraction(others, checked_in),
                "crisis_reached": _fraction(crisis, reached),
            }
        )
    return curve


def chosen_check_in_threshold(curve: Sequence[dict[str, float]], most_false: float) -> float:
    """Of the thresholds whose false check-ins stay at `most_false` or under, the one that
    reaches the most crisis messages; at equal reach the fewest false check-ins (the highest
    candidate when none fits)."""
    fitting = [p for p in curve if p["false_check_ins"] <= most_false]
    if not fitting:
        return max(p["threshold"] for p in curve)
    best = max(fitting, key=lambda p: (p["crisis_reached"], -p["false_check_ins"], p["threshold"]))
    return best["threshold"]


def _fraction(outcomes: Sequence[Outcome], test: Any) -> float:
    return sum(1 for o in outcomes if test(o)) / len(outcomes) if outcomes else 0.0


def _share(values: Sequence[str], wanted: str) -> float:
    return sum(v == wanted for v in values) / len(values) if values else 0.0


def summary(folds: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean and standard deviation over the folds of each figure; per-label means."""
    figures = ("intent_macro_f1", "faq_right", "faq_fallback", "faq_wrong", "crisis_recall")
    result: dict[str, Any] = {
        name: {"mean": statistics.fmean(f[name] for f in folds), "sd": _sd(f[name] for f in folds)}
        for name in figures
    }
    for kind in ("intents", "faq_topics"):
        scores: dict[str, list[float]] = {}
        for fold in folds:
            for label, value in fold[kind].items():
                scores.setdefault(label, []).append(value)
        result[kind] = {label: statistics.fmean(v) for label, v in sorted(scores.items())}
    result["folds"] = len(folds)
    return result


def _sd(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.stdev(values) if len(values) > 1 else 0.0


def gate(current: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """The gated figures that are worse than the baseline by more than its own spread (one
    standard deviation over its folds), and a wrong-answer rate that rose at all."""
    failures = []
    for name, direction in GATED.items():
        now, before = current[name]["mean"], baseline[name]["mean"]
        allowed = baseline[name]["sd"]
        if direction * (now - before) < -allowed - 1e-12:
            failures.append(f"{name} {now:.3f} against {before:.3f} ± {allowed:.3f}")
        elif direction < 0 and now > before + 1e-12:
            failures.append(f"{name} rose: {now:.3f} against {before:.3f}")
    return failures
