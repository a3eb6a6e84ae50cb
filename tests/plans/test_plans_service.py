"""The member-facing API: time zones, starting, controls, permissions, progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from plans_doubles import START

from bot.plans.service import PlanConflict, PlanError, PlanPermissionError
from bot.plans.transport import Target

WEEK1 = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)


async def test_timezone_falls_back_from_member_to_server_to_default(service):
    assert await service.resolve_timezone(1, 7) == ("Asia/Tokyo", "default")
    await service.set_server_timezone(7, "Europe/Berlin")
    assert await service.resolve_timezone(1, 7) == ("Europe/Berlin", "server")
    assert await service.resolve_timezone(1, None) == ("Asia/Tokyo", "default")
    await service.set_member_timezone(1, "America/New_York")
    assert await service.resolve_timezone(1, 7) == ("America/New_York", "member")
    with pytest.raises(PlanError, match="unknown time zone"):
        await service.set_member_timezone(1, "Tokyo")


async def test_start_uses_the_resolved_zone_and_stores_it(service):
    await service.set_server_timezone(7, "Europe/Berlin")
    server = await service.start(1, "3m", guild_id=7, weekday="mon", at="09:00")
    assert (server.timezone, server.timezone_source) == ("Europe/Berlin", "server")
    assert server.next_due == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    explicit = await service.start(2, "3m", guild_id=7, weekday="mon", at="09:00",
                                   timezone="UTC")
    assert (explicit.timezone_source, explicit.next_due) == \
        ("explicit", datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    # The stored zone is the plan's own: changing the server default later moves nothing.
    await service.set_server_timezone(7, "Asia/Tokyo")
    assert (await service.status(server.subscription_id)).next_due == server.next_due


async def test_a_members_new_zone_moves_plans_that_followed_it(service):
    await service.set_member_timezone(1, "Asia/Tokyo")
    following = await service.start(1, "3m", weekday="mon", at="09:00")
    group = await service.start(1, "1y", target=Target.channel(9), weekday="mon",
                                at="09:00")
    assert group.timezone_source == "member"
    assert following.next_due == WEEK1
    assert await service.set_member_timezone(1, "Europe/London") == 1
    moved = await service.status(following.subscription_id)
    assert (moved.timezone, moved.next_due) == ("Europe/London",
                                                datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    assert (await service.status(group.subscription_id)).next_due == WEEK1  # stays put


async def test_a_dm_plan_on_a_fallback_zone_follows_the_member_but_explicit_stays(service):
    fallback = await service.start(1, "3m", weekday="mon", at="09:00")
    explicit = await service.start(2, "3m", weekday="mon", at="09:00", timezone="Asia/Tokyo")
    assert fallback.timezone_source == "default"
    assert await service.set_member_timezone(1, "UTC") == 1
    assert await service.set_member_timezone(2, "UTC") == 0
    assert (await service.status(fallback.subscription_id)).next_due == \
        datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert (await service.status(explicit.subscription_id)).next_due == WEEK1


async def test_start_validates_its_input(service, clock):
    with pytest.raises(PlanError, match="unknown plan"):
        await service.start(1, "6m")
    with pytest.raises(PlanError, match="unknown time zone"):
        await service.start(1, "3m", timezone="Mars/Base")
    with pytest.raises(PlanError, match="in the past"):
        await service.start(1, "3m", start_date=date(2025, 12, 1))
    with pytest.raises(PlanError, match="weekday"):
        await service.start(1, "3m", weekday="someday")
    with pytest.raises(PlanError, match="time like 09:00"):
        await service.start(1, "3m", at="9am")
    later = await service.start(1, "3m", start_date=date(2026, 2, 1), weekday="wed",
                                at=time(7, 15))
    assert later.next_due_local.date() == date(2026, 2, 4)  # first Wednesday from Feb 1
    assert later.next_due_local.time() == time(7, 15)


async def test_default_start_is_today_on_todays_weekday(service, clock):
    clock.set(datetime(2026, 1, 7, 0, 0, tzinfo=UTC))  # Wednesday 09:00 Tokyo
    status = await service.start(1, "3m", at="10:00")
    assert status.next_due_local == datetime(2026, 1, 7, 10, 0, tzinfo=status.next_due_local
                                             .tzinfo)


async def test_one_live_plan_per_dm_or_channel(service):
    await service.start(1, "3m")
    with pytest.raises(PlanConflict):
        await service.start(1, "1y")
    await service.start(1, "1y", target=Target.channel(500))  # a channel plan is separate
    with pytest.raises(PlanConflict):
        await service.start(2, "3y", target=Target.channel(500))
    await service.start(2, "3y", target=Target.channel(501))
    assert [s.plan_id for s in await service.statuses(1)] == ["3m", "1y"]
    found = await service.subscription_for(Target.channel(500))
    assert found is not None and found.member_id == 1


async def test_only_the_owner_or_a_moderator_controls_a_plan(service):
    status = await service.start(1, "3m", target=Target.channel(500))
    with pytest.raises(PlanPermissionError):
        await service.pause(status.subscription_id, 2)
    paused = await service.pause(status.subscription_id, 2, moderator=True)
    assert paused.status == "paused" and paused.paused_reason == "paused"
    with pytest.raises(PlanError, match="only an active plan"):
        await service.pause(status.subscription_id, 1)
    with pytest.raises(PlanPermissionError):
        await service.stop(status.subscription_id, 3)
    assert (await service.resume(status.subscription_id, 1)).status == "active"
    with pytest.raises(PlanError, match="only a paused plan"):
        await service.resume(status.subscription_id, 1)
    assert (await service.stop(status.subscription_id, 1)).status == "stopped"
    with pytest.raises(PlanError, match="already ended"):
        await service.stop(status.subscription_id, 1)
    with pytest.raises(PlanError, match="has ended"):
        await service.skip(status.subscription_id, 1)


async def test_progress_marks_and_permissions(service):
    personal = await service.start(1, "3m")
    with pytest.raises(PlanPermissionError):
        await service.mark_done(personal.subscription_id, 2, 1, 0)
    with pytest.raises(PlanError, match="tasks 1-4"):
        await service.mark_done(personal.subscription_id, 1, 1, 4)
    with pytest.raises(PlanError, match="weeks 1-12"):
        await service.mark_done(personal.subscription_id, 1, 13, 0)
    group = await service.start(1, "3m", target=Target.channel(500))
    assert (await service.mark_done(group.subscription_id, 2, 1, 1)).done_count == 1
    assert (await service.mark_done(group.subscription_id, 3, 1, 1)).done_count == 2
    assert (await service.mark_done(group.subscription_id, 3, 1, 1)).done_count == 2  # again
    undone = await service.mark_done(group.subscription_id, 2, 1, 1, done=False)
    assert (undone.done, undone.done_count) == (False, 1)


async def test_show_status_and_payload_for_a_week(service, dispatcher, clock):
    status = await service.start(1, "3m", weekday="mon")
    first = await service.show(status.subscription_id, member_id=1)
    assert first.week == 1  # nothing sent yet: the next week
    clock.set(WEEK1)
    await dispatcher.run_due()
    await service.mark_done(status.subscription_id, 1, 1, 0)
    await service.mark_done(status.subscription_id, 1, 1, 3)
    view = await service.show(status.subscription_id, member_id=1)
    assert view.week == 1 and [t.done for t in view.tasks] == [True, False, False, True]
    now = await service.status(status.subscription_id)
    assert (now.current_week, now.tasks_done, now.tasks_total) == (1, 2, 4)
    payload = await service.week_payload(status.subscription_id, 1)
    assert payload.key == "tp1w1" and "✅ 1. 変数" in payload.description()
    preview = service.show_plan("3y", 156)
    assert preview.focus.ja == "業界リーダー" and len(preview.tasks) == 4  # side by side
    with pytest.raises(PlanError):
        service.show_plan("3y", 0)


async def test_snooze_needs_a_sent_week_and_an_active_plan(service, dispatcher, clock):
    status = await service.start(1, "3m", target=Target.channel(500), weekday="mon")
    with pytest.raises(PlanError, match="already sent"):
        await service.snooze(status.subscription_id, 2)
    clock.set(WEEK1)
    await dispatcher.run_due()
    due = await service.snooze(status.subscription_id, 2)
    assert due == WEEK1 + timedelta(days=1)
    rows = [r for r in await service.store.sends_of(1) if r.kind == "snooze"]
    assert [(r.key, r.target) for r in rows] == [("tp1w1z1", Target.dm(2))]  # to the member
    second = await service.snooze(status.subscription_id, 3)  # another member: own snooze
    assert second == due
    assert [r.key for r in await service.store.sends_of(1) if r.kind == "snooze"] == \
        ["tp1w1z1", "tp1w1z2"]
    await service.pause(status.subscription_id, 1)
    with pytest.raises(PlanError, match="not active"):
        await service.snooze(status.subscription_id, 2)


async def test_skipping_the_last_week_finishes_the_plan(service, dispatcher, clock):
    status = await service.start(1, "3m", weekday="mon")
    for week in range(1, 12):
        clock.set(WEEK1 + timedelta(weeks=week - 1))
        await dispatcher.run_due()
    done = await service.skip(status.subscription_id, 1)
    assert done.status == "finished" and done.next_week is None
    clock.set(START + timedelta(weeks=20))
    assert await dispatcher.run_due() == 0
