"""Spelling correction of what visitors type, towards the words of the training data.

Why: the sentence encoder splits a misspelt word into unrelated word pieces, and the n-gram
features lose most of its overlap with the right word, so "is ketamine adictive" or "do you
acept blue shield" fell back to "I didn't understand" while the correctly spelt question was
answered with confidence. Only words that are neither English (symspellpy's frequency
dictionary, shipped in its PyPI package) nor in the training data nor a Californian place are
changed, and only into a word of the training data: "vitamin" stays "vitamin", "ketamin" becomes
"ketamine", "locatd" becomes "located". A misspelling that is itself a training example
("efects" in "antidepresant side efects") counts as known: treating rare training words as
typos was tried and corrected good words too ("anesthesia", "medi-cal", "helo" into "help").
Short words (slang such as "u", "thx", "cya") and words with digits are left as they are.

The corrected text is for the classifiers only; names, places and entity positions still come
from what the visitor typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

# Words shorter than this are never corrected: too many neighbours ("tms" -> "tvs").
MIN_LENGTH = 4
# Edits allowed: one for words up to this length, two for longer ones.
ONE_EDIT_UP_TO = 5
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The 82,765 words of symspellpy's English frequency dictionary."""
    import symspellpy

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as lines:
        return frozenset(line.split(" ", 1)[0] for line in lines)


# A word of the frequency dictionary seen at least this often is common English; rarer entries
# include many words of other languages ("sa", "muon") that tell nothing about the language.
COMMON_COUNT = 1_000_000


@lru_cache(maxsize=1)
def common_english_words() -> frozenset[str]:
    """The English words of symspellpy's dictionary seen at least COMMON_COUNT times."""
    import symspellpy

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as lines:
        rows = (line.split(" ", 1) for line in lines)
        return frozenset(word for word, count in rows if int(count) >= COMMON_COUNT)


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Words of the home state's city names ("encino", "tarzana"): never misspellings."""
    from clinic.places import home_state_city_names

    return frozenset(w for name in home_state_city_names() for w in _WORD.findall(name.lower()))


def vocabulary(texts: Iterable[str]) -> dict[str, int]:
    """How often each word occurs in the training texts."""
    return dict(Counter(w for text in texts for w in _WORD.findall(text.lower())))


# Words of a crisis. A misspelling as close to one of them as to a harmless training word is
# corrected into the crisis word: "dieing" is "dying", never "during" (issue #32).
CRISIS_WORDS = frozenset(
    """
    die dies dying died dead death kill kills killing killed myself suicide suicidal overdose
    overdosed overdosing pills hang hanging hanged cut cutting hurt hurting harm harming jump
    jumping bridge gun rope noose alive living life end ending wrists bleed bleeding poison
    lethal fatal unalive knife blade razor hopeless worthless burden goodbye tonight shoot drown
    suffocate starve swallow swallowed
    """.split()  # noqa: SIM905 (a word list reads best as text)
)


class SpellingCorrector:
    """Corrects unknown words into training-data words (the most frequent of the closest), or
    into a crisis word when one is as close."""

    def __init__(self, counts: dict[str, int], known: frozenset[str] | None = None) -> None:
        from symspellpy import SymSpell

        known = known if known is not None else english_words() | place_words()
        self._known = known | set(counts)
        self._index = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        # Targets may be one letter shorter than the shortest word corrected ("tmss" -> "tms").
        for word, count in {**dict.fromkeys(CRISIS_WORDS, 1), **counts}.items():
            if len(word) >= MIN_LENGTH - 1:
                self._index.create_dictionary_entry(word, count)
        self._cache: dict[str, str] = {}

    def correct(self, text: str) -> str:
        """`text` in lower case with its unknown words corrected (unchanged when none is)."""
        lowered = text.lower()
        return _WORD.sub(lambda match: self._word(match.group(0)), lowered)

    def _word(self, word: str) -> str:
        if len(word) < MIN_LENGTH or word in self._known:
            return word
        if word not in self._cache:
            self._cache[word] = self._closest(word)
        return self._cache[word]

    def _closest(self, word: str) -> str:
        from symspellpy import Verbosity

        distance = 1 if len(word) <= ONE_EDIT_UP_TO else 2
        suggestions = self._index.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
        if not suggestions:
            return word
        # Among the closest, a crisis word, else the word the training data uses most; one that
        # starts like the typed word first (typos are rarely in the first letter).
        return max(
            suggestions,
            key=lambda s: (-s.distance, s.term in CRISIS_WORDS, s.term[0] == word[0], s.count),
        ).term
