"""Spaced repetition (SM-2) per member per fact question, across days.

The SM-2 rule, with quality q from 0 (blank) to 5 (perfect):

* q >= 3 (remembered): repetitions += 1; the interval becomes 1 day, then 6 days, then
  round(previous interval × EF) days; EF += 0.1 - (5 - q) × (0.08 + (5 - q) × 0.02),
  never below 1.3.
* q < 3 (forgotten): repetitions restart at 0, the item is due again in 1 day, EF is kept
  (as in Wozniak's original description) and the lapse is counted.

A question a member misses in a channel quiz is put in their queue due at once (or pulled
forward if it was already there), so /practice serves it first and the weekly reminder can
say "5 reviews due".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.quiz.times import from_text, to_text
from bot.storage.db import Database

log = logging.getLogger(__name__)

INITIAL_EASINESS = 2.5
MIN_EASINESS = 1.3
PASSING_QUALITY = 3


@dataclass(frozen=True)
class SrsItem:
    member_id: int
    question_id: str
    easiness: float
    repetitions: int
    interval_days: float
    due_at: datetime
    last_reviewed_at: datetime | None
    lapses: int
    origin: str  # "missed" (from a channel quiz) or "practice"

    def is_due(self, now: datetime) -> bool:
        return self.due_at <= now


@dataclass(frozen=True)
class ReviewSummary:
    due_now: int
    next_due_at: datetime | None  # the earliest item not yet due, if any
    due_within_week: int  # due now or in the next 7 days
    total: int  # items in the member's queue


def sm2(item: SrsItem, quality: int, now: datetime) -> SrsItem:
    """The item after one review of the given quality (pure: no I/O)."""
    if not 0 <= quality <= 5:
        raise ValueError(f"quality must be 0-5, not {quality}")
    if quality < PASSING_QUALITY:
        return replace(item, repetitions=0, interval_days=1.0, due_at=now + timedelta(days=1),
                       last_reviewed_at=now, lapses=item.lapses + 1)
    miss = 5 - quality
    easiness = max(MIN_EASINESS, item.easiness + 0.1 - miss * (0.08 + miss * 0.02))
    repetitions = item.repetitions + 1
    if repetitions == 1:
        interval = 1.0
    elif repetitions == 2:
        interval = 6.0
    else:
        interval = float(round(item.interval_days * easiness))
    return replace(item, easiness=round(easiness, 4), repetitions=repetitions,
                   interval_days=interval, due_at=now + timedelta(days=interval),
                   last_reviewed_at=now)


def new_item(member_id: int, question_id: str, now: datetime, origin: str) -> SrsItem:
    return SrsItem(member_id, question_id, INITIAL_EASINESS, 0, 0.0, now, None, 0, origin)


class SpacedRepetition:
    """The SM-2 queues of all members, in SQLite."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, member_id: int, question_id: str) -> SrsItem | None:
        row = await self.db.fetchone(
            "SELECT * FROM srs_items WHERE member_id = ? AND question_id = ?",
            (member_id, question_id))
        return _item(row) if row is not None else None

    async def due_items(self, member_id: int, now: datetime,
                        limit: int | None = None) -> list[SrsItem]:
        """Items due at `now`, most overdue first."""
        sql = ("SELECT * FROM srs_items WHERE member_id = ? AND due_at <= ? "
               "ORDER BY due_at, question_id")
        params: tuple = (member_id, to_text(now))
        if limit is not None:  # no LIMIT -1 for "all": PostgreSQL refuses it
            sql, params = sql + " LIMIT ?", (*params, limit)
        rows = await self.db.fetchall(sql, params)
        return [_item(r) for r in rows]

    async def known_question_ids(self, member_id: int) -> set[str]:
        rows = await self.db.fetchall("SELECT question_id FROM srs_items WHERE member_id = ?",
                                      (member_id,))
        return {r["question_id"] for r in rows}

    async def record_review(self, member_id: int, question_id: str, quality: int,
                            now: datetime) -> SrsItem:
        """Apply one review; a question never seen before starts a new item."""
        item = await self.get(member_id, question_id)
        if item is None:
            item = new_item(member_id, question_id, now, "practice")
        item = sm2(item, quality, now)
        await self._save(item, now)
        await self.db.execute(
            "INSERT INTO srs_reviews (member_id, question_id, quality, reviewed_at, "
            "interval_days, easiness) VALUES (?, ?, ?, ?, ?, ?)",
            (member_id, question_id, quality, to_text(now), item.interval_days, item.easiness))
        log.debug("review member=%s question=%s q=%d -> due %s", member_id, question_id, quality,
                  item.due_at)
        return item

    async def enqueue_missed(self, member_id: int, question_id: str, now: datetime) -> SrsItem:
        """A question the member got wrong in a channel quiz: due now, learnt afresh."""
        item = await self.get(member_id, question_id)
        if item is None:
            item = new_item(member_id, question_id, now, "missed")
        elif item.due_at > now or item.repetitions:
            item = replace(item, repetitions=0, interval_days=0.0, due_at=min(item.due_at, now),
                           lapses=item.lapses + 1)
        await self._save(item, now)
        return item

    async def review_summary(self, member_id: int, now: datetime) -> ReviewSummary:
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS total, "
            "CAST(SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END) AS BIGINT) AS due_now, "
            "CAST(SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END) AS BIGINT) AS due_week, "
            "MIN(CASE WHEN due_at > ? THEN due_at END) AS next_due "
            "FROM srs_items WHERE member_id = ?",
            (to_text(now), to_text(now + timedelta(days=7)), to_text(now), member_id))
        assert row is not None
        return ReviewSummary(
            due_now=row["due_now"] or 0,
            next_due_at=from_text(row["next_due"]) if row["next_due"] else None,
            due_within_week=row["due_week"] or 0,
            total=row["total"] or 0,
        )

    async def due_counts(self, now: datetime) -> dict[int, int]:
        """Members with reviews due at `now` and how many: the weekly reminder's input."""
        rows = await self.db.fetchall(
            "SELECT member_id, COUNT(*) AS n FROM srs_items WHERE due_at <= ? "
            "GROUP BY member_id ORDER BY member_id", (to_text(now),))
        return {r["member_id"]: r["n"] for r in rows}

    async def _save(self, item: SrsItem, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO srs_items (member_id, question_id, easiness, repetitions, interval_days, "
            "due_at, last_reviewed_at, lapses, origin, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (member_id, question_id) DO UPDATE SET easiness = excluded.easiness, "
            "repetitions = excluded.repetitions, interval_days = excluded.interval_days, "
            "due_at = excluded.due_at, last_reviewed_at = excluded.last_reviewed_at, "
            "lapses = excluded.lapses",
            (item.member_id, item.question_id, item.easiness, item.repetitions,
             item.interval_days, to_text(item.due_at),
             to_text(item.last_reviewed_at) if item.last_reviewed_at else None, item.lapses,
             item.origin, to_text(now)))


def _item(row) -> SrsItem:
    return SrsItem(
        member_id=row["member_id"],
        question_id=row["question_id"],
        easiness=row["easiness"],
        repetitions=row["repetitions"],
        interval_days=row["interval_days"],
        due_at=from_text(row["due_at"]),
        last_reviewed_at=from_text(row["last_reviewed_at"]) if row["last_reviewed_at"] else None,
        lapses=row["lapses"],
        origin=row["origin"],
    )
