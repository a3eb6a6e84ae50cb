"""Practice serves due reviews before new questions; channel misses feed the queue."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.clock import FakeClock
from bot.quiz.practice import QUALITY_CORRECT, QUALITY_WRONG
from bot.quiz.render import review_summary_text

MEMBER = 77


async def test_due_items_come_before_new_ones(service, clock: FakeClock):
    srs, practice = service.srs, service.practice
    now = clock.now()
    await srs.record_review(MEMBER, "gnmt-layers", 5, now - timedelta(days=3))   # due 2 days ago
    await srs.record_review(MEMBER, "tesla-cameras", 5, now - timedelta(days=2))  # due yesterday
    await srs.record_review(MEMBER, "alphago-elo", 5, now)                      # due tomorrow
    plan = await practice.plan(MEMBER, count=6)
    assert [(p.question.id, p.reason) for p in plan[:2]] == [
        ("gnmt-layers", "due"), ("tesla-cameras", "due")]
    assert [p.reason for p in plan[2:]] == ["new"] * 4
    new_ids = {p.question.id for p in plan[2:]}
    assert not new_ids & {"gnmt-layers", "tesla-cameras", "alphago-elo"}  # never seen only
    assert len(await practice.plan(MEMBER, count=1)) == 1
    topic_plan = await practice.plan(MEMBER, count=3, topic="tesla")
    assert topic_plan[0].question.id == "tesla-cameras"
    assert all(p.question.topic == "tesla" for p in topic_plan)


async def test_answers_are_reviews_and_reschedule(service, clock: FakeClock):
    practice = service.practice
    run = await practice.start(MEMBER, count=2, topic="netflix")
    first, second = run.items
    right = await practice.answer_current(run, _right_answer(first.question))
    assert right.correct and right.quality == QUALITY_CORRECT
    assert right.item.due_at == clock.now() + timedelta(days=1)
    assert right.quote is not None and right.answer == first.question.answer_display()
    wrong = await practice.answer_current(run, "ぜんぜん違う")
    assert not wrong.correct and wrong.quality == QUALITY_WRONG and wrong.item.lapses == 1
    assert run.done and run.correct == 1
    summary = await practice.summary(MEMBER)
    assert (summary.due_now, summary.total) == (0, 2)
    assert summary.next_due_at == clock.now() + timedelta(days=1)
    clock.advance(timedelta(days=1))
    again = await practice.plan(MEMBER, count=2, topic="netflix")
    assert {p.question.id for p in again} == {first.question.id, second.question.id}
    assert all(p.reason == "due" for p in again)


async def test_channel_quiz_misses_feed_the_members_queue(service, clock: FakeClock):
    engine = service.engine
    engine.rng = random.Random(30)
    await engine.start(1, 2, MEMBER, topic="skin-cancer", count=2)
    missed = []
    for _ in range(2):
        view = await engine.next_question(2)
        missed.append(view.question.id)
        wrong = (view.question.correct_choice + 1) % len(view.question.choices)
        await engine.answer_button(2, MEMBER, wrong)
        clock.advance(30)
        await engine.reveal(2)
    await engine.finish(2)
    plan = await service.practice.plan(MEMBER, count=5)
    assert sorted(p.question.id for p in plan[:2]) == sorted(missed)
    assert all(p.reason == "due" for p in plan[:2]) and plan[2].reason == "new"
    summary = await service.practice.summary(MEMBER)
    assert summary.due_now == 2
    assert await service.reviews_due(MEMBER) == 2 and await service.reviews_due(MEMBER + 1) == 0
    assert review_summary_text(summary, clock.now(), "en") == "2 reviews due"
    assert review_summary_text(summary, clock.now(), "ja") == "復習が2件あります"


def _right_answer(question) -> str:
    if question.kind == "short":
        return question.accepted[0]
    if question.kind == "mc":
        return "ABCD"[question.correct_choice]
    return "true" if question.answer_bool else "false"
