"""Simulated visitors: timed chat turns through Rasa's REST channel, and the figures made of
them (p50/p95, turns per second, errors).

The per-turn loads (issue #31) send held-out conversations (bench/messages.py) and only check
that an answer came; the lead check (`Chat.form_visitor`) and the start probe check the
answer itself."""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import httpx

from bench.messages import Conversations

# What visitors ask, with a phrase the right answer contains.
FAQ_TURNS = [
    ("how long does a spravato session take", "2 hours"),
    ("what are the side effects of tms", "headache"),
    ("how much does ketamine cost", "insurance"),
    ("what are your hours", "hours are"),
    ("where are you located", "Santa Monica"),
    ("is ketamine addictive", "ketamine"),
    ("how quickly does ketamine work", "ketamine"),
    ("what is tms", "magnetic"),
]
APOLOGY = "having trouble"  # utter_service_unavailable: a failed turn, never a success
AREA_CODES = [
    "213",
    "310",
    "323",
    "424",
    "562",
    "626",
    "818",
    "909",
    "949",
    "714",
    "661",
    "747",
    "805",
    "951",
    "760",
    "619",
    "858",
    "408",
    "415",
    "510",
    "650",
    "707",
    "916",
    "925",
]
_VISITORS = itertools.count()


def form_turns() -> list[tuple[str, str, str]]:
    """A whole consultation request: (message, expected phrase, kind). Every call has a phone
    number of its own (555-01xx, the fictional range): the same number within 30 days is the
    same person, whose lead is updated rather than a new one made."""
    visitor = next(_VISITORS)
    if visitor >= 100 * len(AREA_CODES):
        raise RuntimeError("out of fictional phone numbers: add area codes")
    phone = f"({AREA_CODES[visitor // 100]}) 555-01{visitor % 100:02d}"
    return [
        ("I'd like to book a free consultation for spravato", "18 or older", "form"),
        ("yes", "ZIP code or city", "form"),
        ("90401", "How many antidepressants", "form"),
        ("two", "full name", "form"),
        ("Robin Okafor", "phone number", "form"),
        (phone, "email", "form"),
        ("skip", "best time", "form"),
        ("mornings", "expect to pay", "form"),
        ("insurance", "contact you", "form"),
        ("yes", "Here is what I'll send", "form"),
        ("yes", "Thank you", "submit"),  # this turn stores the lead through the API
    ]


@dataclass
class Recorder:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    completed_forms: list[str] = field(default_factory=list)

    def summary(self, kind: str) -> dict[str, float | int]:
        values = self.seconds.get(kind, [])
        if not values:
            return {"n": 0}
        cuts = (
            statistics.quantiles(values, n=100, method="inclusive")
            if len(values) > 1
            else values * 99
        )
        return {
            "n": len(values),
            "p50_ms": round(cuts[49] * 1000, 1),
            "p95_ms": round(cuts[94] * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
        }


class Chat:
    """Visitors of one run. `pause` (seconds, low-high) is the time a visitor takes to read the
    answer and type the next message; None sends at once (closed loop)."""

    def __init__(
        self,
        rasa_url: str,
        client: httpx.AsyncClient,
        recorder: Recorder,
        pause: tuple[float, float] | None = None,
    ) -> None:
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.client = client
        self.recorder = recorder
        self.pause = pause

    async def turn(self, sender: str, message: str, expected: str, kind: str) -> bool:
        if self.pause:
            await asyncio.sleep(random.uniform(*self.pause))
        started = time.perf_counter()
        try:
            response = await self.client.post(self.url, json={"sender": sender, "message": message})
            elapsed = time.perf_counter() - started
            said = (
                " ".join(m.get("text", "") for m in response.json()) if response.is_success else ""
            )
        except (httpx.HTTPError, ValueError) as error:
            self.recorder.errors.append(f"{kind}: {message!r}: {type(error).__name__}")
            return False
        self.recorder.seconds[kind].append(elapsed)
        if response.status_code != 200 or APOLOGY in said or expected.lower() not in said.lower():
            self.recorder.errors.append(
                f"{kind}: {message!r} -> {response.status_code} {said[:120]!r}"
            )
            return False
        return True

    async def faq_visitor(self, turns: int, offset: int = 0) -> None:
        sender = uuid.uuid4().hex
        for n in range(turns):
            question, expected = FAQ_TURNS[(offset + n) % len(FAQ_TURNS)]
            await self.turn(sender, question, expected, "faq")

    async def form_visitor(self) -> None:
        sender = uuid.uuid4().hex
        for message, expected, kind in form_turns():
            if not await self.turn(sender, message, expected, kind):
                return
        self.recorder.completed_forms.append(sender)


@dataclass
class Load:
    """One block of the per-turn load against one server."""

    recorder: Recorder = field(default_factory=Recorder)
    apologies: int = 0
    wall_s: float = 0.0

    @property
    def turns(self) -> int:
        return len(self.recorder.seconds["turn"])


async def _load_turn(
    client: httpx.AsyncClient, url: str, sender: str, message: str, load: Load
) -> None:
    """One timed turn; an error is a failed request or an empty answer."""
    started = time.perf_counter()
    try:
        response = await client.post(url, json={"sender": sender, "message": message})
        elapsed = time.perf_counter() - started
        answers = response.json() if response.is_success else None
    except (httpx.HTTPError, ValueError) as error:
        load.recorder.errors.append(f"{message!r}: {type(error).__name__}")
        return
    load.recorder.seconds["turn"].append(elapsed)
    if not answers:
        load.recorder.errors.append(f"{message!r} -> {response.status_code}, no answer")
    elif APOLOGY in " ".join(str(a.get("text", "")) for a in answers):
        load.apologies += 1


async def sequential(rasa_url: str, source: Conversations, conversations: int) -> Load:
    """One visitor, one conversation after another, each message sent when the answer came."""
    load = Load()
    url = f"{rasa_url}/webhooks/rest/webhook"
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=120) as client:
        for _ in range(conversations):
            sender = uuid.uuid4().hex
            for message in source.next():
                await _load_turn(client, url, sender, message, load)
    load.wall_s = time.perf_counter() - started
    return load


async def closed_loop(
    rasa_url: str, source: Conversations, visitors: int, seconds: float, turns: int = 0
) -> Load:
    """`visitors` visitors sending without pause: each starts conversation after conversation
    and stops sending at the deadline (or once `turns` turns were sent in all, when given);
    the block lasts until the last answer came."""
    load = Load()
    url = f"{rasa_url}/webhooks/rest/webhook"
    deadline = time.perf_counter() + seconds
    sent = itertools.count(1)

    def more() -> bool:
        return time.perf_counter() < deadline and (not turns or next(sent) <= turns)

    async with httpx.AsyncClient(
        timeout=120, limits=httpx.Limits(max_connections=visitors + 5)
    ) as client:

        async def visitor() -> None:
            while True:
                sender = uuid.uuid4().hex
                for message in source.next():
                    if not more():
                        return
                    await _load_turn(client, url, sender, message, load)

        started = time.perf_counter()
        await asyncio.gather(*(visitor() for _ in range(visitors)))
        load.wall_s = time.perf_counter() - started
    return load
