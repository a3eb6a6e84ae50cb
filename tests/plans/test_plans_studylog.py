"""Check-ins and the study log, block progress, practice questions and the monthly cadence
(issue 16): real SQLite, the real dispatcher, a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from plans_doubles import KNOWLEDGE, make_dispatcher

from bot.plans.practice import PracticePicker
from bot.plans.service import PlanError, PlanPermissionError, PlanService
from bot.plans.transport import Target
from bot.quiz.bank import load_bank
from bot.storage.db import Database

WEEK1 = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # Monday 09:00 in Tokyo


async def sent_week(service, dispatcher, clock, plan="3m", member=42, **options):
    status = await service.start(member, plan, weekday="mon", at="09:00", **options)
    clock.set(WEEK1)
    await dispatcher.run_due()
    return status.subscription_id


async def test_a_check_in_is_kept_in_the_study_log_across_a_restart(
        service, transport, clock, db_path, library):
    dispatcher = make_dispatcher(service, transport, clock)
    sub = await sent_week(service, dispatcher, clock)
    entry = await service.check_in(sub, 42, 1, "  Did the Python\nsyntax exercises  ")
    assert entry.text == "Did the Python syntax exercises"  # one line
    with pytest.raises(PlanPermissionError):
        await service.check_in(sub, 7, 1, "not my plan")
    with pytest.raises(PlanError, match="already sent"):
        await service.check_in(sub, 42, 2, "week 2 has not come yet")
    with pytest.raises(PlanError, match="one line"):
        await service.check_in(sub, 42, 1, "   ")
    clock.set(WEEK1 + timedelta(weeks=1))
    await dispatcher.run_due()
    await service.check_in(sub, 42, 2, "NumPy arrays " + "x" * 400)
    await service.check_in(sub, 42, 1, "Python syntax, and modules too")  # replaces

    # A restart: a new connection and a new service on the same database file.
    reopened = await Database.open(db_path)
    try:
        again = PlanService(reopened, library, clock)
        status = await again.status(sub)
        assert [(e.week, e.text[:20]) for e in status.study_log] == \
            [(2, "NumPy arrays xxxxxxx"), (1, "Python syntax, and m")]
        assert len(status.study_log[0].text) == 200
        payload = await again.week_payload(sub, 1)
        assert "📝 This week · 今週の記録: Python syntax, and modules too" in payload.description()
    finally:
        await reopened.close()


async def test_the_reminder_shows_progress_in_the_block(service, transport, clock):
    dispatcher = make_dispatcher(service, transport, clock)
    sub = await sent_week(service, dispatcher, clock)
    first = transport.messages[0].payload.description()
    assert "📈 0 of 10 tasks done · 10件中0件完了 — 3 week(s) left in Week 1-4" in first
    await service.mark_done(sub, 42, 1, 0)
    await service.mark_done(sub, 42, 1, 1)
    assert "📈 2 of 10 tasks done" in (await service.week_payload(sub, 1)).description()
    channel = await service.start(1, "3m", target=Target.channel(900), weekday="mon")
    clock.set(WEEK1 + timedelta(weeks=1))
    await dispatcher.run_due()
    post = next(m for m in transport.messages if m.target == Target.channel(900))
    assert post.payload.weeks[0].progress.done is None  # nobody's ticks in a channel post
    assert "week(s) left in Week 1-4" in post.payload.description()
    assert channel.subscription_id != sub


async def test_reminders_carry_practice_questions_from_the_bank(db, library, clock, transport, kb):
    bank = load_bank(KNOWLEDGE / "quiz", kb)
    picker = PracticePicker.from_bank(bank)
    service = PlanService(db, library, clock, practice=picker.for_week)
    dispatcher = make_dispatcher(service, transport, clock)
    await sent_week(service, dispatcher, clock, plan="1y")
    clock.set(WEEK1 + timedelta(weeks=1))
    await dispatcher.run_due()
    first, second = (m.payload.weeks[0] for m in transport.messages)
    assert first.practice and second.practice
    assert {q.question_id for q in first.practice}.isdisjoint(q.question_id
                                                               for q in second.practice)
    text = transport.messages[0].payload.description()
    assert "🧠 Practice this week · 今週の練習" in text and "`/practice`" in text
    assert f"(`topic:{first.practice[0].topic}`)" in text
    assert bank.get(first.practice[0].question_id).question.ja in text


async def test_a_monthly_plan_sends_one_reminder_every_four_weeks(service, transport, clock):
    dispatcher = make_dispatcher(service, transport, clock)
    status = await service.start(42, "1y", weekday="mon", at="09:00", cadence="monthly")
    assert (status.cadence, status.total_weeks, status.next_due) == ("monthly", 13, WEEK1)
    clock.set(WEEK1)
    await dispatcher.run_due()
    for weeks_later in (1, 2, 3):  # nothing in between
        clock.set(WEEK1 + timedelta(weeks=weeks_later))
        assert await dispatcher.run_due() == 0
    clock.set(WEEK1 + timedelta(weeks=4))
    await dispatcher.run_due()
    assert transport.keys() == ["tp1w1", "tp1w2"]
    first, second = (m.payload for m in transport.messages)
    assert first.title().endswith("month 1/13") and second.title().endswith("month 2/13")
    month = first.weeks[0]
    # The month's block, with every task of its four weeks.
    assert month.block.ja == "Python基礎とライブラリ習得" and month.covers == (1, 4)
    assert [t.text.ja for t in month.tasks][:4] == ["変数", "関数", "クラス", "モジュール"]
    assert len(month.tasks) == 10 and "seaborn" in [t.text.ja for t in month.tasks]
    assert "weeks 1-4 of the plan" in first.description()
    assert "weeks 5-8 of the plan" in second.description()
    await service.mark_done(status.subscription_id, 42, 1, 9)  # the month's last task
    assert (await service.status(status.subscription_id)).tasks_done == 1
    with pytest.raises(PlanError, match="cadence"):
        await service.start(43, "3m", cadence="daily")


async def test_a_monthly_plan_catches_up_in_months_after_downtime(service, transport, clock):
    dispatcher = make_dispatcher(service, transport, clock)
    await service.start(42, "3m", weekday="mon", at="09:00", cadence="monthly")
    clock.set(WEEK1 + timedelta(weeks=8, hours=1))  # down through months 1-3
    await dispatcher.run_due()
    [message] = transport.messages
    assert message.payload.kind == "catchup"
    assert "months 1-3 of 3" in message.payload.title()
    assert "While I was offline, months 1-3 came due" in message.payload.description()
