"""Feedback on the chapter's open-ended exercises: a checklist, never a fake grade.

A member's free-text answer is compared with each key point of the exercise's model answer:

* lexically: the answer contains at least `min_hits` of the key point's cues (Japanese
  cues as substrings after NFKC/case/kana folding; English cues as whole words, with
  plural and -ed/-ing endings allowed), and
* optionally semantically: when the Discord layer passes `similarity(a, b) -> float`
  (e.g. cosine similarity of sentence embeddings), a key point not found lexically counts
  as covered if some sentence of the answer is at least `threshold` similar to the key
  point's label or its source line in the model answer.

The result lists what was covered (and how), what was missed, and then the chapter's
model answer. No score is invented: a checklist says what to add, a number would not.
Every submission is stored per member (`history`), and hints are revealed one at a time.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.knowledge.lang import detect_language
from bot.quiz.bank import QuestionBank
from bot.quiz.matching import fold
from bot.quiz.models import Exercise, KeyPoint
from bot.quiz.times import from_text, to_text
from bot.storage.db import Database

log = logging.getLogger(__name__)

Similarity = Callable[[str, str], float]
DEFAULT_SEMANTIC_THRESHOLD = 0.6
MAX_ANSWER_CHARS = 4000
_SENTENCE_RE = re.compile(r"[^。．.!?！？\n]+")


@dataclass(frozen=True)
class PointResult:
    key_point: KeyPoint
    covered: bool
    method: str | None  # "lexical", "semantic" or None when missed
    cues_found: tuple[str, ...]
    similarity: float | None = None  # best semantic similarity, when one was computed


@dataclass(frozen=True)
class ExerciseFeedback:
    exercise: Exercise
    answer: str
    language: str
    points: tuple[PointResult, ...]

    @property
    def covered(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if p.covered)

    @property
    def missed(self) -> tuple[PointResult, ...]:
        return tuple(p for p in self.points if not p.covered)

    @property
    def model_answer(self) -> str:
        return self.exercise.model_answer

    def model_answer_in(self, language: str) -> str:
        """The model answer for a reader of `language`: our English text for English
        readers, the chapter's own Japanese otherwise."""
        return self.exercise.model_answer_in(language)


@dataclass(frozen=True)
class ExerciseAttempt:
    number: int
    answer: str
    covered: tuple[str, ...]  # key-point ids
    missed: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class Hint:
    number: int  # exercise number
    index: int  # 1-based
    total: int
    text: str


def assess(exercise: Exercise, answer: str, similarity: Similarity | None = None,
           threshold: float = DEFAULT_SEMANTIC_THRESHOLD) -> ExerciseFeedback:
    """The key-point checklist for one answer (pure: no storage)."""
    answer = answer[:MAX_ANSWER_CHARS]
    folded = fold(answer)
    sentences = [s.strip() for s in _SENTENCE_RE.findall(answer) if len(s.strip()) >= 4]
    results = []
    for point in exercise.key_points:
        found = tuple(dict.fromkeys(cue for cue in point.cues if _cue_in(fold(cue), folded)))
        if len({fold(c) for c in found}) >= point.min_hits:
            results.append(PointResult(point, True, "lexical", found))
            continue
        score = _semantic(point, sentences, similarity) if similarity and sentences else None
        if score is not None and score >= threshold:
            results.append(PointResult(point, True, "semantic", found, score))
        else:
            results.append(PointResult(point, False, None, found, score))
    return ExerciseFeedback(exercise, answer, detect_language(answer, "ja"), tuple(results))


def _cue_in(cue: str, text: str) -> bool:
    if not cue:
        return False
    if cue.isascii():
        # Whole words for Latin cues: "model" must not be found inside "remodel".
        body = r"[\s\-]*".join(map(re.escape, cue.split()))
        head = r"(?<![a-z0-9])" if cue[0].isalnum() else ""
        tail = r"(?:s|es|ed|ing)?(?![a-z0-9])" if cue[-1].isalnum() else ""
        return re.search(head + body + tail, text) is not None
    return cue in text


def _semantic(point: KeyPoint, sentences: list[str], similarity: Similarity) -> float | None:
    targets = (point.label.ja, point.label.en, point.source)
    try:
        return max(similarity(s, t) for s in sentences for t in targets)
    except Exception:  # a failing embedder must not cost the member their lexical feedback
        log.exception("semantic similarity failed for key point %s", point.id)
        return None


def render_feedback(feedback: ExerciseFeedback, language: str = "ja",
                    include_model_answer: bool = True) -> str:
    """Plain text (Markdown-friendly) checklist, then the chapter's model answer."""
    ja = language == "ja"
    lines = [("問題{n}:キーポイントのチェック" if ja else "Exercise {n}: key-point checklist")
             .format(n=feedback.exercise.number)]
    for result in feedback.points:
        mark = "✅" if result.covered else "⬜"
        how = ""
        if result.method == "semantic":
            how = "(意味的に一致)" if ja else " (matched by meaning)"
        elif result.cues_found and result.covered:
            how = ("(" if ja else " (") + ", ".join(result.cues_found[:3]) + ")"
        lines.append(f"{mark} {result.key_point.label.get(language)}{how}")
    if feedback.missed:
        lines.append("")
        lines.append("次の観点を加えてみましょう:" if ja else "Consider adding:")
        lines += [f"- {r.key_point.label.get(language)}" for r in feedback.missed]
    if include_model_answer:
        heading = "解答例(本文より):" if ja else "Model answer (the chapter's 解答例, in English):"
        lines += ["", heading, feedback.model_answer_in(language)]
    return "\n".join(lines)


class ExerciseDesk:
    """Exercises per member: hints one at a time, submissions with feedback, history."""

    def __init__(self, db: Database, bank: QuestionBank, clock: Clock) -> None:
        self.db = db
        self.bank = bank
        self.clock = clock

    def exercise(self, number: int) -> Exercise:
        if number not in self.bank.exercises:
            raise KeyError(f"no exercise {number}; there are {sorted(self.bank.exercises)}")
        return self.bank.exercises[number]

    async def submit(self, member_id: int, number: int, answer: str,
                     similarity: Similarity | None = None,
                     threshold: float = DEFAULT_SEMANTIC_THRESHOLD) -> ExerciseFeedback:
        if not answer.strip():  # callers refuse it politely first; never store a blank
            raise ValueError("an empty answer is not stored")
        exercise = self.exercise(number)
        feedback = assess(exercise, answer, similarity, threshold)
        await self.db.execute(
            "INSERT INTO exercise_answers (member_id, exercise_id, number, answer, language, "
            "covered, missed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (member_id, exercise.id, number, feedback.answer, feedback.language,
             json.dumps([p.key_point.id for p in feedback.covered]),
             json.dumps([p.key_point.id for p in feedback.missed]),
             to_text(self.clock.now())))
        log.info("exercise %d answered: %d/%d key points", number, len(feedback.covered),
                 len(feedback.points))
        return feedback

    async def history(self, member_id: int, number: int | None = None) -> list[ExerciseAttempt]:
        """The member's submissions, oldest first (one exercise, or all)."""
        sql = ("SELECT number, answer, covered, missed, created_at FROM exercise_answers "
               "WHERE member_id = ?")
        params: tuple = (member_id,)
        if number is not None:
            sql += " AND number = ?"
            params += (number,)
        rows = await self.db.fetchall(sql + " ORDER BY created_at, id", params)
        return [ExerciseAttempt(r["number"], r["answer"], tuple(json.loads(r["covered"])),
                                tuple(json.loads(r["missed"])), from_text(r["created_at"]))
                for r in rows]

    async def next_hint(self, member_id: int, number: int, language: str = "ja") -> Hint | None:
        """The member's next unseen hint in `language`, or None when all have been shown.
        The count is per member, not per language: a hint seen in English is seen."""
        exercise = self.exercise(number)
        row = await self.db.fetchone(
            "SELECT revealed FROM exercise_hints WHERE member_id = ? AND number = ?",
            (member_id, number))
        seen = row["revealed"] if row is not None else 0
        if seen >= len(exercise.hints):
            return None
        await self.db.execute(
            "INSERT INTO exercise_hints (member_id, number, revealed, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (member_id, number) DO UPDATE SET "
            "revealed = excluded.revealed, updated_at = excluded.updated_at",
            (member_id, number, seen + 1, to_text(self.clock.now())))
        return Hint(number, seen + 1, len(exercise.hints), exercise.hints_in(language)[seen])

    async def hints_seen(self, member_id: int, number: int, language: str = "ja") -> list[str]:
        exercise = self.exercise(number)
        row = await self.db.fetchone(
            "SELECT revealed FROM exercise_hints WHERE member_id = ? AND number = ?",
            (member_id, number))
        return list(exercise.hints_in(language)[: row["revealed"] if row is not None else 0])

    async def reset_hints(self, member_id: int, number: int) -> None:
        await self.db.execute("DELETE FROM exercise_hints WHERE member_id = ? AND number = ?",
                              (member_id, number))
