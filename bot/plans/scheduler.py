"""Derives what should be scheduled from what is stored, and composes reminder payloads.

The subscription row holds the truth (status, the next unsent week `next_week`, and an
anchor: week `anchor_week` falls on local date `anchor_date`); sends that went out are
rows in state 'sent'. `ensure_next` recomputes the one pending row a live subscription
needs from that truth, so it can run any number of times, after any crash, and converge.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from bot.plans.checkins import CheckinStore
from bot.plans.library import Plan, PlanLibrary, PlanWeek
from bot.plans.payload import BlockProgress, ReminderPayload, WeekView, send_key
from bot.plans.practice import PracticeQuestion, PracticeSource
from bot.plans.store import PlanStore, SendRow, Subscription
from bot.plans.timecalc import local_date_of_week, week_due, zone

log = logging.getLogger(__name__)

ReviewsDue = Callable[[int], int | Awaitable[int]]
UNIT_WEEKS = {"weekly": 1, "monthly": 4}  # plan weeks between two reminders


def reminder_member(sub: Subscription, row: SendRow | None = None) -> int | None:
    """Whose reminder it is: the snoozing member, the owner of a DM plan, or nobody (a
    channel post). Their ticks show, and their review count (which is personal)."""
    if row is not None and row.kind == "snooze":
        return row.member_id
    return sub.member_id if sub.target.kind == "dm" else None


async def count_reviews(source: ReviewsDue | None, member: int | None) -> int | None:
    """The member's due reviews for a personal reminder; None for a channel post, without
    a source, or when the source fails (a quiz problem must not stop a reminder)."""
    if member is None or source is None:
        return None
    try:
        result = source(member)
        if inspect.isawaitable(result):
            result = await result
        return int(result)
    except Exception:
        log.exception("counting a member's due reviews failed; the reminder goes without it")
        return None


def block_progress(plan: Plan, week: PlanWeek, done: dict[int, set[int]] | None
                   ) -> BlockProgress:
    """The member's distinct tasks done across the week's chapter block (a task repeated
    over a multi-week step counts once, ticked in any of its weeks), and the weeks left."""
    weeks = [plan.week(n) for n in range(week.block_first, week.block_last + 1)]
    every = {t.text for w in weeks for t in w.tasks}
    left = week.block_last - week.week
    if done is None:
        return BlockProgress(week.block_label, left, unit=week.unit)
    ticked = {t.text for w in weeks for t in w.tasks if t.index in done.get(w.week, set())}
    return BlockProgress(week.block_label, left, len(ticked), len(every), week.unit)


class Scheduler:
    def __init__(self, store: PlanStore, library: PlanLibrary,
                 practice: PracticeSource | None = None) -> None:
        self.store = store
        self.library = library
        self.practice = practice  # bank questions for a week; None without a quiz bank
        self.checkins = CheckinStore(store.db)

    def plan_of(self, sub: Subscription) -> Plan:
        """The plan as this subscription steps through it: by week, or by month."""
        return self.library.plan_for(sub.plan_id, sub.cadence)

    def due_at(self, sub: Subscription, week: int) -> datetime:
        """When entry `week` is due. A monthly plan's entries are four weeks apart, which
        is the weekly rule counted in weeks (so the same local weekday and time)."""
        step = UNIT_WEEKS[sub.cadence]
        return week_due(sub.anchor_date, sub.anchor_week * step, week * step, sub.local_time,
                        zone(sub.timezone))

    @staticmethod
    def local_date(sub: Subscription, week: int) -> date:
        step = UNIT_WEEKS[sub.cadence]
        return local_date_of_week(sub.anchor_date, sub.anchor_week * step, week * step)

    def overdue_through(self, sub: Subscription, week: int, now: datetime) -> int:
        """The last week from `week` on that is already due at `now` (at least `week`).
        More than one overdue week means the bot was down: they go out as one catch-up."""
        last = week
        total = self.plan_of(sub).total_weeks
        while last < total and self.due_at(sub, last + 1) <= now:
            last += 1
        return last

    async def ensure_next(self, subscription_id: int, now: datetime) -> None:
        """Bring one subscription's cursor and pending row in line with its stored state."""
        sub = await self.store.subscription(subscription_id)
        if sub is None:
            return
        total = self.plan_of(sub).total_weeks
        sent_through = await self.store.last_sent_week(sub.id)
        if sent_through is not None and sent_through >= sub.next_week:
            await self.store.advance_cursor(sub.id, sent_through + 1, total, now)
            sub = await self.store.subscription(sub.id)
        await self.store.mark_stale_skipped(sub.id, sub.next_week)
        if sub.status == "stopped":
            await self.store.cancel_pending(sub.id)
            return
        if sub.next_week > total:
            if sub.status == "active":
                await self.store.advance_cursor(sub.id, sub.next_week, total, now)
            return
        if sub.status != "active":
            return  # a paused plan keeps its row; resume re-times it
        week = sub.next_week
        await self.store.upsert_week_send(sub, week, send_key(sub.id, week),
                                          self.due_at(sub, week), now)

    async def ensure_all(self, now: datetime) -> int:
        """Recovery: every active subscription gets its cursor and next row back."""
        await self.store.repair_cursors()
        subs = await self.store.active_subscriptions()
        for sub in subs:
            await self.ensure_next(sub.id, now)
        return len(subs)

    async def week_view(self, sub: Subscription, week: int, member_id: int | None) -> WeekView:
        plan = self.plan_of(sub)
        all_done = await self.store.done_by(sub.id, member_id) if member_id is not None \
            else None
        done = all_done.get(week, set()) if all_done is not None else set()
        counts = None
        if sub.target.kind == "channel":
            counts = (await self.store.done_counts(sub.id, week, week)).get(week, {})
        checkin = await self.checkins.get(sub.id, week, member_id) \
            if member_id is not None else None
        return WeekView.of(plan.week(week), plan.total_weeks, done, counts,
                           practice=self.practice_for(plan.week(week)),
                           progress=block_progress(plan, plan.week(week), all_done),
                           checkin=checkin.text if checkin else None)

    def practice_for(self, week: PlanWeek) -> tuple[PracticeQuestion, ...]:
        """A few bank questions for the week; none when there is no bank or it fails (a
        quiz problem must not stop a reminder)."""
        if self.practice is None or not week.practice_topics:
            return ()
        try:
            return tuple(self.practice(week))
        except Exception:
            log.exception("practice questions for %s week %d failed", week.plan_id, week.week)
            return ()

    async def compose(self, sub: Subscription, row: SendRow,
                      reviews_due: int | None) -> ReminderPayload:
        """The payload for a send row, built at send time so progress counts are fresh."""
        plan = self.plan_of(sub)
        member = reminder_member(sub, row)
        views = [await self.week_view(sub, w, member) for w in range(row.week, row.last_week + 1)]
        recap = None
        if sub.target.kind == "channel" and row.kind != "snooze" and row.week > 1:
            recap = await self.week_view(sub, row.week - 1, None)
        return ReminderPayload(
            key=row.key, kind=row.kind, subscription_id=sub.id, plan_id=plan.plan_id,
            plan_title=plan.title, weeks=tuple(views), reviews_due=reviews_due, recap=recap,
        )
