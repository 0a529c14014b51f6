"""Rasa NLU component: the crisis net, after every classifier (config.yml puts it last).

It combines the rules' verdict (bot.crisis_verdict: the visitor's words, the corrected ones and
each sentence) with the trained classifier's `crisis` score, which it reads for the same
readings (the linear classifier scores them, bot.components.linear_classifier):

- **crisis**: a rule matched, or the classifier ranks `crisis` first with at least
  `classifier_threshold`, unless the message is a topic question ("can ketamine reduce
  suicidal thinking?"), a figure of speech, a plain statement of being safe, or a bare detail
  such as a city. The intent becomes `crisis`, so the crisis reply comes in any state, even with
  the action server down; an entity `crisis_reply` says which reply: for the visitor (`self`),
  for someone helping another person (`someone_else`), or in Spanish (`es`).
- **check-in**: a hedged or past crisis the rules recognise, or a classifier that ranks `crisis`
  first under the threshold or second with at least `check_in_threshold`. The intent stays
  what it was (the visitor's question is answered) and the output's `crisis.tier` says
  `check_in`, which the dialogue answers with the check-in (bot.crisis_policy).
- Spanish that is no crisis gets the intent `in_spanish`, and a language the assistant cannot
  read gets `other_language`: each has its reply, never the topic buttons.

Every message gets a `crisis` entry in the parse output: tier, category, audience, language,
what the rules and the classifier said (for the staff console and the trainers' review).
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.spelling_corrector import spelling_changed
from bot.crisis import is_figurative, is_topic_question, states_safety
from bot.crisis_verdict import CHECK_IN, CRISIS, SELF, SOMEONE_ELSE, Verdict, judge
from bot.language import OTHER, SPANISH
from bot.spelling import common_english_words

CRISIS_INTENT = "crisis"
FALLBACK_INTENT = "nlu_fallback"
IN_SPANISH_INTENT = "in_spanish"
OTHER_LANGUAGE_INTENT = "other_language"
# Parse-output keys: the category alone (read by older parts) and the whole judgement.
CRISIS_CATEGORY_KEY = "crisis_category"
CRISIS_KEY = "crisis"
# The entity that picks the crisis reply (utter_crisis's conditional variations).
REPLY_ENTITY = "crisis_reply"
# Set by the linear classifier: the `crisis` probability and rank of each extra reading.
VIEW_SCORES_KEY = "crisis_view_scores"
# The question of a check-in message is answered from this confidence on (FallbackClassifier's
# 0.75 is for messages with nothing else in them; see _answer_the_question).
CHECK_IN_ANSWER_CONFIDENCE = 0.4


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisDetector(GraphComponent):
    def __init__(self, config: dict[str, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self._classifier_threshold = float(config["classifier_threshold"])
        self._check_in_threshold = float(config["check_in_threshold"])
        self._check_in_replies = bool(config["check_in_replies"])
        self._english = common_english_words()

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The rules carry recall; the classifier adds phrasings they miss when it is sure, and
        # asks how the visitor is when it is not (config.yml says how the values were chosen).
        # Until the dialogue answers the check-in (`check_in_replies`), a check-in the rules
        # find gets the crisis reply, and one only the classifier finds gets nothing.
        return {"classifier_threshold": 0.7, "check_in_threshold": 0.3, "check_in_replies": False}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisDetector:
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        verdict = judge(text, spelling_changed(message), self._english.__contains__)
        first, second = self._classifier_crisis(message)
        by_classifier = self._classifier_tier(message, first, second)
        tier = verdict.tier
        # The classifier adds what the rules did not judge: it cannot tell who is in danger or
        # when ("my stepdad hanged himself ten years ago"), nor read Spanish.
        if tier is None and not verdict.settled and verdict.language not in (SPANISH, OTHER):
            tier = by_classifier
        judged = tier
        if tier == CHECK_IN and not self._check_in_replies:
            tier = CRISIS if verdict.tier == CHECK_IN else None
        category = verdict.category or ("classifier" if tier else None)
        audience = verdict.audience if verdict.tier == CRISIS else SELF
        message.set(
            CRISIS_KEY,
            {
                "tier": tier,
                "judged": judged,
                "category": category,
                "audience": audience,
                "language": verdict.language,
                "rules": verdict.tier,
                "classifier": by_classifier,
                "sensitive": verdict.sensitive or tier is not None,
            },
            add_to_output=True,
        )
        if tier == CRISIS:
            self._mark_crisis(message, category or "classifier", self._reply(verdict, audience))
        elif verdict.language == OTHER:
            self._set_intent(message, OTHER_LANGUAGE_INTENT)
        elif verdict.language == SPANISH:
            self._set_intent(message, IN_SPANISH_INTENT)
        elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == CRISIS_INTENT:
            self._demote_crisis(message)
        if tier == CHECK_IN:
            self._answer_the_question(message)

    @staticmethod
    def _reply(verdict: Verdict, audience: str) -> str:
        if verdict.language == SPANISH:
            return "es"
        return SOMEONE_ELSE if audience == SOMEONE_ELSE else SELF

    @staticmethod
    def _classifier_crisis(message: Message) -> tuple[float, float]:
        """The classifier's `crisis` probability where it ranks first and where it ranks second,
        the highest over the message and its extra readings (0.0: not ranked there)."""
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != FALLBACK_INTENT
        ]
        scores = [
            (rank, float(entry.get("confidence", 0.0)))
            for rank, entry in enumerate(ranking[:2])
            if entry.get(INTENT_NAME_KEY) == CRISIS_INTENT
        ]
        scores += [(int(rank), float(p)) for p, rank in message.get(VIEW_SCORES_KEY) or []]
        first = max((p for rank, p in scores if rank == 0), default=0.0)
        second = max((p for rank, p in scores if rank == 1), default=0.0)
        return first, second

    def _classifier_tier(self, message: Message, first: float, second: float) -> Optional[str]:
        """CRISIS when sure, CHECK_IN when `crisis` is first but unsure or a close second, None
        when it is neither or the message explains the words that made it think so."""
        if first == 0.0 and second < self._check_in_threshold:
            return None
        text = message.get(TEXT) or ""
        if (
            is_topic_question(text)
            or is_figurative(text)
            or states_safety(text)
            or self._is_a_detail(message)
        ):
            return None
        return CRISIS if first >= self._classifier_threshold else CHECK_IN

    @staticmethod
    def _is_a_detail(message: Message) -> bool:
        """A short answer that is just a place, a name or a treatment ("San Diego")."""
        entities = message.get(ENTITIES) or []
        words = len((message.get(TEXT) or "").split())
        return (
            bool(entities)
            and words <= 4
            and all(e.get("entity") in ("city", "person", "treatment") for e in entities)
        )

    @staticmethod
    def _answer_the_question(message: Message) -> None:
        """A possible crisis with a question ("I attempted two years ago, can I still get
        ketamine?"): the crisis words draw the classifier's confidence away from the question,
        and the check-in already gives the lines, so the question's intent is taken when it
        leads the rest at CHECK_IN_ANSWER_CONFIDENCE, rather than the topic buttons."""
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) not in (FALLBACK_INTENT, CRISIS_INTENT):
            return
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (CRISIS_INTENT, FALLBACK_INTENT)
        ]
        if ranking and float(ranking[0].get("confidence", 0.0)) >= CHECK_IN_ANSWER_CONFIDENCE:
            message.set(INTENT, ranking[0], add_to_output=True)

    @staticmethod
    def _set_intent(message: Message, name: str) -> None:
        intent = {INTENT_NAME_KEY: name, "confidence": 1.0}
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)

    @staticmethod
    def _demote_crisis(message: Message) -> None:
        """The classifier alone said crisis, for a figure of speech or a topic question: use
        its next guess instead, so the visitor gets a real answer."""
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (CRISIS_INTENT, FALLBACK_INTENT)
        ]
        fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, "confidence": 1.0}
        message.set(INTENT, ranking[0] if ranking else fallback, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    @staticmethod
    def _mark_crisis(message: Message, category: str, reply: str) -> None:
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (CRISIS_INTENT, FALLBACK_INTENT)
        ]
        crisis = {INTENT_NAME_KEY: CRISIS_INTENT, "confidence": 1.0}
        message.set(INTENT, crisis, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [crisis] + ranking, add_to_output=True)
        message.set(CRISIS_CATEGORY_KEY, category, add_to_output=True)
        entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != REPLY_ENTITY]
        entities.append({"entity": REPLY_ENTITY, "value": reply, "extractor": "CrisisDetector"})
        message.set(ENTITIES, entities, add_to_output=True)
