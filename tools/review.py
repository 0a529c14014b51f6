"""The trainers' review queue: what visitors typed that the assistant did not understand well,
and what it could only answer with care (a possible crisis, a language it cannot read).

    python -m tools.review collect   (make review)        writes var/review.yml
    python -m tools.review apply     (make review-apply)  moves labelled messages into data/nlu/

`collect` reads the conversation store (the same settings as Rasa: RASA_TRACKER_URL, else
RASA_TRACKER_DIALECT and RASA_TRACKER_DB; clinic/rasa_store.py) for visitor messages that fell to
the fallback or were understood with low confidence (intent or FAQ topic), masks contact details,
folds repeats together, and writes a YAML file where the trainer writes the right intent next to
each message. Answers typed while the form asked for a name, phone or email are left out: they
are details, not language to learn. Messages already in the queue keep their labels when it is
collected again.

Two kinds of message are collected whatever the confidence, first in the queue, with a `reason`
and no predicted intent to copy: a possible crisis that got the check-in (the crisis net's tier
`check_in`, or the assistant's `utter_crisis_check_in` after it), even as the answer to a
name, phone or email question (masked: it is not a detail), and a message in a language the
assistant cannot read (language `other`, intent `other_language`).

`apply` adds each labelled message to the data/nlu/ file that holds its intent, after checking
that the intent exists, is learned from examples, and the sentence is not already an example
anywhere; it leaves unlabelled and refused messages in the queue, with the reason. A check-in
message is applied like any other (`crisis` puts it into data/nlu/crisis.yml). A message in a
language the assistant cannot read is never added: the language is judged by bot/language.py,
not learned, so it stays in the queue with a note to pass it on to a developer.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
import yaml

from clinic.rasa_store import faq_response, stored_events, tracker_url
from tools.data_checks import normalise, read_examples

ROOT = Path(__file__).resolve().parents[1]
QUEUE = ROOT / "var" / "review.yml"
CONFIDENCE_THRESHOLD = 0.6
FALLBACK = "nlu_fallback"
# While the form waits for one of these, the visitor's message is a detail, never collected
# (unless it got the check-in). The name slot's value is masked in the conversation's messages.
DETAIL_QUESTIONS = {"full_name", "phone", "email"}
NAME_SLOT = "full_name"
# The crisis net's judgement in parse_data (bot/components/crisis_detector.py) and its replies.
CHECK_IN, OTHER_LANGUAGE, CHECK_IN_ACTION = "check_in", "other_language", "utter_crisis_check_in"
CHECK_IN_REASON = "possible crisis: check-in given"
OTHER_LANGUAGE_REASON = "language the assistant cannot read"
_REASON_RANK = {"": 0, OTHER_LANGUAGE_REASON: 1, CHECK_IN_REASON: 2}  # which comes first
# Masks keep the sentence's shape, so the example still reads naturally once applied.
PHONE_MASK, EMAIL_MASK, NAME_MASK = "(310) 555-0100", "name@example.com", "Alex Doe"
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_INTRODUCTION = re.compile(
    r"\b((?i:my\s+(?:full\s+)?name\s+is|name'?s|i\s+am|i'?m|this\s+is|call\s+me))\s+"
    r"([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+)"
)
HEADER = """\
# Review queue: messages the assistant did not understand well (made by `make review`).
# Write the right intent after `intent:` (for example faq/ketamine_cost, request_consultation,
# greet), then run `make review-apply`. Leave it empty to skip a message. Contact details were
# masked. The list of intents is in domain.yml; FAQ topics are the faq/... names in data/nlu/.
# A `reason` marks a message to judge with care. "possible crisis: check-in given": if it is a
# crisis, write `crisis` (it becomes a crisis example); if it needed the full crisis reply, tell
# a developer too. "language the assistant cannot read": not added to data/nlu/; pass it on.
"""


@dataclass
class Item:
    text: str
    predicted: str
    confidence: float
    seen: int = 1
    intent: str = ""
    note: str = ""
    conversations: set[str] = field(default_factory=set)
    reason: str = ""  # why a message is queued whatever its confidence (the *_REASON texts)

    def to_yaml(self) -> dict[str, Any]:
        # A reason replaces the prediction: no intent to copy for a crisis or another language.
        predicted = f"{self.predicted} ({self.confidence:.2f})"
        judged = {"reason": self.reason} if self.reason else {"predicted": predicted}
        entry: dict[str, Any] = {
            "text": self.text,
            **judged,
            "seen": self.seen,
            "intent": self.intent or None,
        }
        if self.note:
            entry["note"] = self.note
        return entry


@dataclass
class Said:
    """A visitor message, kept until the next one: the assistant's reply may be the check-in."""

    text: str
    parse_data: dict[str, Any]
    at_detail_question: bool
    check_in: bool = False


# --- masking ---------------------------------------------------------------------------------
def mask_contact_details(text: str, names: Iterable[str] = ()) -> str:
    """The message with phones, emails and names replaced by fictional stand-ins."""
    text = _EMAIL.sub(EMAIL_MASK, text)
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "US"))):
        text = text[: match.start] + PHONE_MASK + text[match.end :]
    # The whole introduced name first: the classifier's entity may hold only part of it.
    text = _INTRODUCTION.sub(lambda m: f"{m.group(1)} {NAME_MASK}", text)
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", NAME_MASK, text, flags=re.IGNORECASE)
    return text


# --- collect ---------------------------------------------------------------------------------
def understanding(parse_data: dict[str, Any]) -> tuple[str, float]:
    """The label the NLU chose and how sure it was (the FAQ topic for FAQ questions)."""
    intent = parse_data.get("intent") or {}
    name, confidence = intent.get("name") or FALLBACK, float(intent.get("confidence") or 0.0)
    if name == "faq":
        topic = faq_response(parse_data)
        if topic.get("intent_response_key"):
            return topic["intent_response_key"], min(
                confidence, float(topic.get("confidence") or 0)
            )
    return name, confidence


def review_reason(said: Said, threshold: float) -> str | None:
    """Why the message goes to the queue ("" for poor understanding), or None when it does not."""
    crisis = said.parse_data.get("crisis") or {}
    if said.check_in or crisis.get("tier") == CHECK_IN:
        return CHECK_IN_REASON
    if said.at_detail_question:  # a name can read as another language: a detail all the same
        return None
    label, confidence = understanding(said.parse_data)
    if crisis.get("language") == "other" or label == OTHER_LANGUAGE:
        return OTHER_LANGUAGE_REASON
    return "" if label == FALLBACK or confidence < threshold else None


def is_check_in(type_name: str, data: dict[str, Any]) -> bool:
    """The assistant's check-in: the action, or a reply made from its response."""
    if type_name == "action":
        return data.get("name") == CHECK_IN_ACTION
    metadata = data.get("metadata") or {}
    return type_name == "bot" and metadata.get("utter_action") == CHECK_IN_ACTION


def collect(
    events: Iterable[tuple[str, str, dict[str, Any]]], threshold: float = CONFIDENCE_THRESHOLD
) -> list[Item]:
    items: dict[str, Item] = {}
    requested: dict[str, str | None] = {}
    names: dict[str, set[str]] = {}  # each conversation's names from the form's name slot
    waiting: dict[str, Said] = {}

    def add(sender_id: str, said: Said) -> None:
        reason = review_reason(said, threshold)
        if reason is None:
            return
        found = [
            e.get("value")
            for e in said.parse_data.get("entities") or []
            if e.get("entity") == "person" and isinstance(e.get("value"), str)
        ]
        masked = mask_contact_details(said.text, [*found, *names.get(sender_id, ())])
        key = normalise(masked)
        item = items.get(key)
        if item is None:
            label, confidence = understanding(said.parse_data)
            item = items[key] = Item(masked, label, confidence, conversations={sender_id})
        elif sender_id not in item.conversations:
            item.seen += 1
            item.conversations.add(sender_id)
        if _REASON_RANK[reason] > _REASON_RANK[item.reason]:
            item.reason = reason

    for sender_id, type_name, data in events:
        if type_name == "slot" and data.get("name") == "requested_slot":
            requested[sender_id] = data.get("value")
        elif type_name == "slot" and data.get("name") == NAME_SLOT:
            if isinstance(data.get("value"), str):
                names.setdefault(sender_id, set()).add(data["value"])
        elif type_name == "user":
            if sender_id in waiting:
                add(sender_id, waiting.pop(sender_id))
            text = (data.get("text") or "").strip()
            if text and not text.startswith("/") and not text.startswith("[removed"):
                at_detail = requested.get(sender_id) in DETAIL_QUESTIONS
                waiting[sender_id] = Said(text, data.get("parse_data") or {}, at_detail)
        elif sender_id in waiting and is_check_in(type_name, data):
            waiting[sender_id].check_in = True
    for sender_id, said in waiting.items():
        add(sender_id, said)
    return sorted(
        items.values(),
        key=lambda item: (-_REASON_RANK[item.reason], -item.seen, item.confidence),
    )


def read_queue(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("messages") or [])


def write_queue(path: Path, entries: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump({"messages": entries}, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(HEADER + body, encoding="utf-8")


def merge(old: list[dict[str, Any]], new: list[Item]) -> list[dict[str, Any]]:
    """New findings added to the queue; labels a trainer already wrote are kept."""
    labelled = {normalise(str(e.get("text", ""))): e for e in old}
    merged = list(old)
    for item in new:
        entry = labelled.get(normalise(item.text))
        if entry is None:
            merged.append(item.to_yaml())
        elif item.reason and not entry.get("reason"):  # now a possible crisis, say so
            entry.pop("predicted", None)
            entry["reason"] = item.reason
    return merged


# --- apply -----------------------------------------------------------------------------------
def known_intents(root: Path) -> set[str]:
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8")) or {}
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []}
    topics = {e.intent for e in read_examples((root / "data" / "nlu").glob("*.yml"))}
    return intents | {t for t in topics if "/" in t}


def add_example(nlu_dir: Path, intent: str, text: str) -> Path:
    """Append `text` to the examples of `intent` in the file that holds it."""
    header = re.compile(rf"^- intent: {re.escape(intent)}\n  examples: \|\n((?:    - .*\n)+)", re.M)
    for path in sorted(nlu_dir.glob("*.yml")):
        content = path.read_text(encoding="utf-8")
        match = header.search(content)
        if match:
            line = f"    - {text}\n"
            path.write_text(
                content[: match.end(1)] + line + content[match.end(1) :], encoding="utf-8"
            )
            return path
    raise LookupError(f"no examples block for {intent} in {nlu_dir}")


def apply(root: Path, queue: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Moves labelled messages into data/nlu/. Returns what was done and what stays queued."""
    intents = known_intents(root)
    examples = read_examples((root / "data" / "nlu").glob("*.yml"))
    existing, learned = {e.plain: e for e in examples}, {e.intent for e in examples}
    done, remaining = [], []
    for entry in read_queue(queue):
        intent = str(entry.get("intent") or "").strip()
        text = re.sub(r"\s+", " ", str(entry.get("text") or "")).strip()
        if not intent:
            remaining.append(entry)
            continue
        if entry.get("reason") == OTHER_LANGUAGE_REASON:
            entry["note"] = (
                "not added: the language is judged by bot/language.py, not learned from examples."
                " If it is English or Spanish, or a crisis, pass it to a developer; then delete it"
            )
        elif intent not in intents:
            entry["note"] = f"unknown intent '{intent}': see domain.yml and the faq/... names"
        elif intent not in learned:  # in_spanish, other_language (set by the assistant), faq
            entry["note"] = f"no examples of '{intent}' in data/nlu/: choose what it means"
        elif normalise(text) in existing:
            twin = existing[normalise(text)]
            entry["note"] = (
                f"already an example of {twin.intent} ({twin.path.relative_to(root)}:{twin.line})"
            )
        elif text.startswith("-") or "\n" in text or not text:
            entry["note"] = "not a single sentence"
        else:
            path = add_example(root / "data" / "nlu", intent, text)
            existing[normalise(text)] = next(
                e for e in read_examples([path]) if e.plain == normalise(text)
            )
            done.append(f"{intent}: {text}  -> {path.relative_to(root)}")
            continue
        remaining.append(entry)
    write_queue(queue, remaining)
    return done, remaining


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["collect", "apply"])
    parser.add_argument("--queue", type=Path, default=QUEUE)
    parser.add_argument("--threshold", type=float, default=CONFIDENCE_THRESHOLD)
    args = parser.parse_args(argv)
    if args.command == "collect":
        found = collect(stored_events(tracker_url()), args.threshold)
        entries = merge(read_queue(args.queue), found)
        write_queue(args.queue, entries)
        print(
            f"{len(found)} messages need a look; the queue ({args.queue}) holds {len(entries)}. "
            "Write the intent next to each, then run `make review-apply`."
        )
        return 0
    done, remaining = apply(ROOT, args.queue)
    for line in done:
        print(f"added  {line}")
    for entry in remaining:
        if entry.get("note"):
            print(f"kept   {entry['text']!r}: {entry['note']}", file=sys.stderr)
    print(
        f"{len(done)} added to data/nlu/, {len(remaining)} left in {args.queue}. "
        "Next: make validate, make evaluate, make train."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
