"""SM-2 with an injected clock: intervals, easiness, lapses, and the review summary."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.quiz.srs import MIN_EASINESS, SpacedRepetition, new_item, sm2

DAY = timedelta(days=1)


def test_sm2_pure_intervals_for_perfect_recall(clock: FakeClock):
    item = new_item(1, "q", clock.now(), "practice")
    intervals, easiness = [], []
    for _ in range(5):
        item = sm2(item, 5, clock.now())
        intervals.append(item.interval_days)
        easiness.append(item.easiness)
    # 1, 6, then previous × EF (EF grows by 0.1 per perfect answer: 2.6, 2.7, 2.8, 2.9, 3.0)
    assert easiness == pytest.approx([2.6, 2.7, 2.8, 2.9, 3.0])
    assert intervals == [1, 6, round(6 * 2.8), round(round(6 * 2.8) * 2.9),
                         round(round(round(6 * 2.8) * 2.9) * 3.0)]
    assert intervals == [1, 6, 17, 49, 147]


def test_sm2_quality_changes_easiness_and_failure_resets():
    from datetime import UTC, datetime

    now = datetime(2026, 1, 5, tzinfo=UTC)
    item = new_item(1, "q", now, "practice")
    assert sm2(item, 4, now).easiness == pytest.approx(2.5)     # q=4 keeps EF
    assert sm2(item, 3, now).easiness == pytest.approx(2.36)    # q=3 lowers it
    low = item
    for _ in range(10):
        low = sm2(low, 3, now)
    assert low.easiness == MIN_EASINESS                          # floor at 1.3
    learnt = sm2(sm2(sm2(item, 5, now), 5, now), 5, now)
    failed = sm2(learnt, 2, now)
    assert (failed.repetitions, failed.interval_days, failed.lapses) == (0, 1.0, 1)
    assert failed.easiness == learnt.easiness                    # kept on failure
    assert failed.due_at == now + DAY
    with pytest.raises(ValueError):
        sm2(item, 6, now)


async def test_reviews_follow_the_clock(db, clock: FakeClock):
    srs = SpacedRepetition(db)
    member = 111
    item = await srs.record_review(member, "netflix-founded", 5, clock.now())
    assert item.due_at == clock.now() + DAY
    assert await srs.due_items(member, clock.now()) == []
    clock.advance(DAY)
    assert [i.question_id for i in await srs.due_items(member, clock.now())] == ["netflix-founded"]
    item = await srs.record_review(member, "netflix-founded", 4, clock.now())
    assert item.interval_days == 6 and item.due_at == clock.now() + 6 * DAY
    clock.advance(5 * DAY)
    assert await srs.due_items(member, clock.now()) == []
    clock.advance(DAY)
    assert len(await srs.due_items(member, clock.now())) == 1
    rows = await db.fetchall("SELECT quality FROM srs_reviews WHERE member_id = ? ORDER BY id",
                             (member,))
    assert [r["quality"] for r in rows] == [5, 4]


async def test_missed_questions_become_due_now_and_summary_counts(db, clock: FakeClock):
    srs = SpacedRepetition(db)
    now = clock.now()
    await srs.record_review(1, "a", 5, now)             # due tomorrow
    await srs.record_review(1, "b", 5, now)
    await srs.record_review(1, "b", 5, now + DAY)       # due in 7 days from now
    missed = await srs.enqueue_missed(1, "a", now)      # missed in a channel quiz: due now
    assert missed.due_at == now and missed.repetitions == 0 and missed.lapses == 1
    await srs.enqueue_missed(1, "c", now)
    again = await srs.enqueue_missed(1, "c", now)       # a replayed reveal changes nothing
    assert again.lapses == 0
    await srs.enqueue_missed(2, "a", now - DAY)
    summary = await srs.review_summary(1, now)
    assert (summary.due_now, summary.total) == (2, 3)
    assert summary.next_due_at == now + 7 * DAY
    assert summary.due_within_week == 3
    assert await srs.due_counts(now) == {1: 2, 2: 1}
    empty = await srs.review_summary(99, now)
    assert (empty.due_now, empty.total, empty.next_due_at) == (0, 0, None)
