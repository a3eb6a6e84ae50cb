"""Fit the model that chooses which missing question words the answer names, validated
leave-one-set-out.

    python benchmarks/fit_naming.py tests/data/retrieval_*.yaml [--write]

Examples: every word of a labelled question that the passages shown and the rest of the
chapter lack (answer.absent_words, NAMING_FEATURES of bot/retrieval/naming.py). A word of an
out-of-scope question (a near miss's "subscribers", an unrelated question's "tire") is a
positive example, one of an in-scope question a negative. The threshold is the lowest that
names a missing word in at most MAX_IN_SCOPE_NAMED of the in-scope questions, judged
leave-one-set-out: fitted on all sets but one, scored on the one left out.
--write saves the fit on all sets to bot/retrieval/models/naming.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.config import load_settings
from bot.retrieval.answer import absent_words
from bot.retrieval.evaluate import load_eval_items
from bot.retrieval.naming import MODEL_FILE, NAMING_FEATURES
from bot.tutor import Tutor

SHOWN = 3  # the passages an answer shows (settings.top_k)
MAX_IN_SCOPE_NAMED = 0.015
OLD_SPECIFICITY = 0.35
THRESHOLDS = np.round(np.arange(0.40, 0.951, 0.01), 2)


@dataclass
class Question:
    near_miss: bool  # out of scope: a near miss or an unrelated question
    features: np.ndarray  # one row per absent word


def questions(tutor: Tutor, path: Path) -> list[Question]:
    found = []
    for item in load_eval_items(path):
        result = tutor.retriever.search(item.question, k=5, use_dense=tutor.dense_ready)
        absent = absent_words(tutor.retriever, result, result.hits[:SHOWN])
        rows = np.array([a.features for a in absent]).reshape(len(absent), len(NAMING_FEATURES))
        found.append(Question(not item.in_scope, rows))
    return found


def fit(qs: list[Question]) -> LogisticRegression:
    x = np.vstack([q.features for q in qs])
    y = np.concatenate([np.full(len(q.features), q.near_miss) for q in qs])
    return LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced").fit(x, y)


def named(model: LogisticRegression, qs: list[Question]) -> list[float]:
    """Per question, the probability of its likeliest missing word (0 when none)."""
    return [float(model.predict_proba(q.features)[:, 1].max()) if len(q.features) else 0.0
            for q in qs]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    tutor = Tutor.open(load_settings())
    tutor.load_dense_in_background().join()
    by_set = {Path(f).stem: questions(tutor, Path(f)) for f in args.files}
    held_out: list[tuple[bool, float]] = []
    for name in by_set:
        rest = [q for other, qs in by_set.items() if other != name for q in qs]
        held_out += zip([q.near_miss for q in by_set[name]],
                        named(fit(rest), by_set[name]), strict=True)
    near = np.array([p for miss, p in held_out if miss])
    scope = np.array([p for miss, p in held_out if not miss])
    print(f"leave-one-set-out: {len(scope)} in-scope questions, {len(near)} near misses")
    print(f"{'threshold':>10}{'in-scope named':>16}{'near misses named':>19}")
    chosen = None
    for threshold in THRESHOLDS:
        in_rate, near_rate = (scope >= threshold).mean(), (near >= threshold).mean()
        if chosen is None and in_rate <= MAX_IN_SCOPE_NAMED:
            chosen = float(threshold)
        print(f"{threshold:>10.2f}{in_rate:>16.3f}{near_rate:>19.3f}")
    chosen = chosen if chosen is not None else float(THRESHOLDS[-1])
    old = {miss: [] for miss in (True, False)}
    for q in (q for qs in by_set.values() for q in qs):
        old[q.near_miss].append(bool(len(q.features)) and bool(
            ((q.features[:, 0] >= OLD_SPECIFICITY) | (q.features[:, 1] > 0)).any()))
    print(f"the rule it replaced (a name, or specificity >= {OLD_SPECIFICITY}): in-scope named "
          f"{np.mean(old[False]):.3f}, near misses named {np.mean(old[True]):.3f}")
    model = fit([q for qs in by_set.values() for q in qs])
    fitted = {"bias": round(float(model.intercept_[0]), 4),
              "weights": {n: round(float(w), 4)
                          for n, w in zip(NAMING_FEATURES, model.coef_[0], strict=True)},
              "threshold": chosen, "max_in_scope_named": MAX_IN_SCOPE_NAMED,
              "fitted_on": sorted(by_set)}
    print(json.dumps(fitted, ensure_ascii=False))
    if args.write:
        MODEL_FILE.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
        print(f"written to {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
