"""Whether a question the abstention model doubts is about the chapter's subject at all.

Below the abstention threshold lie three kinds of question the abstention features cannot
tell apart: unrelated ones ("my classroom projector says 'no signal'"), near misses (a
chapter topic and a fact it never states), and questions the chapter answers, worded
unlike anything it says ("The chapter congratulates me for finishing - what does it
suggest I do next?"). Declining the last kind costs the learner the answer; answering
the first kind is noise. So the band is split by a second, fitted judgement:

- a text classifier, logistic regression over TF-IDF character n-grams (2-4 characters
  within words, so it reads Japanese without a tagger and English misspellings alike),
  fitted on labelled questions: those the chapter answers against unrelated ones. It learns
  the chapter's subject (translation, recommenders, careers, study plans) in both languages;
- a gate: logistic regression over the abstention features and the classifier's logit.

A doubted question the gate passes is answered with the nearest passages, opening with
the line that the chapter may not answer it directly (status `partial`); the rest are
declined. A near miss is handled either way: declined, or answered with that line.

Both models are fitted by benchmarks/fit_topicality.py (weights in models/topicality.json)
and validated leave-one-set-out; the vectorizer here reproduces scikit-learn's
TfidfVectorizer(analyzer="char_wb", sublinear_tf=True) so the bot needs no scikit-learn.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.retrieval.logistic import sigmoid
from bot.retrieval.specificity import find_hashed, word_hash

MODEL_FILE = Path(__file__).with_name("models") / "topicality.json"
GATE_FEATURES = ("coverage", "known", "lexical", "missing", "asked", "topic")
WHITE_SPACES_RE = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's "char_wb" analyzer: lower-cased n-grams inside words, each word
    padded with a space on either side."""
    ngrams = []
    for word in WHITE_SPACES_RE.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(min_n, max_n + 1):
            if len(padded) <= n:
                ngrams.append(padded)  # a short word counts once, whatever n
                break
            ngrams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return ngrams


@dataclass(frozen=True, eq=False)
class TopicModel:
    """P(the chapter's subject) from a question's character n-grams, as a logit. The
    n-grams are kept as sorted 64-bit hashes beside their IDF and weight, as the word
    tables are (specificity.py): a dict of 20,000 strings would take 3 MB of every bot."""

    ngram_range: tuple[int, int]
    hashes: np.ndarray  # sorted word_hash of each n-gram
    idf: np.ndarray
    weight: np.ndarray
    bias: float

    @classmethod
    def from_ngrams(cls, ngram_range: tuple[int, int], ngrams: dict[str, tuple[float, float]],
                    bias: float) -> TopicModel:
        """From {n-gram: (idf, weight)}."""
        rows = sorted((word_hash(g), idf, weight) for g, (idf, weight) in ngrams.items())
        hashes = np.array([r[0] for r in rows], dtype=np.uint64)
        if len(np.unique(hashes)) != len(hashes):
            raise ValueError("two n-grams share a hash")  # 1 in 10^10 for 20,000 n-grams
        return cls(ngram_range, hashes, np.array([r[1] for r in rows]),
                   np.array([r[2] for r in rows]), bias)

    def logit(self, question: str) -> float:
        counts = Counter(char_wb_ngrams(question, *self.ngram_range))
        if not counts:
            return self.bias
        positions, found = find_hashed(self.hashes, counts)
        rows = positions[found]
        tf = np.array(list(counts.values()), dtype=np.float64)[found]
        values = (1.0 + np.log(tf)) * self.idf[rows]
        norm = float(np.linalg.norm(values))
        if norm == 0.0:
            return self.bias
        return self.bias + float(self.weight[rows] @ values) / norm


@dataclass(frozen=True)
class Gate:
    """Logistic weights over GATE_FEATURES: at or above the threshold a doubted question is
    answered with a hedge, below it declined."""

    bias: float
    weights: tuple[float, ...]
    threshold: float

    def probability(self, row: tuple[float, ...]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, row, strict=True))
        return sigmoid(z)


@lru_cache(maxsize=1)
def load_topicality(path: Path = MODEL_FILE) -> tuple[TopicModel, Gate]:
    """Loaded once, at warm-up (Tutor.warm_up_lexical), not on the first doubted question."""
    data = json.loads(path.read_text(encoding="utf-8"))
    classifier = data["classifier"]
    low, high = classifier["ngram_range"]
    model = TopicModel.from_ngrams((int(low), int(high)),
                                   {g: (float(v[0]), float(v[1]))
                                    for g, v in classifier["ngrams"].items()},
                                   float(classifier["bias"]))
    gate = data["gate"]
    weights = tuple(float(gate["weights"][name]) for name in GATE_FEATURES)
    return model, Gate(float(gate["bias"]), weights, float(gate["threshold"]))
