import json
from pathlib import Path
from typing import Any

from tools.evaluate import summarise, write_summary


def _report(path: Path, f1_by_label: dict[str, float], macro: float) -> None:
    report: dict[str, Any] = {
        label: {"precision": f1, "recall": f1, "f1-score": f1, "support": 3}
        for label, f1 in f1_by_label.items()
    }
    report["macro avg"] = {"precision": macro, "recall": macro, "f1-score": macro, "support": 9}
    report["accuracy"] = macro
    path.write_text(json.dumps(report))


def test_summary_passes_when_both_targets_are_met(tmp_path: Path) -> None:
    _report(tmp_path / "intent_report.json", {"greet": 1.0, "faq": 0.97}, 0.985)
    _report(tmp_path / "response_selection_report.json", {"faq/what_is_tms": 0.96}, 0.96)
    scores = summarise(tmp_path)
    assert write_summary(tmp_path, scores) == []
    assert "| intent_macro_f1 | 0.985 | 0.95 |" in (tmp_path / "summary.md").read_text()


def test_summary_names_the_missed_target_and_the_weakest_labels(tmp_path: Path) -> None:
    _report(tmp_path / "intent_report.json", {"greet": 1.0}, 0.99)
    _report(
        tmp_path / "response_selection_report.json",
        {"faq/cost_general": 0.4, "faq/what_is_tms": 1.0},
        0.7,
    )
    misses = write_summary(tmp_path, summarise(tmp_path))
    assert misses == ["faq_macro_f1"]
    summary = (tmp_path / "summary.md").read_text()
    assert summary.index("faq/cost_general: 0.40") < summary.index("faq/what_is_tms: 1.00")
    assert json.loads((tmp_path / "summary.json").read_text())["missed"] == ["faq_macro_f1"]


def test_the_summary_names_its_split(tmp_path: Path) -> None:
    _report(tmp_path / "intent_report.json", {"greet": 1.0}, 0.99)
    _report(tmp_path / "response_selection_report.json", {"faq/what_is_tms": 1.0}, 1.0)
    write_summary(tmp_path, summarise(tmp_path), seed=7)
    assert (
        (tmp_path / "summary.md")
        .read_text()
        .startswith("# NLU evaluation (held-out 20 %, split seed 7)")
    )
    assert json.loads((tmp_path / "summary.json").read_text())["seed"] == 7


def _snapshot(intents: dict[str, float], faq: dict[str, float], macro: tuple[float, float]) -> dict:
    return {
        "macro": {"intent_macro_f1": macro[0], "faq_macro_f1": macro[1]},
        "labels": {"intents": intents, "FAQ topics": faq},
    }


def test_snapshot_reads_every_label_of_both_reports(tmp_path: Path) -> None:
    from tools.evaluate import snapshot

    _report(tmp_path / "intent_report.json", {"greet": 0.9, "faq": 0.8}, 0.85)
    _report(tmp_path / "response_selection_report.json", {"faq/what_is_tms": 0.7}, 0.7)
    assert snapshot(tmp_path) == _snapshot(
        {"faq": 0.8, "greet": 0.9}, {"faq/what_is_tms": 0.7}, (0.85, 0.7)
    )


def test_comparison_names_better_and_worse_labels() -> None:
    from tools.evaluate import compare

    before = _snapshot({"greet": 0.9, "stop": 0.8}, {"faq/a": 0.5}, (0.85, 0.5))
    after = _snapshot({"greet": 0.7, "stop": 0.95, "chitchat": 0.6}, {"faq/a": 0.5}, (0.84, 0.5))
    lines, regressions = compare(after, before)
    assert "intents worse: greet 0.90 -> 0.70" in lines
    assert "intents better: stop 0.80 -> 0.95" in lines
    assert "intents new: chitchat" in lines
    assert "FAQ topics worse: none" in lines
    assert regressions == []  # 0.85 -> 0.84 is within the margin


def test_a_drop_beyond_the_margin_is_a_regression() -> None:
    from tools.evaluate import REGRESSION_MARGIN, compare

    before = _snapshot({"greet": 0.9}, {"faq/a": 0.9}, (0.80, 0.90))
    after = _snapshot({"greet": 0.9}, {"faq/a": 0.6}, (0.80, 0.90 - REGRESSION_MARGIN - 0.01))
    _, regressions = compare(after, before)
    assert len(regressions) == 1 and regressions[0].startswith("faq_macro_f1 fell by 0.030")


def test_a_baseline_is_only_saved_from_its_own_split(tmp_path: Path, monkeypatch) -> None:
    import pytest

    import tools.evaluate

    # Refused before any training starts: nothing is run and the baseline file is untouched.
    monkeypatch.setattr(tools.evaluate, "run", lambda *args: pytest.fail(f"ran {args}"))
    baseline = tmp_path / "baseline.json"
    with pytest.raises(SystemExit) as refused:
        tools.evaluate.main(["--seed", "7", "--save-baseline", "--baseline", str(baseline)])
    assert refused.value.code == 2
    assert not baseline.exists()
