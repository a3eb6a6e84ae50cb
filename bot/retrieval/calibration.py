"""Abstention weights, fitted by benchmarks/calibrate.py.

Two sets: one for lexical-only answers (before the model loads) and one for hybrid. Below
the threshold the bot says the chapter does not cover the question. The setting
`abstain_strictness` shifts both thresholds (positive abstains more, negative less).

Fitted with `python benchmarks/calibrate.py <dev> extra holdout check2 check4 check5
--check check3 --check check6 --check check7 --check check8 --max-in-abstain 0.01` (552
in scope, 122 out). Features: specificity-weighted coverage of the question by the top
passage's own words, the share of question words the index knows, log(1 + top BM25), the
weight of the most specific question word the passage lacks (`missing`; 1.0 when a
Japanese compound is only half there), whether what the question asks for is absent
(`asked`: a quantity question's asked noun, "How many *subscribers*…"; the kind of answer
its intent expects, a sum of money for "How much does it cost?" or a name for "Who
founded…?"; or a name the chapter never mentions, "Germany"), and the top dense cosine.
The threshold lets at most 1% of the tuning questions in scope abstain: the paraphrases
furthest from the chapter's words ("Which famous papers should I try to reimplement
myself?"). Near misses whose missing fact has no telltale ("How many parameters does
BERT have?" on a passage naming BERT beside GPT-4's parameter count) are still answered.
"""

from __future__ import annotations

import dataclasses

from bot.config import Settings
from bot.retrieval.answer import Calibration

LEXICAL = Calibration(bias=-7.03, coverage=2.098, known=4.049, lexical=1.76, missing=-2.528,
                      asked=-3.879, dense=0.0, threshold=0.4096)
HYBRID = Calibration(bias=-7.544, coverage=2.184, known=3.641, lexical=1.655, missing=-2.251,
                     asked=-4.035, dense=2.964, threshold=0.3796)


def calibration_for(mode: str, settings: Settings) -> Calibration:
    chosen = HYBRID if mode == "hybrid" else LEXICAL
    threshold = min(0.99, max(0.0, chosen.threshold + settings.abstain_strictness))
    return dataclasses.replace(chosen, threshold=threshold)
