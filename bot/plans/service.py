"""What members can do with study plans: the API the Discord cog (and tests) call.

Nothing here talks to Discord. Every change that affects when something is sent calls
`wake()` so the dispatcher re-reads its earliest due row at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from bot.clock import Clock
from bot.plans.checkins import CheckIn, clean_checkin
from bot.plans.library import CADENCES, Plan, PlanLibrary, Text, load_library
from bot.plans.payload import ReminderPayload, WeekView, send_key
from bot.plans.practice import PracticeSource
from bot.plans.scheduler import ReviewsDue, Scheduler, count_reviews, reminder_member
from bot.plans.store import PlanConflict, PlanStore, Subscription
from bot.plans.timecalc import (
    first_slot_date,
    parse_time,
    parse_weekday,
    today_in,
    zone,
)
from bot.plans.timeline import render_timeline
from bot.plans.transport import Target, reason_text
from bot.storage.db import Database

log = logging.getLogger(__name__)

SNOOZE = timedelta(days=1)

STUDY_LOG_SHOWN = 5

__all__ = ["PlanConflict", "PlanError", "PlanPermissionError", "PlanService",
           "SubscriptionStatus", "TaskProgress"]


class PlanError(ValueError):
    """A request that cannot be done as asked; the message is fit to show the member."""


class PlanPermissionError(PlanError):
    """Only the plan's owner (or a moderator) may change it."""


@dataclass(frozen=True)
class SubscriptionStatus:
    subscription_id: int
    plan_id: str
    plan_title: Text
    guild_id: int | None
    member_id: int
    target: Target
    status: str  # active | paused | stopped | finished
    paused_reason: str | None
    paused_text: str
    timezone: str
    timezone_source: str  # explicit | member | server | default
    weekday: int
    local_time: time
    next_week: int | None  # None once finished or stopped
    next_due: datetime | None  # UTC; None unless active
    next_due_local: datetime | None  # the same instant in the plan's time zone
    last_sent_week: int | None
    total_weeks: int
    tasks_done: int  # by the owner
    tasks_total: int  # in the weeks sent so far
    study_log: tuple[CheckIn, ...] = ()  # the owner's latest check-ins, newest first
    cadence: str = "weekly"  # monthly: next_week/total_weeks count months
    # The next reminder is being retried after this error (checked against the target's
    # history before any resend); None when delivery is going normally.
    retrying_after: str | None = None

    @property
    def current_week(self) -> int | None:
        return self.last_sent_week


@dataclass(frozen=True)
class TaskProgress:
    subscription_id: int
    week: int
    task_index: int
    member_id: int
    done: bool
    done_count: int  # members who marked this task done


class PlanService:
    def __init__(self, db: Database, library: PlanLibrary, clock: Clock, *,
                 default_timezone: str = "Asia/Tokyo",
                 wake: Callable[[], None] | None = None,
                 reviews_due: ReviewsDue | None = None,
                 practice: PracticeSource | None = None) -> None:
        zone(default_timezone)  # fail at start-up, not at the first /plan start
        self.store = PlanStore(db)
        self.library = library
        self.clock = clock
        self.scheduler = Scheduler(self.store, library, practice)
        self.checkins = self.scheduler.checkins
        self.default_timezone = default_timezone
        self._wake = wake or (lambda: None)
        self.reviews_due = reviews_due  # the same source the dispatcher's reminders use

    @classmethod
    def open(cls, db: Database, knowledge_dir: Path, clock: Clock, **options) -> PlanService:
        return cls(db, load_library(knowledge_dir / "plans.yaml"), clock, **options)

    def set_wake(self, wake: Callable[[], None]) -> None:
        self._wake = wake

    # --- time zones --------------------------------------------------------------------

    async def set_member_timezone(self, member_id: int, timezone: str) -> int:
        """Store a member's zone. Their live DM plans move to it unless they were started
        with an explicit zone; channel plans keep theirs (a group, not one member, owns
        the time). Returns how many plans were re-timed."""
        self._zone(timezone)
        now = self.clock.now()
        await self.store.set_member_timezone(member_id, timezone, now)
        moved = 0
        for sub in await self.store.subscriptions_of(member_id):
            if sub.target.kind == "dm" and sub.timezone_source != "explicit" \
                    and sub.timezone != timezone:
                await self.store.set_timezone(sub.id, timezone, "member", now)
                await self.scheduler.ensure_next(sub.id, now)
                moved += 1
        if moved:
            self._wake()
        return moved

    async def set_server_timezone(self, guild_id: int, timezone: str) -> None:
        self._zone(timezone)
        await self.store.set_server_timezone(guild_id, timezone)

    async def resolve_timezone(self, member_id: int, guild_id: int | None) -> tuple[str, str]:
        """(zone, source): the member's own, else the server's, else the bot default."""
        own = await self.store.member_timezone(member_id)
        if own:
            return own, "member"
        if guild_id is not None:
            server = await self.store.server_timezone(guild_id)
            if server:
                return server, "server"
        return self.default_timezone, "default"

    # --- subscriptions -----------------------------------------------------------------

    async def start(self, member_id: int, plan_id: str, *, guild_id: int | None = None,
                    target: Target | None = None, start_date: date | None = None,
                    weekday: int | str | None = None, at: time | str = "09:00",
                    timezone: str | None = None, cadence: str = "weekly"
                    ) -> SubscriptionStatus:
        """Subscribe a member's DMs (default) or a channel to a plan.

        Week 1 goes out on the first `weekday` on or after `start_date` (default: today in
        the plan's zone) whose `at` is still ahead; each later week 7 local days after.
        With cadence "monthly" one reminder holds four weeks and comes every 28 days."""
        plan = self._plan(plan_id)
        if cadence not in CADENCES:
            raise PlanError(f"unknown cadence {cadence!r}; choose weekly or monthly")
        if timezone:
            tz_name, source = timezone, "explicit"
        else:
            tz_name, source = await self.resolve_timezone(member_id, guild_id)
        tz = self._zone(tz_name)
        now = self.clock.now()
        today = today_in(tz, now)
        start_date = start_date or today
        if start_date < today:
            raise PlanError(f"the start date {start_date} is in the past")
        try:
            day = parse_weekday(weekday) if weekday is not None else start_date.weekday()
            at_time = parse_time(at) if isinstance(at, str) else at.replace(second=0,
                                                                            microsecond=0)
        except ValueError as problem:
            raise PlanError(str(problem)) from problem
        anchor = first_slot_date(start_date, day, at_time, tz, now)
        subscription_id = await self.store.create_subscription(
            guild_id=guild_id, member_id=member_id, plan_id=plan.plan_id,
            target=target or Target.dm(member_id), timezone=tz_name, timezone_source=source,
            weekday=day, local_time=at_time, start_date=start_date, anchor_date=anchor,
            now=now, cadence=cadence)
        await self.scheduler.ensure_next(subscription_id, now)
        self._wake()
        # No member id at INFO (privacy): the subscription id finds the row when needed.
        log.info("plan %s started (subscription %d)", plan_id, subscription_id)
        return await self.status(subscription_id)

    async def status(self, subscription_id: int) -> SubscriptionStatus:
        sub = await self._sub(subscription_id)
        plan = self.scheduler.plan_of(sub)
        last_sent = await self.store.last_sent_week(sub.id)
        next_week = sub.next_week if sub.next_week <= plan.total_weeks and \
            sub.status in ("active", "paused") else None
        # A paused plan has no next time; it gets one on resume.
        next_due = self.scheduler.due_at(sub, next_week) \
            if next_week and sub.status == "active" else None
        retrying_after = None
        if next_due is not None:
            row = await self.store.cursor_row(sub.id, next_week)
            if row is not None and row.state in ("pending", "sending"):
                next_due = max(row.run_at, row.due_at)  # a backoff may delay it
                retrying_after = row.last_error
        done = await self.store.done_by(sub.id, sub.member_id)
        sent_weeks = range(1, (last_sent or 0) + 1)
        return SubscriptionStatus(
            subscription_id=sub.id, plan_id=plan.plan_id, plan_title=plan.title,
            guild_id=sub.guild_id, member_id=sub.member_id, target=sub.target,
            status=sub.status, paused_reason=sub.paused_reason,
            paused_text=reason_text(sub.paused_reason), timezone=sub.timezone,
            timezone_source=sub.timezone_source, weekday=sub.weekday,
            local_time=sub.local_time, next_week=next_week, next_due=next_due,
            next_due_local=next_due.astimezone(zone(sub.timezone)) if next_due else None,
            last_sent_week=last_sent, total_weeks=plan.total_weeks,
            tasks_done=sum(len(v) for w, v in done.items() if w in sent_weeks),
            tasks_total=sum(len(plan.week(w).tasks) for w in sent_weeks),
            study_log=tuple(await self.checkins.log(sub.id, sub.member_id, STUDY_LOG_SHOWN)),
            cadence=sub.cadence,
            retrying_after=retrying_after,
        )

    async def statuses(self, member_id: int, live_only: bool = True
                       ) -> list[SubscriptionStatus]:
        return [await self.status(s.id)
                for s in await self.store.subscriptions_of(member_id, live_only)]

    async def subscription_for(self, target: Target) -> SubscriptionStatus | None:
        sub = await self.store.live_subscription_for(target)
        return await self.status(sub.id) if sub else None

    async def pause(self, subscription_id: int, actor_id: int, *, moderator: bool = False
                    ) -> SubscriptionStatus:
        await self._owned(subscription_id, actor_id, moderator)
        if not await self.store.set_status(subscription_id, "paused", self.clock.now(),
                                           only_from=("active",), reason="paused"):
            raise PlanError("only an active plan can be paused")
        self._wake()
        return await self.status(subscription_id)

    async def resume(self, subscription_id: int, actor_id: int, *, moderator: bool = False
                     ) -> SubscriptionStatus:
        """Continue from the first unsent week. If its time passed while the plan was
        paused it goes out now, and the weekly rhythm restarts at the next regular slot;
        otherwise the original schedule simply continues."""
        sub = await self._owned(subscription_id, actor_id, moderator)
        if sub.status != "paused":
            raise PlanError("only a paused plan can be resumed")
        now = self.clock.now()
        anchor_week, anchor_date = sub.anchor_week, sub.anchor_date
        if sub.next_week <= self.scheduler.plan_of(sub).total_weeks and \
                self.scheduler.due_at(sub, sub.next_week) <= now:
            tz = zone(sub.timezone)
            anchor_week = sub.next_week + 1
            anchor_date = first_slot_date(today_in(tz, now), sub.weekday, sub.local_time, tz,
                                          now)
        if not await self.store.resume(sub.id, anchor_week, anchor_date, now):
            raise PlanError("only a paused plan can be resumed")
        await self.scheduler.ensure_next(sub.id, now)
        self._wake()
        return await self.status(sub.id)

    async def skip(self, subscription_id: int, actor_id: int, *, moderator: bool = False
                   ) -> SubscriptionStatus:
        """Skip the next unsent week: it is never sent, and the week after it takes its
        slot (so the plan moves one week ahead; the calendar rhythm is unchanged)."""
        sub = await self._owned(subscription_id, actor_id, moderator)
        if sub.status not in ("active", "paused"):
            raise PlanError("this plan has ended")
        week = sub.next_week
        if week > self.scheduler.plan_of(sub).total_weeks:
            raise PlanError("there is no week left to skip")
        row = await self.store.cursor_row(sub.id, week)
        if row is not None and row.state == "sending":
            raise PlanError(f"week {week} is being sent right now")
        slot = self.scheduler.local_date(sub, week)
        now = self.clock.now()
        if not await self.store.skip_to(sub.id, week, slot, now):
            raise PlanError("the plan changed meanwhile; try again")
        await self.scheduler.ensure_next(sub.id, now)
        self._wake()
        log.info("subscription %d skipped week %d", sub.id, week)
        return await self.status(sub.id)

    async def stop(self, subscription_id: int, actor_id: int, *, moderator: bool = False
                   ) -> SubscriptionStatus:
        await self._owned(subscription_id, actor_id, moderator)
        if not await self.store.set_status(subscription_id, "stopped", self.clock.now(),
                                           only_from=("active", "paused")):
            raise PlanError("this plan has already ended")
        await self.store.cancel_pending(subscription_id)
        self._wake()
        return await self.status(subscription_id)

    # --- weeks, progress, snooze -------------------------------------------------------

    async def show(self, subscription_id: int, week: int | None = None,
                   member_id: int | None = None) -> WeekView:
        """One week of a subscription with `member_id`'s ticks (and, for a channel plan,
        every task's count). Default: the week most recently sent, else the next one."""
        sub = await self._sub(subscription_id)
        plan = self.scheduler.plan_of(sub)
        if week is None:
            week = await self.store.last_sent_week(sub.id) or min(sub.next_week,
                                                                   plan.total_weeks)
        self._check_week(plan, week)
        return await self.scheduler.week_view(sub, week, member_id)

    def show_plan(self, plan_id: str, week: int = 1) -> WeekView:
        """A week of a plan without any subscription (the `/plan show 3m 5` preview)."""
        plan = self._plan(plan_id)
        self._check_week(plan, week)
        return WeekView.of(plan.week(week), plan.total_weeks,
                           practice=self.scheduler.practice_for(plan.week(week)))

    async def week_payload(self, subscription_id: int, week: int,
                           member_id: int | None = None) -> ReminderPayload:
        """A fresh payload for a week already posted, e.g. to edit the message after a
        member presses a task's "done" button: built like the original reminder (a DM
        plan's keeps its owner's reviews-due line), with fresh ticks and counts."""
        sub = await self._sub(subscription_id)
        plan = self.scheduler.plan_of(sub)
        self._check_week(plan, week)
        owner = reminder_member(sub)
        view = await self.scheduler.week_view(
            sub, week, member_id if member_id is not None else owner)
        return ReminderPayload(key=send_key(sub.id, week), kind="week", subscription_id=sub.id,
                               plan_id=plan.plan_id, plan_title=plan.title, weeks=(view,),
                               reviews_due=await count_reviews(self.reviews_due, owner))

    async def mark_done(self, subscription_id: int, member_id: int, week: int,
                        task_index: int, done: bool = True) -> TaskProgress:
        sub = await self._sub(subscription_id)
        plan = self.scheduler.plan_of(sub)
        self._check_week(plan, week)
        if not 0 <= task_index < len(plan.week(week).tasks):
            raise PlanError(f"week {week} has tasks 1-{len(plan.week(week).tasks)}")
        if sub.target.kind == "dm" and member_id != sub.member_id:
            raise PlanPermissionError("this is someone else's personal plan")
        await self.store.set_done(sub.id, week, task_index, member_id, done, self.clock.now())
        counts = await self.store.done_counts(sub.id, week, week)
        return TaskProgress(sub.id, week, task_index, member_id, done,
                            counts.get(week, {}).get(task_index, 0))

    async def check_in(self, subscription_id: int, member_id: int, week: int, text: str
                       ) -> CheckIn:
        """Store the member's one line about a week already sent ("what did you do this
        week?"); writing again for the same week replaces it. It shows in their study log
        (`status().study_log`, `study_log`) and in that week's reminder when redrawn."""
        sub = await self._sub(subscription_id)
        if sub.target.kind == "dm" and member_id != sub.member_id:
            raise PlanPermissionError("this is someone else's personal plan")
        last_sent = await self.store.last_sent_week(sub.id)
        if last_sent is None or not 1 <= week <= last_sent:
            raise PlanError("you can check in only for a week that was already sent")
        line = clean_checkin(text)
        if not line:
            raise PlanError("write one line about what you did this week")
        await self.checkins.save(sub.id, week, member_id, line, self.clock.now())
        return await self.checkins.get(sub.id, week, member_id)

    async def study_log(self, subscription_id: int, member_id: int,
                        limit: int = STUDY_LOG_SHOWN) -> list[CheckIn]:
        """The member's check-ins on a plan, newest week first."""
        await self._sub(subscription_id)
        return await self.checkins.log(subscription_id, member_id, limit)

    async def snooze(self, subscription_id: int, member_id: int, week: int | None = None,
                     delay: timedelta = SNOOZE) -> datetime:
        """Send `week` (default: the latest sent) again to the member's DMs after `delay`.
        Pressing snooze twice keeps one pending snooze. Returns when it will arrive."""
        sub = await self._sub(subscription_id)
        if sub.status not in ("active", "finished"):  # the last week can be snoozed too
            raise PlanError("this plan is not active")
        if sub.target.kind == "dm" and member_id != sub.member_id:
            raise PlanPermissionError("this is someone else's personal plan")
        last_sent = await self.store.last_sent_week(sub.id)
        week = week or last_sent
        if week is None or last_sent is None or not 1 <= week <= last_sent:
            raise PlanError("only a week that was already sent can be snoozed")
        earlier = await self.store.snoozes(sub.id, week)
        for row in earlier:
            if row.member_id == member_id and row.state in ("pending", "sending"):
                return row.due_at
        due = self.clock.now() + delay
        number = len(earlier) + 1
        while not await self.store.insert_snooze(sub.id, send_key(sub.id, week, number), week,
                                                 member_id, Target.dm(member_id), due,
                                                 self.clock.now()):
            number += 1  # another snooze for this week took the number meanwhile
        self._wake()
        return due

    async def dms_closed(self, member_id: int) -> bool:
        """Whether the member's DMs are known to be closed: the latest DM the bot tried to
        send them was refused (Discord 403/50007) and none has gone through since. A
        snooze sent now would fail the same way unless they open their DMs first."""
        return await self.store.dm_refused(member_id)

    # --- the timeline picture ----------------------------------------------------------

    async def timeline_png(self, *, subscription_id: int | None = None,
                           plan_id: str | None = None, member_id: int | None = None,
                           week: int | None = None, language: str = "en") -> bytes:
        """The plan's weeks as a PNG: blocks coloured, the current week outlined, each
        week filled by the share of its tasks `member_id` has done. A preview (plan_id)
        outlines `week`, the week it shows. Rendered in a worker thread so the event loop
        keeps running."""
        current = week
        done: dict[int, set[int]] = {}
        if subscription_id is not None:
            sub = await self._sub(subscription_id)
            plan = self.scheduler.plan_of(sub)
            current = await self.store.last_sent_week(sub.id)
            done = await self.store.done_by(sub.id, member_id or sub.member_id)
        elif plan_id is not None:
            plan = self._plan(plan_id)
        else:
            raise PlanError("give a subscription or a plan")
        return await asyncio.to_thread(render_timeline, plan, current, done, language=language)

    # --- helpers -----------------------------------------------------------------------

    def _plan(self, plan_id: str) -> Plan:
        try:
            return self.library.plan(plan_id)
        except ValueError as problem:
            raise PlanError(str(problem)) from problem

    def _zone(self, name: str) -> tzinfo:
        try:
            return zone(name)
        except ValueError as problem:
            raise PlanError(str(problem)) from problem

    @staticmethod
    def _check_week(plan: Plan, week: int) -> None:
        if not 1 <= week <= plan.total_weeks:
            raise PlanError(f"plan {plan.plan_id} has weeks 1-{plan.total_weeks}")

    async def _sub(self, subscription_id: int) -> Subscription:
        sub = await self.store.subscription(subscription_id)
        if sub is None:
            raise PlanError(f"no study plan #{subscription_id}")
        return sub

    async def _owned(self, subscription_id: int, actor_id: int, moderator: bool
                     ) -> Subscription:
        sub = await self._sub(subscription_id)
        if actor_id != sub.member_id and not moderator:
            raise PlanPermissionError("only the member who started this plan, or a "
                                      "moderator, can change it")
        return sub
