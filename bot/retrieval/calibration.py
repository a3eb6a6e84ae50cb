"""Abstention weights, fitted by benchmarks/calibrate.py.

Two sets: one for lexical-only answers (before the model loads) and one for hybrid. Below
the threshold the bot says the chapter does not cover the question. The setting
`abstain_strictness` shifts both thresholds (positive abstains more, negative less).

Fitted with `python benchmarks/calibrate.py <dev> extra holdout check2 check4 check5
--check check3 --max-in-abstain 0.01` (552 in scope, 122 out). Features: specificity-
weighted coverage of the question by the top passage's own words, the share of question
words the index knows, log(1 + top BM25), the weight of the most specific question word
the passage lacks (`missing`; 1.0 when a Japanese compound is only half there), whether
a quantity question's asked noun is absent ("How many *subscribers*…", `asked`), and the
top dense cosine. The threshold lets at most 1% of the tuning questions in scope
abstain: the paraphrases furthest from the chapter's words
("Which famous papers should I try to reimplement myself?"). Near misses that name a
chapter topic and ask for a fact the chapter lacks ("GPT-4の学習コストは?", "How many
parameters does BERT have?") are still often answered, with verbatim chapter quotes.
"""

from __future__ import annotations

import dataclasses

from bot.config import Settings
from bot.retrieval.answer import Calibration

LEXICAL = Calibration(bias=-7.042, coverage=1.998, known=4.048, lexical=1.797, missing=-2.621,
                      asked=-3.878, dense=0.0, threshold=0.3686)
HYBRID = Calibration(bias=-7.491, coverage=2.052, known=3.608, lexical=1.706, missing=-2.38,
                     asked=-4.044, dense=2.89, threshold=0.3674)


def calibration_for(mode: str, settings: Settings) -> Calibration:
    chosen = HYBRID if mode == "hybrid" else LEXICAL
    threshold = min(0.99, max(0.0, chosen.threshold + settings.abstain_strictness))
    return dataclasses.replace(chosen, threshold=threshold)
