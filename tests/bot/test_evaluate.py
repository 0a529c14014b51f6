import json
from pathlib import Path

from bot.evaluate import summarise, write_summary


def _report(path: Path, f1_by_label: dict[str, float], macro: float) -> None:
    report = {label: {"precision": f1, "recall": f1, "f1-score": f1, "support": 3} for label, f1 in f1_by_label.items()}
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
    _report(tmp_path / "response_selection_report.json", {"faq/cost_general": 0.4, "faq/what_is_tms": 1.0}, 0.7)
    misses = write_summary(tmp_path, summarise(tmp_path))
    assert misses == ["faq_macro_f1"]
    summary = (tmp_path / "summary.md").read_text()
    assert summary.index("faq/cost_general: 0.40") < summary.index("faq/what_is_tms: 1.00")
    assert json.loads((tmp_path / "summary.json").read_text())["missed"] == ["faq_macro_f1"]
