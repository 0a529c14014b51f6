"""`make bench`: issue #31's figures beside their targets and the floor's, in
reports/bench.json and reports/bench.md; a full run also writes docs/performance.md.

Each run measures, in this order:
- cold train, retrain (one new example; one FAQ answer edited) and start (second `make run` to
  the first right FAQ answer), in a fresh copy of the project (bench/clone.py);
- the per-turn loads through the REST channel, 6-message conversations of held-out messages
  (bench/messages.yml), on the project as `make run` starts it (bench/stack.py) and on the
  floor, a `rasa init` bot (bench/floor.py), interleaved block by block (project, floor,
  project, floor...) because this machine's speed varies: sequential (1 visitor) and 20
  visitors sending without pause;
- each Rasa server's summed resident memory after 1,000 turns, then checked conversations (the
  right FAQ answers, leads stored).
Targets hold on the median of the runs (bench/figures.py). The leads API alone is measured once
at the end (bench/lead_api.py). `--quick` is for development: one short run, no training or
start, RSS after 300 turns, the floor of the last run reused, docs/performance.md left alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import clone, floor, lead_api, stack
from bench.figures import checks, evaluate
from bench.load import FAQ_TURNS, Load, closed_loop, sequential
from bench.messages import Conversations, in_training_data, load_pools
from bench.processes import ROOT, resident_mib, server_rss_mb
from bench.table import markdown, write_docs
from tests.processes import free_port

VISITORS = 20
Sender = Callable[[str, Conversations], Coroutine[Any, Any, Load]]
FLOOR_CACHE = Path(tempfile.gettempdir()) / "clinic-bench-floor"


@dataclass(frozen=True)
class Settings:
    sequential_blocks: int = 3  # per server, interleaved
    sequential_conversations: int = 8  # per block: 48 turns
    closed_blocks: int = 2
    closed_seconds: float = 30.0  # per block
    rss_turns: int = 1000
    checked_conversations: int = 2
    lead_api_seconds: float = 10.0


QUICK = Settings(1, 3, 1, 10.0, 300, 1, 2.0)


def _pooled(loads: list[Load]) -> dict[str, Any]:
    merged = Load()
    for load in loads:
        merged.recorder.seconds["turn"] += load.recorder.seconds["turn"]
        merged.recorder.errors += load.recorder.errors
        merged.apologies += load.apologies
        merged.wall_s += load.wall_s
    figures: dict[str, Any] = merged.recorder.summary("turn")
    figures |= {
        "turns_per_s": round(merged.turns / merged.wall_s, 2) if merged.wall_s else None,
        "errors": len(merged.recorder.errors),
        "apologies": merged.apologies,
        "seconds": round(merged.wall_s, 1),
    }
    return figures


class Servers:
    """The project's Rasa and the floor's, with the turns each has answered."""

    def __init__(self, pools: dict[str, list[str]], project_url: str, floor_url: str) -> None:
        self.pools = pools
        self.urls = {"project": project_url, "floor": floor_url}
        self.turns = {"project": 0, "floor": 0}
        self.errors: list[str] = []  # the project's: every turn must get an answer

    def _count(self, name: str, load: Load) -> Load:
        self.turns[name] += load.turns
        if name == "project":
            self.errors += load.recorder.errors
        return load

    def interleaved(self, rounds: int, seed: int, send: Sender) -> dict[str, list[Load]]:
        """`rounds` blocks per server, project then floor, each pair with the same messages."""
        loads: dict[str, list[Load]] = {"project": [], "floor": []}
        for block in range(rounds):
            for name, url in self.urls.items():
                source = Conversations(self.pools, seed + block)
                loads[name].append(self._count(name, asyncio.run(send(url, source))))
        return loads

    def top_up(self, turns: int, seed: int) -> None:
        """Closed-loop conversations, not timed, until each server has answered `turns`."""
        for name, url in self.urls.items():
            if (missing := turns - self.turns[name]) > 0:
                source = Conversations(self.pools, seed)
                self._count(name, asyncio.run(closed_loop(url, source, VISITORS, 3600, missing)))


async def _say(url: str, messages: list[str]) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        for message in messages:
            await client.post(
                f"{url}/webhooks/rest/webhook", json={"sender": "warm-up", "message": message}
            )


def one_run(
    number: int,
    settings: Settings,
    pools: dict[str, list[str]],
    the_floor: floor.Floor,
    training: bool,
    workdir: Path,
) -> dict[str, Any]:
    logs = workdir / "logs"
    logs.mkdir(parents=True)
    run: dict[str, Any] = {}
    if training:
        run["clone"] = clone.measure(workdir / "clone", logs)
        shutil.rmtree(workdir / "clone", ignore_errors=True)
    processes, info = stack.start_assistant(workdir, logs)
    try:
        floor_port = free_port()
        began = time.perf_counter()
        processes.start(floor.service(the_floor, floor_port, logs))
        floor_url = f"http://127.0.0.1:{floor_port}"
        asyncio.run(_say(floor_url, ["hello"]))
        floor_start = round(time.perf_counter() - began, 1)
        servers = Servers(pools, str(info["rasa"]), floor_url)
        warm = asyncio.run(stack.warm_up(str(info["rasa"])))  # checked: FAQ answers, a lead
        servers.turns["project"] += 1 + sum(len(v) for v in warm.seconds.values())
        asyncio.run(_say(floor_url, [question for question, _ in FAQ_TURNS]))
        servers.turns["floor"] += 1 + len(FAQ_TURNS)
        print(f"  run {number}: sequential", flush=True)
        seq = servers.interleaved(
            settings.sequential_blocks,
            number * 1000,
            lambda url, src: sequential(url, src, settings.sequential_conversations),
        )
        print(f"  run {number}: {VISITORS} visitors without pause", flush=True)
        closed = servers.interleaved(
            settings.closed_blocks,
            number * 1000 + 100,
            lambda url, src: closed_loop(url, src, VISITORS, settings.closed_seconds),
        )
        print(f"  run {number}: up to {settings.rss_turns} turns, then memory", flush=True)
        servers.top_up(settings.rss_turns, number * 1000 + 500)
        rss = {
            "project": server_rss_mb(int(str(info["rasa_port"]))),
            "floor": server_rss_mb(floor_port),
        }
        print(f"  run {number}: checked conversations", flush=True)
        checked = stack.checked_conversations(info, settings.checked_conversations)
        checked["errors"] += len(warm.errors)  # the warm-up is checked the same way
        checked["error_examples"] += warm.errors[:5]
        run["project"] = {
            "sequential": _pooled(seq["project"]),
            "closed20": _pooled(closed["project"]),
            "rss_mb": rss["project"],
            "rss_after_turns": servers.turns["project"],
            "errors": len(servers.errors),
            "error_examples": servers.errors[:5],
            "checked": checked,
            "bench_start_s": info["started"],
            "resident_mib_by_process": resident_mib(processes),
        }
        run["floor"] = {
            "sequential": _pooled(seq["floor"]),
            "closed20": _pooled(closed["floor"]),
            "rss_mb": rss["floor"],
            "rss_after_turns": servers.turns["floor"],
            "start_s": floor_start,
            "train_s": the_floor.train_s,
        }
    finally:
        processes.stop_all()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.json")
    parser.add_argument("--runs", type=int, help="runs to take the median of (default 3, quick 1)")
    parser.add_argument("--quick", action="store_true", help="short loads, no training or start")
    parser.add_argument("--skip-training", action="store_true", help="leave out train and start")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    settings = QUICK if args.quick else Settings()
    runs = args.runs or (1 if args.quick else 3)
    training = not (args.quick or args.skip_training)
    pools = load_pools()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    (workdir / "logs").mkdir()
    print(f"  floor: `rasa init --no-prompt` ({FLOOR_CACHE})", flush=True)
    the_floor = floor.prepare(FLOOR_CACHE, args.quick, workdir / "logs" / "floor-init.log")
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {"quick": args.quick, "runs": runs, "training": training} | settings.__dict__,
        "messages": {name: len(pool) for name, pool in pools.items()},
    }
    results = []
    kept = args.out.parent / "bench-logs"  # every process's output, kept after the run
    shutil.rmtree(kept, ignore_errors=True)
    for number in range(1, runs + 1):
        print(f"==> run {number} of {runs}", flush=True)
        try:
            results.append(
                one_run(number, settings, pools, the_floor, training, workdir / f"run{number}")
            )
        finally:
            shutil.copytree(workdir / f"run{number}" / "logs", kept / f"run{number}")
    report["targets"] = evaluate(results)
    report["checks"] = checks(results, in_training_data(ROOT, pools), settings.rss_turns)
    report["runs"] = results
    print("  leads API alone", flush=True)
    report["lead_api"] = lead_api.figures(workdir, workdir / "logs", settings.lead_api_seconds)
    shutil.copytree(workdir / "logs", kept / "bench")
    report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    args.out.with_suffix(".md").write_text(markdown(report))
    print(args.out.with_suffix(".md").read_text())
    if not args.quick:
        write_docs(report, args.docs)
        print(f"{args.docs} written from {args.out}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
