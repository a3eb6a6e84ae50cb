"""Fit the abstention model on question files and print weights for calibration.py.

    python benchmarks/calibrate.py tests/data/retrieval_dev.yaml tests/data/retrieval_extra.yaml

Features per question: coverage of its content words by the top passage, the share the
index knows, log(1 + BM25 top score), the weight of the most specific word the top
passage lacks, and (hybrid only) the top dense cosine. A logistic regression is fitted for
the lexical-only and the hybrid mode; the threshold printed is the highest that keeps
in-scope abstention at or under the target.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from bot.retrieval.answer import gather_evidence
from bot.retrieval.evaluate import load_eval_items
from bot.tutor import Tutor


def features(tutor: Tutor, question: str, use_dense: bool) -> list[float]:
    result = tutor.retriever.search(question, k=5, use_dense=use_dense)
    evidence = gather_evidence(tutor.retriever, result)
    row = [evidence.coverage, evidence.known, math.log1p(evidence.lexical_top),
           evidence.missing, evidence.asked_missing]
    if use_dense:
        row.append(evidence.dense_top or 0.0)
    return row


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 20000) -> np.ndarray:
    """Logistic regression on standardised features; weights returned on the raw scale.
    Out-of-scope questions are weighted up to balance the classes."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    sample = np.where(y == 1, 1.0, (y == 1).sum() / max((y == 0).sum(), 1))
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (sample * (p - y)) / sample.sum() + l2 * np.r_[0, w[1:]]
        w -= 1.0 * grad
    raw = w[1:] / std
    return np.r_[w[0] - (raw * mean).sum(), raw]


def choose_threshold(p_in: np.ndarray, p_out: np.ndarray, max_in_abstain: float) -> float:
    """The threshold that abstains on the most out-of-scope questions within the budget."""
    candidates = sorted(set(np.round(np.r_[p_in, p_out], 4)))
    best = 0.0
    for t in candidates:
        if np.mean(p_in < t) <= max_in_abstain:
            best = t
    return float(best)


def report_held_out(tutor, items, use_dense: bool, w: np.ndarray, threshold: float) -> None:
    x = np.array([features(tutor, i.question, use_dense) for i in items])
    p = 1 / (1 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))
    y = np.array([i.in_scope for i in items])
    print(f"  held out: in-scope abstain {np.mean(p[y] < threshold):.3f} "
          f"out-of-scope abstain {np.mean(p[~y] < threshold):.3f}")
    print(f"  held out: lowest in-scope {np.round(np.sort(p[y])[:6], 3).tolist()}, "
          f"highest out-of-scope {np.round(np.sort(p[~y])[-4:], 3).tolist()}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--max-in-abstain", type=float, default=0.0)
    parser.add_argument("--margin", type=float, default=1.0,
                        help="threshold = margin x the fitted one: below 1 leans to answering, "
                             "as questions worded unlike any tuning question score lower")
    parser.add_argument("--check", action="append", default=[],
                        help="a held-out file: measured with the fitted model, never fitted on")
    args = parser.parse_args()
    tutor = Tutor.open(load_settings())
    tutor.load_dense_in_background().join()
    items = [i for f in args.files for i in load_eval_items(Path(f))]
    y = np.array([1.0 if i.in_scope else 0.0 for i in items])
    held_out = [i for f in args.check for i in load_eval_items(Path(f))]
    for mode, use_dense in (("lexical", False), ("hybrid", True)):
        x = np.array([features(tutor, i.question, use_dense) for i in items])
        w = fit(x, y)
        p = 1 / (1 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))
        threshold = args.margin * choose_threshold(p[y == 1], p[y == 0], args.max_in_abstain)
        in_rate = float(np.mean(p[y == 1] < threshold))
        out_rate = float(np.mean(p[y == 0] < threshold))
        print(f"{mode}: weights {np.round(w, 3).tolist()} threshold {threshold:.4f} "
              f"in-scope abstain {in_rate:.3f} out-of-scope abstain {out_rate:.3f}")
        missed = [i.question for i, pi in zip(items, p, strict=True)
                  if not i.in_scope and pi >= threshold]
        print(f"  out-of-scope answered: {missed}")
        if held_out:
            report_held_out(tutor, held_out, use_dense, w, threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
