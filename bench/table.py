"""The README table of reports/bench.json."""

from __future__ import annotations

from typing import Any


def _ms(run: dict[str, Any]) -> str:
    return f"{run['p50_ms']:.0f} / {run['p95_ms']:.0f}" if run.get("n") else "-"


def _row(latency: dict[str, Any], kind: str) -> str:
    return " | ".join(_ms(latency.get(f"{kind}_{run}", {})) for run in ("1", "20", "20_closed"))


def markdown(report: dict[str, Any]) -> str:
    latency, throughput = report["latency"], report["throughput"]
    lines = [
        f"Measured {report['machine']['when']} on {report['machine']['cpus']} CPUs. "
        "p50 / p95 in ms. "
        "20 conversations: 20 people chatting, each pausing 2-6 s to read and type; stress: 20 "
        "visitors sending without pause (20 messages always in flight).",
        "",
        "| Turn (REST channel) | 1 conversation | 20 conversations | 20, stress | target (p95) |",
        "|---|---|---|---|---|",
        f"| Baseline: Rasa NLU alone (`/model/parse`) | {_row(latency, 'parse')} | |",
        f"| FAQ question | {_row(latency, 'faq')} | < 100 at 1, < 300 at 20 |",
        f"| Form answer (validation action) | {_row(latency, 'form')} | < 150 at 1 |",
        f"| Form end (stores the lead via the API) | {_row(latency, 'submit')} | < 150 at 1 |",
        "",
        f"Throughput, 50 visitors without pause starting conversations for "
        f"{throughput.get('start_window_s', 60):.0f} s (all finished after "
        f"{throughput['seconds']:.0f} s): **{throughput['turns_per_s']} turns/s**, "
        f"{throughput['errors']} errors, {throughput['leads_completed']} leads completed, "
        f"{throughput['leads_lost']} lost ({throughput['leads_in_outbox']} waiting in the outbox).",
        "",
    ]
    api = report["lead_api"]
    lines += [
        "| Leads API, 10 clients (requests/s) | POST /api/leads | GET /api/leads "
        "| baseline GET /health |",
        "|---|---|---|---|",
    ]
    for database in ("sqlite", "postgresql"):
        figures = api.get(database, {})
        if "skipped" in figures or not figures:
            lines.append(f"| {database} | {figures.get('skipped', 'not measured')} | | |")
            continue
        lines.append(
            f"| {database} | {figures['post_leads']['rps']} | {figures['get_leads']['rps']} | "
            f"{figures['baseline_get_health']['rps']} |"
        )
    started, memory = report["startup_s"], report["resident_mib"]
    lines += [
        "",
        f"Start-up: Rasa to its first answer {started['rasa_to_first_answer_s']} s, action server "
        f"{started['actions_s']} s, API {started['api_s']} s. "
        + (
            f"Training (`rasa train --force`): {report['training_s']} s. "
            if "training_s" in report
            else ""
        )
        + "Resident memory: "
        + ", ".join(f"{name} {mib:.0f} MiB" for name, mib in memory.items())
        + ".",
        "",
    ]
    return "\n".join(lines)
