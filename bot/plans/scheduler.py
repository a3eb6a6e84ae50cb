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
from datetime import datetime

from bot.plans.library import Plan, PlanLibrary
from bot.plans.payload import ReminderPayload, WeekView, send_key
from bot.plans.store import PlanStore, SendRow, Subscription
from bot.plans.timecalc import week_due, zone

log = logging.getLogger(__name__)

ReviewsDue = Callable[[int], int | Awaitable[int]]


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


class Scheduler:
    def __init__(self, store: PlanStore, library: PlanLibrary) -> None:
        self.store = store
        self.library = library

    def plan_of(self, sub: Subscription) -> Plan:
        return self.library.plan(sub.plan_id)

    def due_at(self, sub: Subscription, week: int) -> datetime:
        return week_due(sub.anchor_date, sub.anchor_week, week, sub.local_time,
                        zone(sub.timezone))

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
        done = (await self.store.done_by(sub.id, member_id)).get(week, set()) \
            if member_id is not None else set()
        counts = None
        if sub.target.kind == "channel":
            counts = (await self.store.done_counts(sub.id, week, week)).get(week, {})
        return WeekView.of(plan.week(week), plan.total_weeks, done, counts)

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
