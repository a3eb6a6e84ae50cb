"""Abstention weights, fitted on the development questions by benchmarks/calibrate.py.

Two sets: one for lexical-only answers (before the model loads) and one for hybrid.
The threshold is the probability below which the bot says the chapter does not cover
the question; it is the setting `abstain_threshold` (default 0.5).
"""

from __future__ import annotations

import dataclasses

from bot.config import Settings
from bot.retrieval.answer import Calibration

LEXICAL = Calibration(bias=-4.0, coverage=3.0, known=3.0, lexical=1.0, dense=0.0, threshold=0.5)
HYBRID = Calibration(bias=-6.0, coverage=3.0, known=3.0, lexical=1.0, dense=4.0, threshold=0.5)


def calibration_for(mode: str, settings: Settings) -> Calibration:
    chosen = HYBRID if mode == "hybrid" else LEXICAL
    return dataclasses.replace(chosen, threshold=settings.abstain_threshold)
