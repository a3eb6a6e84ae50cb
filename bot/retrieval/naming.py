"""Which of a question's words the chapter lacks are worth naming to the learner.

"How many subscribers does Netflix have?" is answered with what the chapter says about
Netflix, opening with the line that it never mentions subscribers. But a learner's own way
of talking is missing from the chapter too: "why did google translate ditch the old
approach", "realistically how many yrs", 「手元に残るものは?」. Naming "ditch" says
the chapter does not cover a question it answers.

A fitted logistic model (benchmarks/fit_naming.py, weights in models/naming.json) weighs
each missing word: how specific it is in general text, whether it is a name, whether it can
be an English noun or only a verb, adjective or adverb, whether the chapter has a Japanese
translation of it, and its script. It is fitted on the words the chapter lacks in labelled
questions: those of near misses ("subscribers", "publisher", "TOPS") against those of
questions the chapter answers ("ditch", "bump", "nutshell").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.retrieval.lexicon import parts_of_speech
from bot.retrieval.logistic import sigmoid
from bot.retrieval.specificity import specificity, zipf

MODEL_FILE = Path(__file__).with_name("models") / "naming.json"
NAMING_FEATURES = ("specificity", "named", "english", "translated", "everyday_english",
                   "english_noun", "english_not_noun", "katakana", "kanji", "inflected",
                   "position", "frequency")
KATAKANA_WORD_RE = re.compile(r"[ァ-ヴー]+")
KANJI_WORD_RE = re.compile(r"[一-龯々]+")
# Endings of English adverbs, participles and comparatives ("realistically", "attributed",
# "heavier"): how something is asked, rarely what.
INFLECTED_RE = re.compile(r"(?:ly|ed|ing|er|est)$")
MAX_ZIPF = 7.0
DECLINED_THRESHOLD = 0.5


@dataclass(frozen=True)
class AbsentWord:
    """A question word that neither the passages shown nor the rest of the chapter say."""

    word: str  # as content_words spells it
    spelling: str  # as the question spells it
    features: tuple[float, ...]


def naming_features(word: str, spelling: str, named: bool, translated: bool,
                    position: float) -> tuple[float, ...]:
    english = word.isascii()
    frequency = zipf(word, "en" if english else "ja")
    pos = parts_of_speech(spelling) if english else None
    noun = english and (pos is None or "n" in pos)
    return (specificity(word), float(named), float(english), float(translated),
            float(english and frequency > 0), float(noun), float(english and not noun),
            float(bool(KATAKANA_WORD_RE.fullmatch(word))),
            float(bool(KANJI_WORD_RE.fullmatch(word))),
            float(english and bool(INFLECTED_RE.search(spelling.lower()))),
            position, min(frequency, MAX_ZIPF) / MAX_ZIPF)


@dataclass(frozen=True)
class NamingModel:
    bias: float
    weights: tuple[float, ...]
    threshold: float

    def probability(self, features: tuple[float, ...]) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return sigmoid(z)

    def worth_naming(self, word: AbsentWord, declined: bool = False,
                     polar: bool = False) -> bool:
        """Whether to name the word. A declined question is already judged out of scope:
        its missing words are named at even odds, which tells the learner why ("doesn't
        mention 'tire'"). So are those of a yes/no question ("did AlphaGo retire?"): its
        words name the property asked about, and a chapter without the word cannot say
        yes or no. Otherwise only above the fitted threshold, since naming a word says
        the chapter does not cover what it answers."""
        bar = DECLINED_THRESHOLD if declined or polar else self.threshold
        return self.probability(word.features) >= bar


@lru_cache(maxsize=1)
def load_naming(path: Path = MODEL_FILE) -> NamingModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = data["weights"]
    return NamingModel(float(data["bias"]),
                       tuple(float(weights.get(name, 0.0)) for name in NAMING_FEATURES),
                       float(data["threshold"]))
