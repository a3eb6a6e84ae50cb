"""Personal practice (/practice, /review): due reviews first, then questions never seen.

A practice round is typed (works in DMs and in the terminal). Each answer is checked with
the same matcher as channel quizzes and recorded as an SM-2 review: quality 4 when right,
1 when wrong (or any 0-5 the caller passes, e.g. from a "how sure were you?" button).

Multiple-choice options are shown in an order of their own at each attempt, as in channel
quizzes (`bot.quiz.session.shuffled`): every planned item draws a seed, and the caller
keeps it with what it shows (the Discord buttons carry it in their custom ids), so an
answer given later, after a restart too, is read against the order that was shown.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.quiz.bank import QuestionBank
from bot.quiz.citations import Quote
from bot.quiz.matching import Match, check_answer
from bot.quiz.models import Question, Text
from bot.quiz.session import shuffled
from bot.quiz.srs import ReviewSummary, SpacedRepetition, SrsItem

log = logging.getLogger(__name__)

QUALITY_CORRECT = 4
QUALITY_WRONG = 1


@dataclass(frozen=True)
class PracticeItem:
    question: Question  # as shown: mc options in this attempt's order
    reason: str  # "due" (a review) or "new"
    due_at: datetime | None = None
    shuffle_seed: int | None = None  # this attempt's mc order (None: the bank's order)


@dataclass(frozen=True)
class PracticeResult:
    question: Question  # as shown: `answer` names the right option by its shown letter
    match: Match
    quality: int
    item: SrsItem  # the SM-2 state after this review (next due date included)
    answer: Text
    explanation: Text
    quote: Quote | None

    @property
    def correct(self) -> bool:
        return self.match.correct


@dataclass
class PracticeRun:
    """One member's sitting: the planned items and how far they got."""

    member_id: int
    items: list[PracticeItem]
    position: int = 0
    results: list[PracticeResult] = field(default_factory=list)

    @property
    def current(self) -> PracticeItem | None:
        return self.items[self.position] if self.position < len(self.items) else None

    @property
    def done(self) -> bool:
        return self.position >= len(self.items)

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.results)


class Practice:
    def __init__(self, bank: QuestionBank, srs: SpacedRepetition, clock: Clock,
                 rng: random.Random | None = None) -> None:
        self.bank = bank
        self.srs = srs
        self.clock = clock
        self.rng = rng or random.Random()

    async def plan(self, member_id: int, count: int = 10, topic: str | None = None,
                   now: datetime | None = None) -> list[PracticeItem]:
        """Up to `count` items: every due review first (most overdue first), then new ones."""
        now = now or self.clock.now()
        items: list[PracticeItem] = []
        for due in await self.srs.due_items(member_id, now):
            question = self.bank.questions.get(due.question_id)
            if question is not None and (topic is None or question.topic == topic):
                items.append(self._item(question, "due", due.due_at))
            if len(items) >= count:
                return items
        known = await self.srs.known_question_ids(member_id)
        fresh = [q for q in self.bank.select(topic) if q.id not in known]
        self.rng.shuffle(fresh)
        items += [self._item(q, "new") for q in fresh[: count - len(items)]]
        return items

    def _item(self, question: Question, reason: str,
              due_at: datetime | None = None) -> PracticeItem:
        """An item to ask, with a fresh option order if it is multiple choice."""
        seed = self.rng.getrandbits(32) if question.kind == "mc" else None
        return PracticeItem(shuffled(question, seed), reason, due_at, seed)

    def shown(self, question_id: str, shuffle_seed: int | None = None) -> Question:
        """The bank's question as an item with `shuffle_seed` showed it."""
        return shuffled(self.bank.get(question_id), shuffle_seed)

    async def start(self, member_id: int, count: int = 10, topic: str | None = None) -> PracticeRun:
        return PracticeRun(member_id, await self.plan(member_id, count, topic))

    async def answer(self, member_id: int, question_id: str, response: str,
                     quality: int | None = None, now: datetime | None = None,
                     shuffle_seed: int | None = None) -> PracticeResult:
        """Check a typed answer and record it as a review. A letter is read against the
        order the item was shown in: pass the item's `shuffle_seed`."""
        now = now or self.clock.now()
        question = self.shown(question_id, shuffle_seed)
        match = check_answer(question, response)
        if quality is None:
            quality = QUALITY_CORRECT if match.correct else QUALITY_WRONG
        item = await self.srs.record_review(member_id, question_id, quality, now)
        return PracticeResult(question, match, quality, item, question.answer_display(),
                              question.explanation, self.bank.quote(question_id))

    async def answer_current(self, run: PracticeRun, response: str,
                             quality: int | None = None) -> PracticeResult:
        current = run.current
        if current is None:
            raise ValueError("this practice run is finished")
        result = await self.answer(run.member_id, current.question.id, response, quality,
                                   shuffle_seed=current.shuffle_seed)
        run.results.append(result)
        run.position += 1
        return result

    async def summary(self, member_id: int, now: datetime | None = None) -> ReviewSummary:
        """How many reviews are due now and when the next ones come (for /review, reminders)."""
        return await self.srs.review_summary(member_id, now or self.clock.now())


async def review_summary(srs: SpacedRepetition, member_id: int, now: datetime) -> ReviewSummary:
    """Module-level shortcut: the member's due count and next due time."""
    return await srs.review_summary(member_id, now)
