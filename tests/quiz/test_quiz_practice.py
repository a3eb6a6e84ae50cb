"""Practice serves due reviews before new questions; channel misses feed the queue; mc
options are shown shuffled per attempt, and answers are read in the order shown."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.clock import FakeClock
from bot.quiz.models import OPTION_LETTERS
from bot.quiz.practice import QUALITY_CORRECT, QUALITY_WRONG
from bot.quiz.render import review_summary_text
from bot.quiz.service import QuizService

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


async def test_practice_shows_mc_options_in_an_order_of_its_own_kept_across_a_restart(
        open_db, bank, clock: FakeClock):
    db = await open_db()
    practice = QuizService.from_bank(db, bank, clock, random.Random(6)).practice
    items = [i for i in await practice.plan(MEMBER, count=200) if i.question.kind == "mc"]
    yaml = {i.question.id: bank.get(i.question.id) for i in items}
    assert all(sorted(i.question.options, key=str) == sorted(yaml[i.question.id].options, key=str)
               for i in items)  # the same four options
    moved = [i for i in items
             if i.question.correct_choice != yaml[i.question.id].answer_index]
    assert len(moved) > len(items) // 2  # the right answer's letter is no giveaway
    item, other = moved[0], moved[1]
    await db.close()  # the bot restarts between showing the questions and the answers

    db = await open_db()
    practice = QuizService.from_bank(db, bank, clock, random.Random(99)).practice
    assert practice.shown(item.question.id, item.shuffle_seed) == item.question
    shown = OPTION_LETTERS[item.question.correct_choice]
    right = await practice.answer(MEMBER, item.question.id, shown,
                                  shuffle_seed=item.shuffle_seed)
    right_option = item.question.options[item.question.correct_choice]
    assert right.correct and right.answer.en == f"{shown}) {right_option.en}"  # as shown
    in_yaml = OPTION_LETTERS[yaml[other.question.id].answer_index]  # the YAML's letter
    wrong = await practice.answer(MEMBER, other.question.id, in_yaml,
                                  shuffle_seed=other.shuffle_seed)
    assert not wrong.correct and wrong.item.lapses == 1


async def test_a_run_reads_typed_letters_in_the_order_it_showed(service, bank):
    run = await service.practice.start(MEMBER, count=200)
    while not run.done:
        item = run.current
        answer = _right_answer(item.question)  # the letter shown next to the right option
        assert (await service.practice.answer_current(run, answer)).correct, item.question.id
    assert any(i.question.kind == "mc" and i.question != bank.get(i.question.id)
               for i in run.items)
