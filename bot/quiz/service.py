"""One object that wires the quiz parts together, for the Discord layer and the console."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock
from bot.knowledge.base import KnowledgeBase
from bot.quiz.bank import QuestionBank, load_bank
from bot.quiz.exercises import ExerciseDesk
from bot.quiz.practice import Practice
from bot.quiz.session import QuizEngine
from bot.quiz.srs import SpacedRepetition
from bot.quiz.stats import QuizStats
from bot.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class QuizService:
    bank: QuestionBank
    engine: QuizEngine
    srs: SpacedRepetition
    practice: Practice
    exercises: ExerciseDesk
    stats: QuizStats
    clock: Clock

    @classmethod
    def create(cls, db: Database, knowledge: KnowledgeBase, clock: Clock,
               quiz_dir: Path | None = None, rng: random.Random | None = None) -> QuizService:
        """Load the bank (knowledge/quiz by default; errors are logged, not raised)."""
        bank = load_bank(quiz_dir or knowledge.directory / "quiz", knowledge)
        return cls.from_bank(db, bank, clock, rng)

    @classmethod
    def from_bank(cls, db: Database, bank: QuestionBank, clock: Clock,
                  rng: random.Random | None = None) -> QuizService:
        srs = SpacedRepetition(db)
        return cls(
            bank=bank,
            engine=QuizEngine(db, bank, clock, srs, rng),
            srs=srs,
            practice=Practice(bank, srs, clock, rng),
            exercises=ExerciseDesk(db, bank, clock),
            stats=QuizStats(db),
            clock=clock,
        )

    async def reviews_due(self, member_id: int) -> int:
        """How many reviews the member has due now: the weekly reminder's "5 reviews due"
        (bot/plans takes this as its `reviews_due` callable)."""
        return (await self.srs.review_summary(member_id, self.clock.now())).due_now
