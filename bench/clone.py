"""Cold train, retrain and start (issue #31), in a fresh copy of the project.

The copy holds what a clone would, plus the work not committed yet: the files git tracks or
would track (`git ls-files -co --exclude-standard`), with their times kept so make sees the
environments as built. `.venv` is a link to the project's environments, `.env` and the chat
widget (build output of `make install`) are copied: the environments are built, the rest is
not. The spaCy pipeline is built there first and timed apart. Every cache is empty: no `.rasa/`,
`build/encoder/`, trained model; HOME and XDG_CACHE_HOME point at an empty folder. `CI` and
`TUNE` are unset, as on a developer's machine (either forces the encoder's tune).

Then `make train` is timed cold, again after one new example of an existing intent (checked:
the trained model gives it that intent), and again after one FAQ answer was edited. Start is
the second `make run` (free ports written into the copy's .env) until the FAQ question gets
its answer through the REST channel, the edited text included: that checks the edit is served.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.messages import normalise, training_examples
from bench.processes import ROOT, listener, rasa_server
from tests.processes import BOT_BIN, Service, free_port

# The new example (an intent, its file in data/nlu/, a sentence the data does not hold).
NEW_EXAMPLE = (
    "request_consultation",
    "lead_capture.yml",
    "could your team set me up with a first visit sometime next month",
)
# The FAQ answer edited, the sentence put at its start, and a question it answers.
FAQ_EDIT = (
    "utter_faq/spravato_session",
    "Bring something to read or listen to while you wait.",
    "how long does a spravato session take",
)
# Left out of the copy's environment: make's own (the outer `make bench`), the switches that
# force the encoder's tune, and anything pointing Python or Rasa at the project's folders.
DROPPED = {
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
    "CI",
    "TUNE",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "RASA_CACHE_DIRECTORY",
}
# Already built outside the copy: make must not rebuild any of these there.
BUILT = (".venv/tools/bin/uv", ".venv/api/.installed", ".venv/bot/.installed", ".env")
WIDGET = "api/web/static/vendor/webchat.js"


class Copy:
    def __init__(self, root: Path, home: Path, logs: Path) -> None:
        self.root, self.home, self.logs = root, home, logs
        home.mkdir(parents=True)
        self.env = {k: v for k, v in os.environ.items() if k not in DROPPED}
        self.env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), PYTHONPATH=str(root))

    def make(self, target: str, timeout: float) -> float:
        """`make <target>` in the copy; the seconds it took."""
        started = time.perf_counter()
        with (self.logs / "copy-make.log").open("ab") as log:
            log.write(f"\n=== make {target}\n".encode())
            log.flush()
            done = subprocess.run(
                ["make", target],
                cwd=self.root,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        if done.returncode:
            raise RuntimeError(f"`make {target}` failed in {self.root}: see {log.name}")
        return round(time.perf_counter() - started, 1)


def make_copy(dest: Path, home: Path, logs: Path) -> Copy:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in [*filter(None, listed.split("\0")), ".env", WIDGET]:
        source = ROOT / name
        if not source.is_file():  # deleted but still tracked, or no widget built
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name, follow_symlinks=False)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    copy = Copy(dest, home, logs)
    stale = subprocess.run(["make", "-q", *BUILT], cwd=dest, env=copy.env, capture_output=True)
    if stale.returncode:
        raise RuntimeError(
            "make would rebuild the environments in the copy (is `make install` up to date in "
            "the project?); the benchmark never rebuilds the shared environments"
        )
    return copy


def add_example(root: Path, intent: str, file: str, text: str) -> None:
    if normalise(text) in training_examples(root):
        raise ValueError(f"{text!r} is in the training data already")
    path = root / "data" / "nlu" / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"- intent: {intent}\n")
    header = next(i for i in range(start, len(lines)) if lines[i].strip() == "examples: |")
    indent = lines[header + 1][: len(lines[header + 1]) - len(lines[header + 1].lstrip())]
    lines.insert(header + 1, f"{indent}- {text}\n")
    path.write_text("".join(lines), encoding="utf-8")


def edit_answer(root: Path, response: str, sentence: str) -> Path:
    """Put `sentence` at the start of the response's first text, wherever the copy keeps it."""
    for path in [root / "domain.yml", *sorted((root / "data").rglob("*.yml"))]:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        heads = [i for i, line in enumerate(lines) if line.strip() == f"{response}:"]
        if not heads:
            continue
        text = next(i for i in range(heads[0], len(lines)) if "- text:" in lines[i])
        if not lines[text].rstrip().endswith((">-", ">", "|", "|-")):
            raise ValueError(f"{path}: {response}'s text is not a block; edit it by hand")
        indent = lines[text + 1][: len(lines[text + 1]) - len(lines[text + 1].lstrip())]
        lines.insert(text + 1, f"{indent}{sentence}\n")
        path.write_text("".join(lines), encoding="utf-8")
        return path
    raise ValueError(f"no response {response} in {root}")


CLASSIFY = """
import asyncio, json, sys
from rasa.core.agent import Agent
result = asyncio.run(Agent.load(sys.argv[1]).parse_message(sys.argv[2]))
print("BENCH " + json.dumps(result["intent"]))
"""


def classify(copy: Copy, text: str) -> dict[str, Any]:
    """The trained model's intent for `text` (rasa.core.agent.Agent in .venv/bot)."""
    done = subprocess.run(
        [str(BOT_BIN / "python"), "-c", CLASSIFY, "models/assistant.tar.gz", text],
        cwd=copy.root,
        env=copy.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("BENCH "))
    intent: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    return intent


def set_env_file(path: Path, values: dict[str, str]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.split("=", 1)[0].strip() not in values]
    path.write_text("\n".join([*kept, *(f"{k}={v}" for k, v in values.items())]) + "\n")


def _answer(url: str, question: str) -> str | None:
    """The text Rasa answers, or None while it does not listen yet."""
    try:
        response = httpx.post(
            url, json={"sender": uuid.uuid4().hex, "message": question}, timeout=60
        )
    except httpx.TransportError:
        return None
    if response.status_code != 200:
        return None
    return " ".join(str(m.get("text", "")) for m in response.json())


def timed_run(copy: Copy, port: int, expected: str, question: str) -> dict[str, Any]:
    """`make run` in the copy until `question` gets an answer containing `expected`."""
    if listener(port) is not None:
        raise RuntimeError(f"port {port} is taken before `make run`")
    run = Service(
        "make-run",
        ["make", "run"],
        env=copy.env,
        cwd=copy.root,
        log=copy.logs / "copy-make-run.log",
        own_group=True,
        stop_timeout=30,
    )
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    started = time.perf_counter()
    run.start()  # no readiness target: returns once launched
    said: str | None = None
    try:
        while expected not in (said or ""):
            if not run.running:
                raise RuntimeError(f"`make run` exited in {copy.root}:\n{run.tail()}")
            if time.perf_counter() - started > 600:
                raise RuntimeError(f"no right answer within 600 s; last: {said!r}")
            said = _answer(url, question)
            if expected not in (said or ""):
                time.sleep(0.2)
        took = round(time.perf_counter() - started, 1)
        server = rasa_server(port)
        alone = run.pid in {p.pid for p in server.parents()}
    finally:
        run.stop()
    return {"seconds": took, "rasa_of_make_run_listens": alone, "answer": said}


def measure(workdir: Path, logs: Path) -> dict[str, Any]:
    copy = make_copy(workdir / "project", workdir / "home", logs)
    root = copy.root
    leftovers = [p for p in (".rasa", "build", "models") if (root / p).exists()]
    figures: dict[str, Any] = {"copy": str(root), "caches_before_cold_train": leftovers}
    figures["spacy_build_s"] = copy.make("build/spacy-en/meta.json", 900)
    # The pipeline is built and reported apart: what it left in HOME goes before the cold train.
    figures["home_after_spacy_build"] = sorted(p.name for p in copy.home.iterdir())
    shutil.rmtree(copy.home)
    copy.home.mkdir()
    figures["caches_before_cold_train"] += [
        p for p in ("build/encoder", ".rasa", "models") if (root / p).exists()
    ]
    print("  copy: cold train", flush=True)
    figures["cold_train_s"] = copy.make("train", 3600)

    intent, file, text = NEW_EXAMPLE
    add_example(root, intent, file, text)
    print("  copy: retrain after one new example", flush=True)
    figures["retrain_example_s"] = copy.make("train", 1800)
    got = classify(copy, text)
    figures["new_example"] = {
        "intent": intent,
        "text": text,
        "classified_as": got.get("name"),
        "confidence": round(float(got.get("confidence") or 0), 3),
        "ok": got.get("name") == intent,
    }

    response, sentence, question = FAQ_EDIT
    edited = edit_answer(root, response, sentence)
    print("  copy: retrain after one FAQ answer edited", flush=True)
    figures["retrain_faq_s"] = copy.make("train", 1800)

    api, actions, rasa = free_port(), free_port(), free_port()
    set_env_file(
        root / ".env",
        {
            "API_PORT": str(api),
            "ACTION_SERVER_PORT": str(actions),
            "RASA_PORT": str(rasa),
            "LEADS_API_URL": f"http://127.0.0.1:{api}",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions}/webhook",
            "ASSISTANT_URL": f"http://localhost:{rasa}",
            "STAFF_BASE_URL": f"http://localhost:{api}",
        },
    )
    print("  copy: make run (first), then the timed second start", flush=True)
    first = timed_run(copy, rasa, sentence, question)
    second = timed_run(copy, rasa, sentence, question)
    figures["first_start_s"] = first["seconds"]
    figures["start_s"] = second["seconds"]
    figures["start_only_rasa_listens"] = second["rasa_of_make_run_listens"]
    figures["faq_edit"] = {
        "response": response,
        "file": str(edited.relative_to(root)),
        "question": question,
        "served": sentence in (second["answer"] or ""),
    }
    return figures
