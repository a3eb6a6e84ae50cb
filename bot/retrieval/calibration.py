"""Abstention weights, fitted by benchmarks/calibrate.py.

Two sets: one for lexical-only answers (before the model loads) and one for hybrid. Below
the threshold the bot says the chapter does not cover the question. The setting
`abstain_strictness` shifts both thresholds (positive abstains more, negative less).

Fitted on retrieval_dev.yaml + tests/data/retrieval_extra.yaml + retrieval_holdout.yaml
(252 in scope, 62 out). The threshold is 0.6 x the one just under the least confident
in-scope tuning question: new wordings score lower than any tuning question, and a wrong
abstention hides the chapter's answer, while a near miss that is answered ("BERTの層数は?")
still only quotes the chapter verbatim. On the tuning sets no in-scope question abstains
and 86% of out-of-scope ones do (the rest are near misses); on the independent
tests/data/retrieval_check2.yaml 2-3% of in-scope and 100% of out-of-scope ones abstain.
"""

from __future__ import annotations

import dataclasses

from bot.config import Settings
from bot.retrieval.answer import Calibration

LEXICAL = Calibration(bias=-13.371, coverage=5.564, known=4.453, lexical=2.173, dense=0.0,
                      threshold=0.1609)
HYBRID = Calibration(bias=-14.113, coverage=5.53, known=4.124, lexical=2.066, dense=4.053,
                     threshold=0.1293)


def calibration_for(mode: str, settings: Settings) -> Calibration:
    chosen = HYBRID if mode == "hybrid" else LEXICAL
    threshold = min(0.99, max(0.0, chosen.threshold + settings.abstain_strictness))
    return dataclasses.replace(chosen, threshold=threshold)
