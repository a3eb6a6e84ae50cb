"""Fit the topicality classifier and gate (bot/retrieval/topicality.py), validated
leave-one-set-out.

    python benchmarks/fit_topicality.py tests/data/retrieval_*.yaml \
        tests/data/diagnosis/*.yaml [--write]

Examples: the questions of labelled files, as the bot cleans them. The classifier (TF-IDF
character n-grams, logistic regression) is fitted on the questions the chapter answers
against the unrelated ones (`type: unrelated`); near misses are about the chapter's
subject, so they are left out. The gate is a logistic regression over the abstention
features and the classifier's logit on the same two classes; the logits it is fitted on
are leave-one-set-out, so it weighs the classifier as it does on questions it never saw.

Printed: the classifier's leave-one-set-out AUC, and what the gate does at its threshold
with the questions the abstention model doubts (confidence under its threshold), each
judged by models fitted without its own file. --write saves the fit on all files to
bot/retrieval/models/topicality.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from bot.config import load_settings
from bot.retrieval.answer import (
    AnswerBuilder,
    Evidence,
    clean_question,
    foreign_names,
    gate_row,
    validate_question,
)
from bot.retrieval.calibration import calibration_for
from bot.retrieval.evaluate import load_eval_items
from bot.retrieval.topicality import GATE_FEATURES, MODEL_FILE
from bot.tutor import Tutor

NGRAM_RANGE = (2, 4)
MIN_DF = 2  # an n-gram of one question alone says nothing about the subject
CLASSIFIER_C = 4.0
GATE_C = 1.0
THRESHOLD = 0.5  # the middle of the plateau where LOSO declines every unrelated question
SWEEP = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LABELS = ("in", "near-miss", "out", "unrelated")


@dataclass
class Question:
    file: str
    label: str  # in | unrelated | near-miss | out (out of scope, no type)
    text: str
    doubted: bool  # the abstention model's confidence is under its threshold
    evidence: tuple[Evidence, ...]  # as asked, then with names set aside (Judgement)
    topic: float = 0.0  # the classifier's leave-one-set-out logit


def questions(tutor: Tutor, path: Path) -> list[Question]:
    found = []
    for item in load_eval_items(path):
        if validate_question(item.question, item.language) is not None:
            continue  # small talk and empty input never reach the abstention model
        result = tutor.retriever.search(clean_question(item.question), k=5,
                                        use_dense=tutor.dense_ready)
        if not result.hits:
            continue
        calibration = calibration_for(result.mode, tutor.settings)
        builder = AnswerBuilder(tutor.knowledge, tutor.retriever, calibration,
                                tutor.name_forms)
        judgement = builder.judge(result, foreign_names(tutor.retriever, result))
        label = "in" if item.in_scope else (item.kind or "out")
        found.append(Question(path.stem, label, result.query,
                              judgement.confidence < calibration.threshold,
                              judgement.evidence))
    return found


def trained(qs: list[Question]) -> list[Question]:
    return [q for q in qs if q.label in ("in", "unrelated")]


def fit_classifier(qs: list[Question]) -> tuple[TfidfVectorizer, LogisticRegression]:
    examples = trained(qs)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE,
                                 sublinear_tf=True, min_df=MIN_DF)
    x = vectorizer.fit_transform([q.text for q in examples])
    y = [q.label == "in" for q in examples]
    model = LogisticRegression(C=CLASSIFIER_C, class_weight="balanced", max_iter=5000)
    return vectorizer, model.fit(x, y)


def fit_gate(qs: list[Question]) -> LogisticRegression:
    examples = trained(qs)
    x = np.array([gate_row(q.evidence[0], q.topic) for q in examples])
    y = [q.label == "in" for q in examples]
    return LogisticRegression(C=GATE_C, class_weight="balanced", max_iter=5000).fit(x, y)


def gate_probability(gate: LogisticRegression, q: Question) -> float:
    rows = np.array([gate_row(evidence, q.topic) for evidence in q.evidence])
    return float(gate.predict_proba(rows)[:, 1].max())


def leave_one_set_out(qs: list[Question]) -> dict[int, float]:
    """Each question's topic logit and gate probability from models fitted without its
    file; the gate's own training logits are leave-one-set-out as well."""
    files = sorted({q.file for q in qs})
    for name in files:
        vectorizer, model = fit_classifier([q for q in qs if q.file != name])
        held = [q for q in qs if q.file == name]
        for q, logit in zip(held, model.decision_function(
                vectorizer.transform([q.text for q in held])), strict=True):
            q.topic = float(logit)
    probabilities = {}
    for name in files:
        gate = fit_gate([q for q in qs if q.file != name])
        probabilities.update({id(q): gate_probability(gate, q) for q in qs if q.file == name})
    return probabilities


def report(qs: list[Question], probabilities: dict[int, float], threshold: float) -> dict:
    examples = trained(qs)
    auc = roc_auc_score([q.label == "in" for q in examples], [q.topic for q in examples])
    passed: Counter[str] = Counter()
    doubted: Counter[str] = Counter()
    for q in qs:
        if q.doubted:
            doubted[q.label] += 1
            passed[q.label] += probabilities[id(q)] >= threshold
    print(f"classifier AUC, in scope against unrelated (leave-one-set-out): {auc:.4f}")
    print("doubted questions answered with a hedge, by gate threshold:")
    for t in SWEEP:
        counts = Counter(q.label for q in qs if q.doubted and probabilities[id(q)] >= t)
        print(f"  {t:.2f}: " + ", ".join(f"{label} {counts[label]}" for label in LABELS))
    print(f"doubted questions answered with a hedge at {threshold} (rest declined):")
    for label in LABELS:
        print(f"  {label:>10}: {passed[label]} of {doubted[label]}")
    return {"classifier_auc": round(auc, 4), "doubted": dict(doubted),
            "hedged": dict(passed)}


def model_json(qs: list[Question], threshold: float, figures: dict) -> dict:
    vectorizer, model = fit_classifier(qs)
    gate = fit_gate(qs)  # on the leave-one-set-out logits: as it will meet new questions
    coef = model.coef_[0]
    ngrams = {g: [round(float(vectorizer.idf_[i]), 5), round(float(coef[i]), 5)]
              for g, i in sorted(vectorizer.vocabulary_.items())}
    return {
        "classifier": {"ngram_range": list(NGRAM_RANGE), "bias": round(float(
            model.intercept_[0]), 5), "ngrams": ngrams},
        "gate": {"bias": round(float(gate.intercept_[0]), 4),
                 "weights": {n: round(float(w), 4)
                             for n, w in zip(GATE_FEATURES, gate.coef_[0], strict=True)},
                 "threshold": threshold},
        "leave_one_set_out": figures,
        "fitted_on": sorted({q.file for q in qs}),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    tutor = Tutor.open(load_settings())
    tutor.load_dense_in_background().join()
    qs = [q for path in args.files for q in questions(tutor, path)]
    figures = report(qs, leave_one_set_out(qs), args.threshold)
    if args.write:
        MODEL_FILE.write_text(json.dumps(model_json(qs, args.threshold, figures),
                                         ensure_ascii=False, indent=0) + "\n",
                              encoding="utf-8")
        print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
