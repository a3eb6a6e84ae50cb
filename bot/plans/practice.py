"""A few quiz-bank questions for each plan week, a different few every week of a block.

A long block (13 weeks of Kaggle, 52 of Year 3) repeats its tasks; the questions are one of
the parts that change, so a member who reads the reminder finds something new. They come
from the block's `practice` topics in plans.yaml, mixed round-robin so a week draws on
several topics, and advance by `per_week` each week of the block. Only the question text is
shown; the member answers with /practice, which schedules what they miss for review.

The picker knows nothing of the quiz package: `from_bank` reads any object whose
`questions` values have `id`, `topic` and `question` (with `ja`, `en`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest

from bot.plans.library import PlanWeek, Text

PER_WEEK = 2


@dataclass(frozen=True)
class PracticeQuestion:
    question_id: str
    topic: str
    text: Text


PracticeSource = Callable[[PlanWeek], Sequence[PracticeQuestion]]


class PracticePicker:
    def __init__(self, questions: Iterable[PracticeQuestion], per_week: int = PER_WEEK) -> None:
        self.questions = tuple(questions)
        self.per_week = per_week
        self._pools: dict[tuple[str, ...], tuple[PracticeQuestion, ...]] = {}

    @classmethod
    def from_bank(cls, bank, per_week: int = PER_WEEK) -> PracticePicker:
        return cls((PracticeQuestion(q.id, q.topic, Text(q.question.ja, q.question.en))
                    for q in bank.questions.values()), per_week)

    @property
    def topics(self) -> set[str]:
        return {q.topic for q in self.questions}

    def pool(self, topics: tuple[str, ...]) -> tuple[PracticeQuestion, ...]:
        """The block's questions, one topic after another in turn (bank order within a
        topic), so consecutive weeks mix topics rather than exhaust one first."""
        if topics not in self._pools:
            by_topic = [[q for q in self.questions if q.topic == topic] for topic in topics]
            mixed = [q for row in zip_longest(*by_topic) for q in row if q is not None]
            self._pools[topics] = tuple(mixed)
        return self._pools[topics]

    def for_week(self, week: PlanWeek) -> tuple[PracticeQuestion, ...]:
        pool = self.pool(week.practice_topics)
        if len(pool) <= self.per_week:
            return pool
        start = week.block_offset * self.per_week
        return tuple(pool[(start + i) % len(pool)] for i in range(self.per_week))
