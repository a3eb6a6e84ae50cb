"""The logistic function the fitted models (abstention, answer lines, naming, topicality)
turn their weighted sums into probabilities with."""

from __future__ import annotations

import math

# exp overflows past about 709: a sum that large is certainty either way.
MAX_LOGIT = 60.0


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-MAX_LOGIT, min(MAX_LOGIT, z))))
