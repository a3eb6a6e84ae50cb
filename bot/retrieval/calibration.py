"""Abstention weights, fitted on the development questions by benchmarks/calibrate.py.

Two sets: one for lexical-only answers (before the model loads) and one for hybrid. Below
the threshold the bot says the chapter does not cover the question. The setting
`abstain_strictness` shifts both thresholds (positive abstains more, negative less).
Fitted on retrieval_dev.yaml + tests/data/retrieval_extra.yaml (152 in scope, 42 out),
with the threshold just under the least confident in-scope question there (no in-scope
question abstains; 90% of out-of-scope ones do, the rest being near misses such as
"GPT-4の学習コストは?"). On the independent tests/data/retrieval_holdout.yaml: 2% of
in-scope questions abstain, 90-95% of out-of-scope ones do.
"""

from __future__ import annotations

import dataclasses

from bot.config import Settings
from bot.retrieval.answer import Calibration

LEXICAL = Calibration(bias=-14.105, coverage=5.781, known=4.745, lexical=2.237, dense=0.0,
                      threshold=0.2729)
HYBRID = Calibration(bias=-16.467, coverage=5.558, known=4.436, lexical=2.201, dense=6.01,
                     threshold=0.2512)


def calibration_for(mode: str, settings: Settings) -> Calibration:
    chosen = HYBRID if mode == "hybrid" else LEXICAL
    threshold = min(0.99, max(0.0, chosen.threshold + settings.abstain_strictness))
    return dataclasses.replace(chosen, threshold=threshold)
