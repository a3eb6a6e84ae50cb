"""Fit the answer-line model and the passage ranking on labelled question sets, each
validated leave-one-set-out.

    python benchmarks/fit_models.py tests/data/retrieval_*.yaml [--write] [--ranking-only]
    python benchmarks/fit_models.py tests/data/retrieval_*.yaml --ranking-only \
        --only named_tools [--write]

Lines: for every in-scope question, each retrieved passage that holds an evidence string
gives one example per line: the lines holding an evidence string are the answer lines.
A logistic regression over the features of bot/retrieval/lines.py is fitted on all sets
but one and scored on the one left out (how often the line it picks holds the evidence),
then fitted on all of them (bot/retrieval/models/lines.json).

Ranking: the same questions, asked with and without the embedding model (the bot answers
lexically while the model loads); each candidate passage (RANK_FEATURES of
bot/retrieval/search.py, which use the line model just fitted) is an example, labelled by
whether it holds an evidence string. Scored leave-one-set-out by R@1 of the candidates it
orders (bot/retrieval/models/ranking.json). --write saves both fits.

--only FEATURE ...: fit the ranking weights of these features alone, the shipped weights
of the others held as they are. A new feature is then judged by what it adds: a full refit
also moves the weights the abstention evidence was calibrated with (the top passage
changes for questions the new feature says nothing about).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from bot.config import load_settings
from bot.retrieval.evaluate import load_eval_items
from bot.retrieval.lines import FEATURES, MODEL_FILE, line_features, load_weights
from bot.retrieval.quotes import passage_lines
from bot.retrieval.search import OWNER_FEATURES, RANK_FEATURES, RANKING_FILE, load_ranking
from bot.tutor import Tutor

PASSAGES = 5  # passages per question that give examples


def examples(tutor: Tutor, path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per (question, passage): the line features and which lines hold the evidence."""
    groups = []
    for item in load_eval_items(path):
        if not item.in_scope or not item.evidence:
            continue
        result = tutor.retriever.search(item.question, k=PASSAGES,
                                        use_dense=tutor.dense_ready)
        question = result.lines
        for hit in result.hits[:PASSAGES]:
            lines = passage_lines(hit.chunk.text)
            labels = np.array([any(e in line.text for e in item.evidence) for line in lines])
            if not labels.any() or labels.all():
                continue
            groups.append((np.array(line_features(lines, question, hit.chunk.path_text)),
                           labels))
    return groups


def fit(groups: list[tuple[np.ndarray, np.ndarray]]) -> LogisticRegression:
    """Pairwise: within each group every answer line (or passage) against every other, so
    the weights learn what puts the answer first, not what makes an answer in general."""
    diffs = pair_differences(groups)
    x = np.vstack([diffs, -diffs])
    y = np.concatenate([np.ones(len(diffs)), np.zeros(len(diffs))])
    model = LogisticRegression(C=1.0, max_iter=5000, fit_intercept=False)
    return model.fit(x, y)


def pair_differences(groups: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Per group, every answer row minus every other row: what the pairwise fits learn."""
    return np.array([x[i] - x[j] for x, labels in groups for i in np.flatnonzero(labels)
                     for j in np.flatnonzero(~labels)])


class HeldFit:
    """Pairwise logistic weights of some features, the others held at given values: the
    same loss as `fit` (L2 with C=1), with the held part of each score as an offset."""

    def __init__(self, groups: list[tuple[np.ndarray, np.ndarray]], held: np.ndarray,
                 free: list[int]) -> None:
        diffs = pair_differences(groups)
        # The free features' own shipped weights are what is refitted, not part of the
        # offset: refitting a feature already in the file starts from zero, not on top.
        held = held.copy()
        held[free] = 0.0
        offset = diffs @ held
        part = diffs[:, free]

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            # Each pair counts twice, as in `fit`: (d, 1) and (-d, 0) lose the same.
            z = offset + part @ w
            value = 0.5 * float(w @ w) + 2.0 * float(np.sum(np.logaddexp(0, -z)))
            grad = w - 2.0 * part.T @ (1 / (1 + np.exp(z)))
            return value, grad

        fitted = minimize(loss, np.zeros(len(free)), jac=True, method="L-BFGS-B").x
        weights = held
        weights[free] = fitted
        self.coef_ = weights[np.newaxis, :]

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return x @ self.coef_[0]


def picked_right(model: LogisticRegression | HeldFit, groups) -> float:
    right = sum(bool(labels[int(np.argmax(model.decision_function(x)))]) for x, labels in groups)
    return right / max(1, len(groups))


def ranking_examples(tutor: Tutor, path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    groups = []
    for item in load_eval_items(path):
        if not item.in_scope or not item.evidence:
            continue
        for use_dense in (True, False):
            pool, features = tutor.retriever.ranking_examples(item.question, use_dense)
            chunks = [tutor.retriever.chunks[int(i)] for i in pool]
            labels = np.array([any(e in c.text or e in c.path_text for e in item.evidence)
                               for c in chunks])
            labels = primary_sources(labels, features)
            if labels.any():
                groups.append((features, labels))
    return groups


def primary_sources(labels: np.ndarray, features: np.ndarray) -> np.ndarray:
    """The passages a learner should be shown first. The chapter summary restates facts of
    the sections ("年収600-1,200万円") in fewer words; when a section holds the fact too and
    the question did not ask for the summary, the summary is not the answer to rank first.
    (The exercises' model answers are not treated so: much of what they say is theirs
    alone.)"""
    summary = features[:, RANK_FEATURES.index(OWNER_FEATURES["summary"])] > 0
    if (labels & ~summary).any():
        return labels & ~summary
    return labels


def leave_one_set_out(by_set: dict, label: str,
                      fitter=fit) -> LogisticRegression | HeldFit:
    print(f"{'left out':<28}{'groups':>9}{label:>17}")
    scores = []
    for name, groups in by_set.items():
        rest = [g for other, gs in by_set.items() if other != name for g in gs]
        score = picked_right(fitter(rest), groups)
        scores.append(score)
        print(f"{name:<28}{len(groups):>9}{score:>17.3f}")
    print(f"{'mean':<28}{'':>9}{sum(scores) / len(scores):>17.3f}")
    return fitter([g for gs in by_set.values() for g in gs])


def save(model: LogisticRegression | HeldFit, names: tuple[str, ...], sets: list[str], path: Path,
         write: bool) -> None:
    weights = {name: round(float(w), 4) for name, w in zip(names, model.coef_[0], strict=True)}
    # A pairwise fit has no intercept: the scores only order lines and passages.
    fitted = {"bias": 0.0, "weights": weights,
              "fitted_on": sets}
    print(json.dumps(fitted, ensure_ascii=False))
    if write:
        path.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
        print(f"written to {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--ranking-only", action="store_true",
                        help="keep the line model as it is and fit the ranking on it")
    parser.add_argument("--only", nargs="+", choices=RANK_FEATURES, metavar="FEATURE",
                        help="fit these ranking weights alone, holding the shipped others")
    args = parser.parse_args()
    if args.only and not args.ranking_only:
        parser.error("--only fits ranking weights: give --ranking-only too")
    tutor = Tutor.open(load_settings())
    tutor.load_dense_in_background().join()
    sets = sorted(Path(f).stem for f in args.files)
    if not args.ranking_only:
        by_set = {Path(f).stem: examples(tutor, Path(f)) for f in args.files}
        save(leave_one_set_out(by_set, "best line right"), FEATURES, sets, MODEL_FILE,
             args.write)
        load_weights.cache_clear()
    by_set = {Path(f).stem: ranking_examples(tutor, Path(f)) for f in args.files}
    fitter = fit
    if args.only:
        held = load_ranking()[1]
        free = [RANK_FEATURES.index(name) for name in args.only]
        fitter = lambda groups: HeldFit(groups, held, free)  # noqa: E731
    save(leave_one_set_out(by_set, "R@1", fitter), RANK_FEATURES, sets, RANKING_FILE,
         args.write)
    load_ranking.cache_clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
