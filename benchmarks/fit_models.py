"""Fit the answer-line model on labelled question sets, validated leave-one-set-out.

    python benchmarks/fit_models.py tests/data/retrieval_*.yaml [--write]

For every in-scope question, each retrieved passage that holds an evidence string gives
one example per line: the lines holding an evidence string are the answer lines. A
logistic regression over the features of bot/retrieval/lines.py is fitted on all sets but
one and scored on the one left out (how often the line it picks holds the evidence),
then fitted on all of them; --write saves that fit to bot/retrieval/models/lines.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.retrieval.answer import AnswerBuilder  # noqa: E402
from bot.retrieval.calibration import calibration_for  # noqa: E402
from bot.retrieval.evaluate import load_eval_items  # noqa: E402
from bot.retrieval.lines import FEATURES, MODEL_FILE, line_features  # noqa: E402
from bot.retrieval.quotes import passage_lines  # noqa: E402
from bot.tutor import Tutor  # noqa: E402

PASSAGES = 5  # passages per question that give examples


def examples(tutor: Tutor, path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per (question, passage): the line features and which lines hold the evidence."""
    groups = []
    for item in load_eval_items(path):
        if not item.in_scope or not item.evidence:
            continue
        result = tutor.retriever.search(item.question, k=PASSAGES,
                                        use_dense=tutor.dense_ready)
        builder = AnswerBuilder(tutor.knowledge, tutor.retriever,
                                calibration_for(result.mode, tutor.settings))
        question = builder.line_question(result)
        for hit in result.hits[:PASSAGES]:
            lines = passage_lines(hit.chunk.text)
            labels = np.array([any(e in line.text for e in item.evidence) for line in lines])
            if not labels.any() or labels.all():
                continue
            groups.append((np.array(line_features(lines, question)), labels))
    return groups


def fit(groups: list[tuple[np.ndarray, np.ndarray]]) -> LogisticRegression:
    x = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    return model.fit(x, y)


def picked_right(model: LogisticRegression, groups) -> float:
    right = sum(bool(labels[int(np.argmax(model.decision_function(x)))]) for x, labels in groups)
    return right / max(1, len(groups))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    tutor = Tutor.open(load_settings())
    tutor.load_dense_in_background().join()
    by_set = {Path(f).stem: examples(tutor, Path(f)) for f in args.files}
    print(f"{'left out':<28}{'passages':>9}{'best line right':>17}")
    scores = []
    for name, groups in by_set.items():
        rest = [g for other, gs in by_set.items() if other != name for g in gs]
        score = picked_right(fit(rest), groups)
        scores.append(score)
        print(f"{name:<28}{len(groups):>9}{score:>17.3f}")
    print(f"{'mean':<28}{'':>9}{sum(scores) / len(scores):>17.3f}")
    model = fit([g for gs in by_set.values() for g in gs])
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0],
                                                           strict=True)}
    fitted = {"bias": round(float(model.intercept_[0]), 4), "weights": weights,
              "fitted_on": sorted(by_set), "features": list(FEATURES)}
    print(json.dumps(fitted, indent=1))
    if args.write:
        MODEL_FILE.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
        print(f"written to {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
