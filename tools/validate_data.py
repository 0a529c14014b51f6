"""`make validate`: `rasa data validate` with no unexplained warning, then tools/data_checks.py.

Rasa 3.6 warns that an intent has no examples when the crisis detector sets it
(`in_spanish`, `other_language`), and that a response or intent "is not used in any story or
rule" when only a form, a custom action or the crisis policy uses it (the form asks
`utter_ask_<slot>`, actions send `utter_invalid_<slot>` and read `affirm`/`deny`,
bot/crisis_policy.py says the check-in and the 988 note), and it never fails on those warnings.
This wrapper explains those from the project's own files and fails on every other warning, so a
real mistake (a typo in a response name, an intent without examples) stops the build.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from bot.components.crisis_detector import IN_SPANISH_INTENT, OTHER_LANGUAGE_INTENT
from tools.data_checks import check

ROOT = Path(__file__).resolve().parents[1]
# Intents the crisis detector sets from a message's language: never learned, so no examples.
SET_BY_THE_CRISIS_DETECTOR = {IN_SPANISH_INTENT, OTHER_LANGUAGE_INTENT}
# A warning runs until Rasa's "More info" line or the next log line.
_WARNING_RE = re.compile(
    r"UserWarning: (.+?)(?=\n\s+More info at|\n\S+/io\.py:\d+: UserWarning|\n\d{4}-\d\d-\d\d |\Z)",
    re.DOTALL,
)
_NOT_FOUND_RE = re.compile(
    r"The intent '([^']+)' is listed in the domain file, "
    r"but is not found in the NLU training data\."
)
_UNUSED_RE = re.compile(r"The (utterance|intent) '([^']+)' is not used in any story or rule\.")
# Rasa merges each retrieval intent into the domain again, and then warns that it is there twice.
_DUPLICATE_RE = re.compile(
    r"The following duplicated intents have been found across multiple domain files: (.+)"
)


def _form_slots(domain: dict) -> set[str]:
    return {
        slot
        for form in (domain.get("forms") or {}).values()
        for slot in form.get("required_slots", [])
    }


def _names_used_by_actions() -> set[str]:
    """Quoted names in actions/*.py, bot/channels.py and bot/crisis_policy.py, with
    `utter_invalid_{slot}` expanded."""
    names: set[str] = set()
    sources = [ROOT / "bot" / "channels.py", ROOT / "bot" / "crisis_policy.py"]
    for path in [*(ROOT / "actions").glob("*.py"), *sources]:
        names |= set(re.findall(r"[\"']([a-z_]+)[\"']", path.read_text()))
    return names


def _retrieval_intents() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        names |= set(re.findall(r"^- intent: ([a-z_]+)/", path.read_text(), re.MULTILINE))
    return names


def explained(kind: str, name: str, domain: dict) -> bool:
    slots = _form_slots(domain)
    used = _names_used_by_actions()
    if kind == "utterance":
        if name.startswith("utter_ask_") and name.removeprefix("utter_ask_") in slots:
            return True
        if name.startswith("utter_invalid_") and name.removeprefix("utter_invalid_") in slots:
            return True
        return name in used
    return name in used  # an intent an action reads, e.g. affirm/deny for consent


def main() -> int:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "data",
            "validate",
            "--fail-on-warnings",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    problems = []
    for warning in _WARNING_RE.findall(output):
        duplicate = _DUPLICATE_RE.match(warning)
        if duplicate and set(duplicate.group(1).split(", ")) <= _retrieval_intents():
            continue
        not_found = _NOT_FOUND_RE.match(warning)
        if not_found and not_found.group(1) in SET_BY_THE_CRISIS_DETECTOR:
            continue
        unused = _UNUSED_RE.match(warning)
        if unused and explained(unused.group(1), unused.group(2), domain):
            continue
        problems.append(warning.strip())
    if result.returncode != 0 and not problems:
        problems.append(f"rasa data validate failed:\n{output[-3000:]}")
    own = check(ROOT)
    for problem in problems:
        print(f"data problem: {problem}", file=sys.stderr)
    for problem in own:
        print(
            f"data problem: {problem.path.relative_to(ROOT)}:{problem.line}: {problem.message}",
            file=sys.stderr,
        )
    if problems or own:
        return 1
    print(
        "Training data valid: Rasa's validator and the project's checks (tools/data_checks.py) "
        "found nothing."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
