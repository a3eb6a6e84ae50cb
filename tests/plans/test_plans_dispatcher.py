"""Delivery: on time in the plan's zone, exactly once across crashes, one catch-up after
downtime, unreachable targets paused, transient errors retried and capped, load."""

from __future__ import annotations

import asyncio
import sqlite3
import time as real_time
from datetime import UTC, datetime, timedelta

import pytest
from plans_doubles import (
    FAULT_KINDS,
    FAULT_POINTS,
    START,
    FakeTransport,
    ManualClock,
    SimulatedCrash,
    duplicates_and_losses,
    eventually,
    fault_scenario,
    make_dispatcher,
    settle,
)

from bot import metrics
from bot.discordbot.cogs.plans import status_body
from bot.health import HealthState
from bot.plans.dispatcher import RetryPolicy
from bot.plans.library import load_library
from bot.plans.payload import key_from_footer, nonce_for
from bot.plans.service import PlanService
from bot.plans.timecalc import zone
from bot.plans.transport import RateLimited, ServerError, Target
from bot.storage.db import Database

WEEK1 = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # Monday 09:00 in Tokyo
TOKYO = zone("Asia/Tokyo")
NEW_YORK = zone("America/New_York")


def due(week: int) -> datetime:
    return WEEK1 + timedelta(weeks=week - 1)


async def start_plan(service, member: int = 42, plan: str = "3m", **options):
    options.setdefault("weekday", "mon")
    options.setdefault("at", "09:00")
    return await service.start(member, plan, **options)


async def run_at(dispatcher, clock, moment: datetime) -> int:
    clock.set(moment)
    return await dispatcher.run_due()


# --- on time, in the plan's own zone ----------------------------------------------------

async def test_weekly_reminders_arrive_at_0900_tokyo_with_the_weeks_content(
        service, dispatcher, transport, clock):
    status = await start_plan(service)
    assert status.next_due == WEEK1 and status.next_due_local.hour == 9
    await dispatcher.recover()
    assert await dispatcher.run_due() == 0
    assert await run_at(dispatcher, clock, WEEK1 - timedelta(seconds=1)) == 0
    await run_at(dispatcher, clock, WEEK1)
    assert transport.keys() == ["tp1w1"]
    message = transport.messages[0]
    assert message.target == Target.dm(42)
    assert message.nonce == nonce_for("tp1w1") and len(message.nonce) <= 25
    assert key_from_footer(message.payload.embed_dict()["footer"]["text"]) == "tp1w1"
    week = message.payload.weeks[0]
    assert week.focus.ja == "Python文法"
    assert [t.text.ja for t in week.tasks] == ["変数", "関数", "クラス", "モジュール"]
    assert "『Pythonではじめる機械学習』Andreas C. Müller" in [r.title for r in week.resources]
    assert week.heading_path == \
        "4.4 スキル開発タイムライン › 3ヶ月プラン(基礎固め) › Week 1-4: Python基礎とライブラリ習得"
    assert "Week 1-4: Python基礎とライブラリ習得" in message.payload.description()
    # Nothing more until the next Monday 09:00, then week 2.
    assert await run_at(dispatcher, clock, due(2) - timedelta(seconds=1)) == 0
    await run_at(dispatcher, clock, due(2))
    assert transport.keys() == ["tp1w1", "tp1w2"]
    assert transport.send_times == [WEEK1, due(2)]
    assert all(t.astimezone(TOKYO).hour == 9 for t in transport.send_times)


async def test_utc_plan(service, dispatcher, transport, clock):
    status = await start_plan(service, timezone="UTC", weekday="tue", at="18:30")
    assert status.next_due == datetime(2026, 1, 6, 18, 30, tzinfo=UTC)
    for week in range(1, 4):
        await run_at(dispatcher, clock, status.next_due + timedelta(weeks=week - 1))
    assert transport.send_times == [status.next_due + timedelta(weeks=w) for w in range(3)]


async def test_new_york_plan_keeps_local_time_across_both_dst_changes(
        service, dispatcher, transport, clock):
    clock.set(datetime(2026, 2, 20, tzinfo=UTC))
    status = await start_plan(service, plan="1y", timezone="America/New_York",
                              weekday="sun", at="09:00")
    while status.next_due is not None and status.next_due < datetime(2026, 11, 20, tzinfo=UTC):
        await run_at(dispatcher, clock, status.next_due)
        status = await service.status(status.subscription_id)
    sent = [t.astimezone(NEW_YORK) for t in transport.send_times]
    assert len(sent) == len(transport.reminders()) == 39  # Feb 22 … Nov 15, no catch-ups
    assert all(t.weekday() == 6 and (t.hour, t.minute) == (9, 0) for t in sent)
    utc_hours = {t.date(): t.astimezone(UTC).hour for t in sent}
    assert utc_hours[datetime(2026, 3, 1).date()] == 14  # EST
    assert utc_hours[datetime(2026, 3, 8).date()] == 13  # EDT from the DST start day
    assert utc_hours[datetime(2026, 10, 25).date()] == 13
    assert utc_hours[datetime(2026, 11, 1).date()] == 14  # EST again on the DST end day


async def test_nonexistent_and_repeated_local_times(service, dispatcher, transport, clock):
    clock.set(datetime(2026, 3, 2, tzinfo=UTC))
    gap = await start_plan(service, member=1, timezone="America/New_York", weekday="sun",
                           at="02:30")
    assert gap.next_due == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    await run_at(dispatcher, clock, gap.next_due)
    assert transport.keys() == ["tp1w1"]

    clock.set(datetime(2026, 10, 26, tzinfo=UTC))
    repeat = await start_plan(service, member=2, timezone="America/New_York", weekday="sun",
                              at="01:30")
    first, second = (datetime(2026, 11, 1, h, 30, tzinfo=UTC) for h in (5, 6))
    assert repeat.next_due == first  # 01:30 EDT, the first of the two 01:30s
    await run_at(dispatcher, clock, first)
    await run_at(dispatcher, clock, second)  # 01:30 EST: no second reminder
    assert transport.keys().count("tp2w1") == 1


# --- pause, resume, skip, stop --------------------------------------------------------------

async def test_pause_holds_and_resume_before_the_due_time_keeps_the_schedule(
        service, dispatcher, transport, clock):
    status = await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    await service.pause(status.subscription_id, 42)
    await run_at(dispatcher, clock, due(2))
    assert transport.keys() == ["tp1w1"]
    assert (await service.status(1)).status == "paused"
    clock.set(due(2) - timedelta(days=3))  # (time travels back only for this check)
    resumed = await service.resume(status.subscription_id, 42)
    assert resumed.next_week == 2 and resumed.next_due == due(2)
    await run_at(dispatcher, clock, due(2))
    assert transport.keys() == ["tp1w1", "tp1w2"]


async def test_resume_after_a_missed_week_sends_it_now_then_keeps_the_weekday(
        service, dispatcher, transport, clock):
    await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    await service.pause(1, 42)
    await run_at(dispatcher, clock, due(3) + timedelta(days=2))  # Wednesday, two weeks on
    assert transport.keys() == ["tp1w1"]
    await service.resume(1, 42)
    await dispatcher.run_due()
    assert transport.keys() == ["tp1w1", "tp1w2"]  # week 2 at once, not a catch-up
    assert transport.messages[-1].payload.kind == "week"
    status = await service.status(1)
    assert status.next_week == 3 and status.next_due == due(4)  # the next Monday 09:00
    await run_at(dispatcher, clock, due(4))
    assert transport.keys() == ["tp1w1", "tp1w2", "tp1w3"]


async def test_skip_moves_the_next_week_into_the_skipped_slot(
        service, dispatcher, transport, clock):
    await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    skipped = await service.skip(1, 42)
    assert skipped.next_week == 3 and skipped.next_due == due(2)
    await run_at(dispatcher, clock, due(2))
    await run_at(dispatcher, clock, due(3))
    assert transport.keys() == ["tp1w1", "tp1w3", "tp1w4"]
    states = {r.key: r.state for r in await service.store.sends_of(1)}
    assert states["tp1w2"] == "skipped"


async def test_stop_ends_the_plan_and_frees_the_dm(service, dispatcher, transport, clock):
    await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    stopped = await service.stop(1, 42)
    assert stopped.status == "stopped" and stopped.next_week is None
    await run_at(dispatcher, clock, due(5))
    assert transport.keys() == ["tp1w1"]
    again = await start_plan(service)  # the DM is free for a new plan
    assert again.subscription_id == 2


async def test_the_last_week_finishes_the_plan_and_can_still_be_snoozed(
        service, dispatcher, transport, clock):
    await start_plan(service)
    for week in range(1, 13):
        await run_at(dispatcher, clock, due(week))
    await run_at(dispatcher, clock, due(14))
    assert transport.keys() == [f"tp1w{w}" for w in range(1, 13)]
    assert (await service.status(1)).status == "finished"
    again = await service.snooze(1, 42)
    await run_at(dispatcher, clock, again)
    assert transport.keys()[-1] == "tp1w12z1"


# --- downtime: one catch-up, then the regular schedule ---------------------------------------

async def test_catch_up_after_downtime_is_one_message_then_the_schedule_resumes(
        service, dispatcher, transport, clock):
    await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    await run_at(dispatcher, clock, due(2))
    # The bot is down from just after week 2 until Wednesday after week 5's Monday.
    back = due(5) + timedelta(days=2)
    await run_at(dispatcher, clock, back)
    assert transport.keys() == ["tp1w1", "tp1w2", "tp1w3"]
    catch_up = transport.messages[-1].payload
    assert catch_up.kind == "catchup"
    assert [w.week for w in catch_up.weeks] == [3, 4, 5]
    assert "while I was offline" in catch_up.title() and "weeks 3-5" in catch_up.title()
    assert await dispatcher.run_due() == 0  # nothing else now
    status = await service.status(1)
    assert status.next_week == 6 and status.next_due == due(6)
    await run_at(dispatcher, clock, due(6))
    assert transport.keys() == ["tp1w1", "tp1w2", "tp1w3", "tp1w6"]
    assert transport.messages[-1].payload.kind == "week"


async def test_a_long_catch_up_fits_one_discord_embed(service, dispatcher, transport, clock):
    await start_plan(service, plan="3y")
    await run_at(dispatcher, clock, due(60))  # down for more than a year
    assert len(transport.reminders()) == 1
    payload = transport.messages[0].payload
    assert [payload.first_week, payload.last_week] == [1, 60]
    assert len(payload.description()) <= 4096 and len(payload.title()) <= 256
    assert "Week 60" in payload.description()  # the week to start now is in full


# --- crashes between the steps: no duplicate, no loss ---------------------------------------

async def _restart(db_path, library, clock, transport, **options):
    """A new process: a fresh connection on the same file, a new dispatcher, recovery."""
    db = await Database.open(db_path)
    service = PlanService(db, library, clock)
    dispatcher = make_dispatcher(service, transport, clock, **options)
    await dispatcher.recover()
    return db, service, dispatcher


def _crash_at(step: str):
    def checkpoint(name, row):
        if name == step:
            raise SimulatedCrash(step)
    return checkpoint


CRASH_POINTS = ["before_claim", "after_claim", "after_send", "after_mark_sent",
                "inside_send_after_delivery"]


@pytest.mark.parametrize("point", CRASH_POINTS)
async def test_a_crash_between_any_two_steps_neither_duplicates_nor_loses(
        point, service, transport, clock, db_path, library):
    await start_plan(service)
    dead = make_dispatcher(service, transport, clock)
    if point == "inside_send_after_delivery":
        transport.crash_after_delivery = True
    else:
        dead.checkpoint = _crash_at(point)
    clock.set(due(1))
    with pytest.raises(SimulatedCrash):
        await dead.run_due()
    # The old dispatcher is abandoned; a new process opens the same database.
    clock.advance(timedelta(minutes=10))  # past Discord's nonce window
    db, _, alive = await _restart(db_path, library, clock, transport)
    try:
        await alive.run_due()
        assert transport.keys() == ["tp1w1"]
        await alive.run_due()
        await run_at(alive, clock, due(2))
        await run_at(alive, clock, due(3))
        assert transport.keys() == ["tp1w1", "tp1w2", "tp1w3"]
        if point in ("after_send", "inside_send_after_delivery"):
            assert transport.history_reads >= 1  # it looked before deciding not to resend
    finally:
        await db.close()


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("point", FAULT_POINTS)
async def test_fault_matrix_no_duplicate_no_loss(point, kind, tmp_path, library):
    """Every point × (process-killing crash, ordinary exception such as "database is
    locked"), in a busy channel after downtime: weeks 1-3 arrive once each."""
    keys = await fault_scenario(point, kind, tmp_path / "plans.sqlite3", library)
    assert keys == ["tp1w1", "tp1w2", "tp1w3"]
    assert duplicates_and_losses(keys, ["tp1w1", "tp1w2", "tp1w3"]) == (0, 0)


@pytest.mark.parametrize("point, expected", [
    ("after_claim", [("tp1w1", 1, 3)]),  # nothing went out: one catch-up for 1-3
    ("after_send", [("tp1w1", 1, 1), ("tp1w2", 2, 3)]),  # week 1 did: kept, then 2-3
])
async def test_crash_then_long_downtime(point, expected, service, transport, clock, db_path,
                                        library):
    await start_plan(service)
    dead = make_dispatcher(service, transport, clock, checkpoint=_crash_at(point))
    clock.set(due(1))
    with pytest.raises(SimulatedCrash):
        await dead.run_due()
    clock.set(due(3) + timedelta(hours=5))
    db, _, alive = await _restart(db_path, library, clock, transport)
    try:
        await alive.run_due()
        got = [(m.key, m.payload.first_week, m.payload.last_week)
               for m in transport.reminders()]
        assert got == expected
        await run_at(alive, clock, due(4))
        assert transport.keys()[-1] == "tp1w4" and len(set(transport.keys())) == \
            len(transport.keys())
    finally:
        await db.close()


async def test_a_crash_after_delivery_in_a_busy_channel_after_downtime_sends_once(
        service, transport, clock, db_path, library):
    """Down past the due time while 300 members' messages arrive; the late send reaches
    Discord, the process dies, and comes back after the nonce window: no second copy."""
    channel = Target.channel(555)
    await start_plan(service, guild_id=7, target=channel)
    clock.set(due(1))
    transport.chatter(channel, 300, during=timedelta(hours=3))  # the bot is down meanwhile
    dead = make_dispatcher(service, transport, clock)
    transport.crash_after_delivery = True
    with pytest.raises(SimulatedCrash):
        await dead.run_due()
    transport.chatter(channel, 250, during=timedelta(hours=1))  # and more while it restarts
    db, _, alive = await _restart(db_path, library, clock, transport)
    try:
        await alive.run_due()
        assert transport.keys() == ["tp1w1"]
        await run_at(alive, clock, due(2))
        assert transport.keys() == ["tp1w1", "tp1w2"]
    finally:
        await db.close()


async def test_the_history_check_pages_past_a_burst_just_before_the_attempt(
        service, transport, clock, db_path, library):
    """150 messages in the two minutes before the send (more than one 100-message page):
    the check pages on, oldest first, and still finds the copy."""
    channel = Target.channel(555)
    await start_plan(service, guild_id=7, target=channel)
    clock.set(due(1) - timedelta(minutes=2))
    transport.chatter(channel, 150, during=timedelta(minutes=2))
    dead = make_dispatcher(service, transport, clock)
    transport.crash_after_delivery = True
    with pytest.raises(SimulatedCrash):
        await dead.run_due()
    clock.advance(timedelta(days=2))
    db, _, alive = await _restart(db_path, library, clock, transport)
    try:
        await alive.run_due()
        assert transport.keys() == ["tp1w1"]
        assert transport.history_reads >= 2  # it read past the first page
    finally:
        await db.close()


# SQLite's "database is locked" from a second writer: SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_database_locked_after_delivery_is_retried_and_shows_in_status_and_metrics(
        service, db, db_path, transport, clock, backend):
    """Another writer holds the database when Discord has just taken week 1: mark_sent and
    even the retry bookkeeping fail. The row is not left 'sending' for the process's life:
    the next pass retries it through the history check, /plan status and /metrics show it,
    and the plan goes on."""
    await db.execute("PRAGMA busy_timeout=50")  # fail fast instead of 5 s
    locker = sqlite3.connect(db_path, isolation_level=None)
    transport.on_delivered = lambda message: locker.execute("BEGIN IMMEDIATE")
    dispatcher = make_dispatcher(service, transport, clock)
    await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    assert transport.keys() == ["tp1w1"]
    assert (await service.store.sends_of(1))[0].state == "sending"
    transport.on_delivered = None
    locker.execute("COMMIT")
    locker.close()
    await dispatcher.run_due()  # the next pass settles it: a retry with backoff
    status = await service.status(1)
    assert "database is locked" in status.retrying_after
    # SQLAlchemy's OperationalError, naming the driver's error inside.
    assert ("the last delivery hit an error (OperationalError('(sqlite3.OperationalError) "
            "database is locked'))") in status_body(status, "en")
    assert b"tutorbot_reminders_retrying 1.0" in metrics.render()
    await settle(dispatcher, clock, service.store, due(1) + timedelta(hours=1))
    assert transport.keys() == ["tp1w1"]  # found in the history, not resent
    status = await service.status(1)
    assert status.retrying_after is None and status.next_due == due(2)
    assert b"tutorbot_reminders_retrying 0.0" in metrics.render()
    await run_at(dispatcher, clock, due(2))
    assert transport.keys() == ["tp1w1", "tp1w2"]


# --- unreachable targets ------------------------------------------------------------------

async def test_closed_dms_pause_the_plan_with_the_reason_and_are_not_retried(
        service, dispatcher, transport, clock):
    await start_plan(service)
    transport.closed_dms.add(42)
    await run_at(dispatcher, clock, due(1))
    status = await service.status(1)
    assert status.status == "paused" and status.paused_reason == "dm_closed"
    assert "DMs are closed" in status.paused_text
    assert await service.dms_closed(42)
    calls = transport.send_calls
    for week in range(2, 6):
        await run_at(dispatcher, clock, due(week))
    assert transport.send_calls == calls == 1  # no retries, no notice into a closed DM
    transport.closed_dms.clear()
    await service.resume(1, 42)
    await dispatcher.run_due()
    assert transport.keys() == ["tp1w1"]  # the missed week, delivered after the fix
    assert not await service.dms_closed(42)


@pytest.mark.parametrize("broken, reason", [
    ("deleted_channels", "channel_deleted"),
    ("no_permission", "missing_permissions"),
])
async def test_unreachable_channel_pauses_and_the_owner_is_told(
        broken, reason, service, transport, clock, library):
    paused = []
    dispatcher = make_dispatcher(service, transport, clock,
                                 on_paused=lambda sub, why: paused.append((sub.id, why)))
    await start_plan(service, guild_id=7, target=Target.channel(555))
    getattr(transport, broken).add(555)
    await run_at(dispatcher, clock, due(1))
    status = await service.status(1)
    assert (status.status, status.paused_reason) == ("paused", reason)
    assert paused == [(1, reason)]
    notices = transport.to(Target.dm(42))
    assert len(notices) == 1 and "<#555>" in notices[0].payload.description()
    await run_at(dispatcher, clock, due(2))
    assert transport.send_calls == 2  # the failed send and the notice; nothing since


# --- transient errors: retried with backoff, capped --------------------------------------------

async def test_server_errors_and_rate_limits_are_retried_then_delivered(
        service, dispatcher, transport, clock):
    await start_plan(service)
    transport.fail_next(ServerError(502), RateLimited(retry_after=30.0), ServerError(503))
    clock.set(due(1))
    for _ in range(20):
        await dispatcher.run_due()
        next_at = await service.store.next_run_at()
        if transport.reminders() or next_at is None:
            break
        clock.set(max(next_at, clock.now()))
    assert transport.keys() == ["tp1w1"]
    offsets = [(t - due(1)).total_seconds() for t in transport.send_times]
    # 502 → wait 2s; 429 says 30s (more than the 4s backoff); 503 → wait 8s.
    assert offsets == [0.0, 2.0, 32.0, 40.0]
    assert (await service.status(1)).status == "active"


async def test_a_5xx_after_discord_created_the_message_is_not_sent_twice(
        service, dispatcher, transport, clock):
    await start_plan(service)
    transport.fail_next(("delivered", ServerError(500)))
    await run_at(dispatcher, clock, due(1))
    await run_at(dispatcher, clock, due(1) + timedelta(seconds=2))
    assert transport.keys() == ["tp1w1"]
    assert transport.history_reads == 1 and transport.send_calls == 1
    sends = await service.store.sends_of(1)
    assert sends[0].state == "sent"


async def test_retries_stop_at_the_cap_and_the_plan_pauses(service, transport, clock):
    dispatcher = make_dispatcher(service, transport, clock,
                                 retry=RetryPolicy(base=1, factor=2, cap=4, max_retries=3))
    await start_plan(service)
    transport.fail_next(*[ServerError(500) for _ in range(50)])
    clock.set(due(1))
    waits = []
    for _ in range(30):
        before = clock.now()
        await dispatcher.run_due()
        next_at = await service.store.next_run_at()
        if next_at is None:
            break
        waits.append((next_at - before).total_seconds())
        clock.set(max(next_at, clock.now()))
    # The first try and three retries, then one (failing) notice to the owner's DMs.
    assert transport.attempted == ["tp1w1"] * 4 + ["tp1w1n"]
    assert waits[:3] == [1.0, 2.0, 4.0]
    status = await service.status(1)
    assert (status.status, status.paused_reason) == ("paused", "delivery_failed")


# --- snooze, progress counts, review counts -------------------------------------------------

async def test_snooze_resends_the_week_a_day_later_once(service, dispatcher, transport, clock):
    await start_plan(service)
    await run_at(dispatcher, clock, due(1) + timedelta(hours=2))
    first = await service.snooze(1, 42)
    assert await service.snooze(1, 42) == first  # pressed twice: still one
    assert first == due(1) + timedelta(days=1, hours=2)
    await run_at(dispatcher, clock, first - timedelta(seconds=1))
    assert transport.keys() == ["tp1w1"]
    await run_at(dispatcher, clock, first)
    await run_at(dispatcher, clock, first + timedelta(hours=1))
    assert transport.keys() == ["tp1w1", "tp1w1z1"]
    snoozed = transport.messages[-1].payload
    assert snoozed.kind == "snooze" and snoozed.first_week == 1
    assert (await service.status(1)).next_week == 2  # a snooze does not move the plan


async def test_a_refused_snooze_marks_the_dms_closed_until_a_dm_gets_through(
        service, dispatcher, transport, clock):
    await start_plan(service, guild_id=7, target=Target.channel(555))
    await run_at(dispatcher, clock, due(1))
    transport.closed_dms.add(43)
    assert not await service.dms_closed(43)  # nothing refused yet: the bot cannot know
    first = await service.snooze(1, 43)
    await run_at(dispatcher, clock, first)
    assert await service.dms_closed(43) and not await service.dms_closed(42)
    again = await service.snooze(1, 43)  # still taken: it arrives if the DMs open in time
    snoozes = await service.store.snoozes(1, 1)
    assert [(r.key, r.state) for r in snoozes] == [("tp1w1z1", "failed"),
                                                   ("tp1w1z2", "pending")]
    transport.closed_dms.clear()
    await run_at(dispatcher, clock, again)
    assert transport.keys()[-1] == "tp1w1z2"
    assert not await service.dms_closed(43)


async def test_channel_plan_counts_members_done_and_reviews_stay_private(
        service, transport, clock):
    asked = []
    dispatcher = make_dispatcher(service, transport, clock,
                                 reviews_due=lambda member: asked.append(member) or 3)
    await start_plan(service, guild_id=7, target=Target.channel(555))
    await run_at(dispatcher, clock, due(1))
    for member in (42, 43, 44):
        await service.mark_done(1, member, 1, 0)
    progress = await service.mark_done(1, 43, 1, 2)
    assert progress.done_count == 1
    await run_at(dispatcher, clock, due(2))
    payload = transport.messages[-1].payload
    assert payload.reviews_due is None and asked == []
    assert payload.recap.week == 1
    assert [t.done_count for t in payload.recap.tasks] == [3, 0, 1, 0]
    assert "✅ 3" in payload.description()
    view = await service.show(1, week=1, member_id=43)
    assert [t.done for t in view.tasks] == [True, False, True, False]
    assert [t.done_count for t in view.tasks] == [3, 0, 1, 0]


async def test_dm_reminder_carries_the_members_due_reviews(service, transport, clock):
    async def reviews_due(member_id: int) -> int:
        return {42: 5}.get(member_id, 0)

    dispatcher = make_dispatcher(service, transport, clock, reviews_due=reviews_due)
    await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    payload = transport.messages[-1].payload
    assert payload.reviews_due == 5
    # The line names the command that lists them, as each language's clients show it.
    assert "🔁 5 review(s) due — /review · 復習が5件あります — /復習" in payload.description()
    assert "/quiz review" not in payload.description()


async def test_a_dm_reminder_redrawn_after_done_keeps_its_reviews_line(
        db, library, transport, clock):
    async def reviews_due(member_id: int) -> int:
        return {42: 5}.get(member_id, 0)

    service = PlanService(db, library, clock, reviews_due=reviews_due)
    dispatcher = make_dispatcher(service, transport, clock, reviews_due=reviews_due)
    await start_plan(service)
    await start_plan(service, guild_id=7, target=Target.channel(555))
    await run_at(dispatcher, clock, due(1))
    original = {m.target: m.payload for m in transport.messages}
    await service.mark_done(1, 42, 1, 0)
    redrawn = await service.week_payload(1, 1)
    # The same reminder, redrawn from the same data: only the tick and the progress differ.
    assert redrawn.description() == original[Target.dm(42)].description().replace(
        "☐ 1.", "✅ 1.", 1).replace("📈 0 of 10 tasks done · 10件中0件完了",
                                    "📈 1 of 10 tasks done · 10件中1件完了")
    assert "🔁 5 review(s) due" in redrawn.description()
    channel = await service.week_payload(2, 1)  # never a review count in a channel post
    assert channel.reviews_due is None and "review" not in channel.description()


async def test_a_failing_review_counter_does_not_stop_the_reminder(service, transport, clock):
    def broken(member_id: int) -> int:
        raise RuntimeError("quiz database locked")

    dispatcher = make_dispatcher(service, transport, clock, reviews_due=broken)
    await start_plan(service)
    await run_at(dispatcher, clock, due(1))
    assert transport.keys() == ["tp1w1"] and transport.messages[0].payload.reviews_due is None


# --- load ------------------------------------------------------------------------------------

async def test_a_thousand_plans_due_in_the_same_minute_are_each_sent_once(
        service, clock, library):
    transport = FakeTransport(clock, latency=0.001)
    dispatcher = make_dispatcher(service, transport, clock, concurrency=16)
    for member in range(1, 1001):
        await start_plan(service, member=member)
    clock.set(due(1) + timedelta(seconds=30))
    gaps: list[float] = []
    running = True

    async def heartbeat():
        last = real_time.perf_counter()
        while running:
            await asyncio.sleep(0.005)
            now = real_time.perf_counter()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    handled = await dispatcher.run_due()
    running = False
    await beat
    assert handled == 1000
    keys = transport.keys()
    assert len(keys) == 1000 and len(set(keys)) == 1000
    assert {m.target.id for m in transport.messages} == set(range(1, 1001))
    assert 1 < transport.max_in_flight <= 16
    assert len(gaps) >= 2  # other tasks kept running while the reminders went out
    assert await dispatcher.run_due() == 0


# --- the dispatcher's own loop ----------------------------------------------------------------

async def test_the_loop_sleeps_until_the_earliest_row_and_wakes_early_on_change(
        db, library):
    clock = ManualClock(START)
    service = PlanService(db, library, clock)
    transport = FakeTransport(clock)
    dispatcher = make_dispatcher(service, transport, clock, max_sleep=30 * 86400)
    await start_plan(service, member=1)
    await dispatcher.start()
    try:
        await eventually(lambda: clock.sleepers == 1)
        assert transport.send_calls == 0
        clock.set(WEEK1)
        await eventually(lambda: len(transport.messages) == 1)
        await eventually(lambda: clock.sleepers == 1)  # now sleeping a week, until week 2
        # A plan due in one hour: the dispatcher must wake and re-plan its sleep.
        soon = clock.now() + timedelta(hours=1)
        local = soon.astimezone(TOKYO)
        await service.start(2, "3m", weekday=local.weekday(), at=local.strftime("%H:%M"))
        await eventually(lambda: clock.sleepers == 1)
        clock.set(soon)
        await eventually(lambda: len(transport.messages) == 2)
        assert transport.messages[-1].target == Target.dm(2)
    finally:
        await dispatcher.stop()
    assert not dispatcher.running


async def test_start_recovers_rows_left_sending(service, transport, clock, db_path):
    await start_plan(service)
    dead = make_dispatcher(service, transport, clock, checkpoint=_crash_at("after_claim"))
    clock.set(due(1))
    with pytest.raises(SimulatedCrash):
        await dead.run_due()
    assert (await service.store.sends_of(1))[0].state == "sending"
    db = await Database.open(db_path)
    try:
        library = load_library(service.library.path)
        fresh = PlanService(db, library, clock)
        alive = make_dispatcher(fresh, transport, clock)
        await alive.start()
        await eventually(lambda: transport.keys() == ["tp1w1"])
        await alive.stop()
    finally:
        await db.close()


# The standby lock file is SQLite's single-writer path; PostgreSQL processes all dispatch,
# claiming rows with leases (test_plans_claims.py).
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_second_process_on_the_same_database_does_not_dispatch(
        db, db_path, library, caplog, backend):
    """Two bots on one SQLite file: the second refuses to send, says so in the log and its
    role (for /healthz) is standby; it takes over when the first one stops."""
    clock = ManualClock(START)
    transport = FakeTransport(clock)
    service = PlanService(db, library, clock)
    first = make_dispatcher(service, transport, clock)
    other_db = await Database.open(db_path)  # the second process's own connection
    second = make_dispatcher(PlanService(other_db, library, clock), transport, clock,
                             lock_retry=60)
    try:
        await start_plan(service)
        await first.start()
        await second.start()
        assert (first.role, second.role) == ("dispatching", "standby")
        assert "another process is already sending study-plan reminders" in caplog.text
        await eventually(lambda: clock.sleepers == 2)
        clock.set(WEEK1)
        await eventually(lambda: len(transport.messages) == 1)
        for _ in range(20):  # give a wrongly running second dispatcher every chance
            await asyncio.sleep(0.005)
        assert transport.keys() == ["tp1w1"]
        await first.stop()  # the first process goes away
        clock.advance(timedelta(seconds=61))
        await eventually(lambda: second.role == "dispatching")
        clock.set(due(2))
        await eventually(lambda: len(transport.messages) == 2)
        assert transport.keys() == ["tp1w1", "tp1w2"]
    finally:
        await first.stop()
        await second.stop()
        await other_db.close()


async def test_healthz_reports_reminders_in_standby_as_degraded():
    state = HealthState(index_loaded=True, gateway_connected=lambda: True,
                        reminders=lambda: "standby")

    async def writable() -> bool:
        return True

    state.database_writable = writable
    code, body = await state.report()
    assert (code, body["status"], body["reminders"]) == (200, "degraded", "standby")
    state.reminders = lambda: "dispatching"
    code, body = await state.report()
    assert (code, body["status"], body["reminders"]) == (200, "ok", "dispatching")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_plan_started_through_the_standby_process_is_sent_on_time(
        db, db_path, library, backend):
    """The standby's wake() cannot reach the dispatching process: its loop re-reads the
    database at least once a minute, so the reminder is at most a minute late."""
    clock = ManualClock(START)
    transport = FakeTransport(clock)
    first = make_dispatcher(PlanService(db, library, clock), transport, clock)
    other_db = await Database.open(db_path)
    standby_service = PlanService(other_db, library, clock)
    second = make_dispatcher(standby_service, transport, clock)
    try:
        await first.start()
        await second.start()
        await eventually(lambda: clock.sleepers == 2)
        soon = (START + timedelta(minutes=10)).astimezone(TOKYO)
        status = await standby_service.start(42, "3m", weekday=soon.weekday(),
                                             at=soon.strftime("%H:%M"))
        assert status.next_due == START + timedelta(minutes=10)
        while not transport.messages and clock.now() < START + timedelta(hours=2):
            clock.advance(timedelta(seconds=15))
            await asyncio.sleep(0.01)
        assert transport.keys() == ["tp1w1"]
        assert transport.send_times[0] - status.next_due <= timedelta(seconds=60)
    finally:
        await first.stop()
        await second.stop()
        await other_db.close()


async def test_a_row_failing_before_its_claim_does_not_spin_the_loop(db, library):
    clock = ManualClock(START)
    transport = FakeTransport(clock)
    calls = []

    def broken(step, row):
        if step == "before_claim":
            calls.append(clock.now())
            raise RuntimeError("a bug before the claim")

    service = PlanService(db, library, clock)
    dispatcher = make_dispatcher(service, transport, clock, checkpoint=broken)
    await start_plan(service)
    clock.set(WEEK1)
    await dispatcher.start()
    try:
        await eventually(lambda: calls and clock.sleepers == 1)
        await asyncio.sleep(0.2)  # real time passes, the fake clock does not
        assert len(calls) == 1  # it waits 5 s (fake) before the next try, not 0
        clock.advance(timedelta(seconds=5))
        await eventually(lambda: len(calls) == 2)
    finally:
        await dispatcher.stop()
