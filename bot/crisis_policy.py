"""The dialogue's crisis turns: the rules (data/rules.yml), with the crisis net's additions.

RulePolicy answers each intent by its rule. This policy is that RulePolicy, plus four things a
rule cannot say, because they depend on the crisis net's judgement (the parse output's `crisis`,
bot.components.crisis_detector) or on the turns before:

- **Check-in** first, when the net judged a possible crisis: the visitor is heard and given 988,
  then the question is answered as usual. Inside the form the check-in is said by the form's
  validation (actions/lead_form.py), because the form only reads an answer right after the
  visitor's message.
- **Follow-ups**: for a few messages after the crisis reply, a message that carries the crisis on
  ("im going to take all of them tonight", bot.crisis_follow_up) gets the crisis reply again. One
  that says help is there or the means are put away ("the ambulance is here") is heard as that,
  even where the classifier, reading it alone, took it for a crisis.
- **After a crisis**, for the rest of the session, questions about doses, interactions, combining
  substances or stopping medication get a refusal that points to 988 and Poison Control.
- **The one-line note** ("call or text 988") after an answer whose subject is suicide or
  overdose, and after the answers that follow a crisis reply.

What this policy adds is taken out again before the rules are asked (`_as_rules_see_it`), so
every rule applies as if the check-in or the note had not been said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.crisis_follow_up import continues_crisis, settles_crisis

CRISIS = "utter_crisis"
CHECK_IN = "utter_crisis_check_in"
NOTE = "utter_crisis_note"
UNSAFE_TOPIC = "utter_crisis_unsafe_topic"
SETTLED = "utter_crisis_settled"
# Replies that already give the crisis lines: no note after them.
_GIVE_THE_LINES = frozenset(
    {
        CRISIS,
        CHECK_IN,
        NOTE,
        UNSAFE_TOPIC,
        SETTLED,
        "utter_after_crisis_yes",
        "utter_after_crisis_no",
        "utter_in_spanish",
        "utter_other_language",
    }
)
# What this policy says in place of a rule's action, and the action the rules then see.
_STANDS_FOR = {UNSAFE_TOPIC: "utter_faq"}
_ADDED = frozenset({CHECK_IN, NOTE})
# FAQ topics never answered in the chat after a crisis reply in the same session.
UNSAFE_AFTER_CRISIS = frozenset(
    {"medication_interactions", "benzodiazepines", "antidepressant_stopping"}
)
# Intents a settled follow-up still gets the rules' answer to.
ANSWERED_WHEN_SETTLED = frozenset(
    {"faq", "thanks", "goodbye", "stop", "bot_challenge", "request_consultation", "greet"}
)
# How many visitor messages after a crisis reply are read as its follow-ups.
FOLLOW_UP_MESSAGES = 3


@dataclass(frozen=True)
class CrisisTurn:
    """What the crisis net and the turns before say about the current turn."""

    intent: str | None
    topic: str | None
    text: str
    crisis: dict[str, Any]
    said: tuple[str, ...]  # actions run since the visitor's latest message
    crisis_before: int | None  # visitor messages since the latest crisis reply, if any
    loop: str | None

    @classmethod
    def read(cls, tracker: DialogueStateTracker) -> CrisisTurn:
        said: list[str] = []
        messages = 0
        crisis_before: int | None = None
        for event in reversed(tracker.events):
            if isinstance(event, SessionStarted):
                break
            if isinstance(event, UserUttered):
                messages += 1
            elif isinstance(event, ActionExecuted) and event.action_name:
                if messages == 0:
                    said.append(event.action_name)
                elif event.action_name == CRISIS and crisis_before is None:
                    crisis_before = messages
        latest = tracker.latest_message
        parse = latest.parse_data if latest else {}
        selector = (parse.get("response_selector") or {}).get("faq") or {}
        key = (selector.get("response") or {}).get("intent_response_key") or ""
        return cls(
            intent=(latest.intent or {}).get("name") if latest else None,
            topic=key.split("/", 1)[1] if "/" in key else None,
            text=(latest.text or "") if latest else "",
            crisis=dict(parse.get("crisis") or {}),
            said=tuple(reversed(said)),
            crisis_before=crisis_before,
            loop=tracker.active_loop_name,
        )

    @property
    def follow_up(self) -> bool:
        return self.crisis_before is not None and self.crisis_before <= FOLLOW_UP_MESSAGES

    def follow_up_crisis_due(self) -> bool:
        return (
            not self.said
            and self.follow_up
            and self.intent != "crisis"
            and self.crisis.get("language", "en") == "en"
            and continues_crisis(self.text)
        )

    @property
    def settled(self) -> bool:
        """A follow-up that says help is there, which the crisis rules did not mark."""
        return self.follow_up and self.crisis.get("rules") is None and settles_crisis(self.text)

    def settled_reply_due(self) -> bool:
        """Heard as settled ("i texted 988" is no contact detail), unless it also asks or says
        something the rules answer: that gets its answer, with the note."""
        return (
            not self.said
            and self.loop is None  # in the form, the message is an answer to its question
            and self.settled
            and self.intent not in ANSWERED_WHEN_SETTLED
        )

    def unsafe_topic_due(self) -> bool:
        return (
            not self.said
            and self.crisis_before is not None
            and self.intent == "faq"
            and self.topic in UNSAFE_AFTER_CRISIS
        )

    def check_in_due(self) -> bool:
        return not self.said and self.crisis.get("tier") == "check_in" and not self.settled

    def note_due(self) -> bool:
        return (
            bool(self.said)
            and self.loop is None
            and not _GIVE_THE_LINES.intersection(self.said)
            and (bool(self.crisis.get("sensitive")) or self.follow_up)
        )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class CrisisRulePolicy(RulePolicy):
    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        turn = CrisisTurn.read(tracker)
        if turn.follow_up_crisis_due():
            return self._say(CRISIS, domain, self._crisis_events(turn))
        if turn.settled_reply_due():
            return self._say(SETTLED, domain)
        if turn.said[-1:] == (SETTLED,) or (
            turn.said[-1:] == (CRISIS,) and turn.intent != "crisis"
        ):
            return self._say(ACTION_LISTEN_NAME, domain)
        if turn.unsafe_topic_due():
            return self._say(UNSAFE_TOPIC, domain)
        prediction = super().predict_action_probabilities(
            self._as_rules_see_it(tracker, domain, turn), domain, rule_only_data, **kwargs
        )
        action = domain.action_names_or_texts[prediction.max_confidence_index]
        # In the form, the form's validation says the check-in before it asks again.
        if turn.check_in_due() and action != turn.loop:
            return self._say(CHECK_IN, domain)
        if action == ACTION_LISTEN_NAME and turn.note_due():
            return self._say(NOTE, domain)
        return prediction

    def _say(
        self, action: str, domain: Domain, events: list[Event] | None = None
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, events=events)

    @staticmethod
    def _crisis_events(turn: CrisisTurn) -> list[Event]:
        """A follow-up crisis counts like any other (the lead is urgent) and pauses the form."""
        events: list[Event] = [SlotSet("crisis_detected", True)]
        if turn.loop:
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        return events

    @staticmethod
    def _as_rules_see_it(
        tracker: DialogueStateTracker, domain: Domain, turn: CrisisTurn
    ) -> DialogueStateTracker:
        """The tracker without what this policy added in this turn, so the rules still match."""
        if not _ADDED.union(_STANDS_FOR).intersection(turn.said):
            return tracker
        events: list[Event] = []
        for event in tracker.events:
            if isinstance(event, ActionExecuted) and event.action_name in _ADDED:
                continue
            if isinstance(event, ActionExecuted) and event.action_name in _STANDS_FOR:
                event = ActionExecuted(_STANDS_FOR[event.action_name], timestamp=event.timestamp)
            events.append(event)
        return DialogueStateTracker.from_events(
            tracker.sender_id,
            events,
            slots=domain.slots,
            max_event_history=tracker._max_event_history,
        )
