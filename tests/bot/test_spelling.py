"""Spelling correction for the classifiers (bot/spelling.py and its NLU component)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.crisis_detector import CrisisDetector
from bot.components.spelling_corrector import (
    CORRECTED_TEXT,
    SpellingCorrectorComponent,
    corrected_text,
)
from bot.spelling import SpellingCorrector, vocabulary

ROOT = Path(__file__).resolve().parents[2]
TRAINING_TEXTS = [
    "is ketamine addictive",
    "where are you located",
    "do you accept blue shield",
    "can i bring someone to my appointment",
    "how many tms sessions do i need",
    "what does spravato cost",
    "cya",
]


@pytest.fixture(scope="module")
def corrector() -> SpellingCorrector:
    return SpellingCorrector(vocabulary(TRAINING_TEXTS))


@pytest.mark.parametrize(
    ("typed", "understood"),
    [
        ("is ketamine adictive", "is ketamine addictive"),
        ("were are you locatd", "were are you located"),
        ("do you acept blue shield", "do you accept blue shield"),
        ("can i bring somone to my apointment", "can i bring someone to my appointment"),
        ("How many TMS sesions", "how many tms sessions"),
        ("ketamin or spravatto?", "ketamine or spravato?"),
    ],
)
def test_misspelt_words_become_training_words(
    corrector: SpellingCorrector, typed: str, understood: str
) -> None:
    assert corrector.correct(typed) == understood


@pytest.mark.parametrize(
    "text",
    [
        "vitamin d",  # English, though one edit from no training word and two from "ketamine"
        "i live in tarzana",  # a Californian place
        "cya thx u",  # short chat words are never changed
        "call 310-555-0142 or ana@example.com",  # digits and addresses kept as typed
        "ketamin",  # misspelt, but the training data uses the word itself
    ],
)
def test_known_and_short_words_stay(text: str) -> None:
    corrector = SpellingCorrector(vocabulary(TRAINING_TEXTS + ["ketamin", "ketamin cost"]))
    assert corrector.correct(text) == text


def test_a_word_with_no_close_training_word_stays(corrector: SpellingCorrector) -> None:
    assert corrector.correct("zxqwv blorfing") == "zxqwv blorfing"


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name="spelling")


def test_component_learns_the_vocabulary_and_reloads_it(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("spelling")
    component = SpellingCorrectorComponent.create({}, storage, resource, _context())
    examples = [Message(data={"text": t, "intent": "x"}) for t in TRAINING_TEXTS]
    component.train(TrainingData(examples))
    loaded = SpellingCorrectorComponent.load({}, storage, resource, _context())
    message = Message(data={"text": "Is ketamine adictive?"})
    loaded.process([message])
    assert message.get(CORRECTED_TEXT) == "is ketamine addictive?"
    assert message.get("text") == "Is ketamine adictive?"  # what the visitor typed is kept


def test_the_served_component_keeps_place_words_without_the_zip_data(tmp_path: Path) -> None:
    """The place words travel in the model: loading it (as the Rasa server does) never imports
    the ZIP code data set, and "tarzana" is still no misspelling of a training word."""
    storage, resource = LocalModelStorage(tmp_path), Resource("spelling")
    component = SpellingCorrectorComponent.create({}, storage, resource, _context())
    component.train(TrainingData([Message(data={"text": "tarzan movie", "intent": "x"})]))
    script = f"""
import sys
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from bot.components.spelling_corrector import CORRECTED_TEXT, SpellingCorrectorComponent

context = ExecutionContext(GraphSchema({{}}), node_name="spelling")
storage = LocalModelStorage(Path({str(tmp_path)!r}))
loaded = SpellingCorrectorComponent.load({{}}, storage, Resource("spelling"), context)
message = Message(data={{"text": "tarzana moive"}})
loaded.process([message])
print(message.get(CORRECTED_TEXT), "zipcodes" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert out[-3:] == ["tarzana", "movie", "False"]


def test_untrained_component_leaves_the_text_to_the_classifiers(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    component = SpellingCorrectorComponent.load({}, storage, Resource("none"), _context())
    message = Message(data={"text": "hello"})
    component.process([message])
    assert message.get(CORRECTED_TEXT) is None
    assert corrected_text(message) == "hello"


def test_crisis_rules_also_read_the_corrected_text() -> None:
    # The classifier said faq; the typed words match no rule, their corrected form does.
    ranking = [{"name": "faq", "confidence": 0.9}]
    message = Message(
        data={
            "text": "i want to xyzzy myself",
            "intent": ranking[0],
            "intent_ranking": ranking,
            "entities": [],
            CORRECTED_TEXT: "i want to kill myself",
        }
    )
    CrisisDetector({"classifier_threshold": 0.7}).process([message])
    assert message.get("intent")["name"] == "crisis"
