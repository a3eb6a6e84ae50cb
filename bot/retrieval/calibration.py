"""Abstention weights, fitted by benchmarks/calibrate.py.

Two sets: one for lexical-only answers (before the model loads) and one for hybrid. Below
the threshold the bot says the chapter does not cover the question. The setting
`abstain_strictness` shifts both thresholds (positive abstains more, negative less).

Fitted on retrieval_dev.yaml + tests/data/retrieval_extra.yaml + retrieval_holdout.yaml
(252 in scope, 62 out), the threshold just under the least confident in-scope tuning
question: no in-scope tuning question abstains, 90-92% of out-of-scope ones do (the rest
are near misses naming chapter topics, "GPT-4の学習コストは?"). On the independent check
sets: check2 3% of in-scope and 100% of out-of-scope questions abstain; check3 0% and 100%.
(A threshold leaning further to answering, 0.6 x this, answered two everyday questions in
check3, "運転免許の更新方法は?" among them.)
"""

from __future__ import annotations

import dataclasses

from bot.config import Settings
from bot.retrieval.answer import Calibration

LEXICAL = Calibration(bias=-13.371, coverage=5.564, known=4.453, lexical=2.173, dense=0.0,
                      threshold=0.2682)
HYBRID = Calibration(bias=-14.113, coverage=5.53, known=4.124, lexical=2.066, dense=4.053,
                     threshold=0.2155)


def calibration_for(mode: str, settings: Settings) -> Calibration:
    chosen = HYBRID if mode == "hybrid" else LEXICAL
    threshold = min(0.99, max(0.0, chosen.threshold + settings.abstain_strictness))
    return dataclasses.replace(chosen, threshold=threshold)
