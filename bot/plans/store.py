"""SQL for plan subscriptions, their scheduled sends and task progress (migration 0003).

Claims carry a lease (migration 0008): `lease_owner` names the process (this store's
`owner`) and `lease_until` when another process may take the row over. Every write a
delivery makes after its claim is conditional on still holding the lease, so a process
that was presumed dead cannot overwrite the work of the one that took over.

Every method is one statement that commits before returning (Database.execute), so each
step of a delivery is durable on its own: the exactly-once argument in dispatcher.py
relies on that, and on never needing two statements to be atomic together — anything
derived (the next week's row, the subscription's cursor) is recomputed idempotently.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.plans.transport import Target
from bot.storage.db import Database, IntegrityError, sql_now

log = logging.getLogger(__name__)

LIVE = ("active", "paused")
CURSOR_KINDS = ("week", "catchup")  # sends that move a subscription forward


class PlanConflict(ValueError):
    """The DM or channel already has a live plan."""


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the plan store")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


@dataclass(frozen=True)
class Subscription:
    id: int
    guild_id: int | None
    member_id: int
    plan_id: str
    target: Target
    timezone: str
    timezone_source: str
    weekday: int
    local_time: time
    start_date: date
    anchor_week: int
    anchor_date: date
    next_week: int
    status: str
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime
    cadence: str = "weekly"  # or "monthly" (migration 0005)

    @classmethod
    def from_row(cls, row) -> Subscription:
        hours, minutes = row["local_time"].split(":")
        return cls(
            id=row["id"], guild_id=row["guild_id"], member_id=row["member_id"],
            plan_id=row["plan"], target=Target(row["target_kind"], row["target_id"]),
            timezone=row["timezone"], timezone_source=row["timezone_source"],
            weekday=row["weekday"], local_time=time(int(hours), int(minutes)),
            start_date=date.fromisoformat(row["start_date"]),
            anchor_week=row["anchor_week"], anchor_date=date.fromisoformat(row["anchor_date"]),
            next_week=row["next_week"], status=row["status"],
            paused_reason=row["paused_reason"], created_at=from_db(row["created_at"]),
            updated_at=from_db(row["updated_at"]), cadence=row["cadence"],
        )


@dataclass(frozen=True)
class SendRow:
    id: int
    subscription_id: int
    key: str
    kind: str
    week: int
    last_week: int
    member_id: int | None
    target: Target
    due_at: datetime
    run_at: datetime
    state: str
    attempts: int
    retries: int
    first_attempt_at: datetime | None
    last_error: str | None
    message_id: int | None
    sent_at: datetime | None
    attempt_at: datetime | None = None  # start of the latest send that may have delivered

    @classmethod
    def from_row(cls, row) -> SendRow:
        return cls(
            id=row["id"], subscription_id=row["subscription_id"], key=row["key"],
            kind=row["kind"], week=row["week"], last_week=row["last_week"],
            member_id=row["member_id"], target=Target(row["target_kind"], row["target_id"]),
            due_at=from_db(row["due_at"]), run_at=from_db(row["run_at"]), state=row["state"],
            attempts=row["attempts"], retries=row["retries"],
            first_attempt_at=from_db(row["first_attempt_at"]), last_error=row["last_error"],
            message_id=row["message_id"], sent_at=from_db(row["sent_at"]),
            attempt_at=from_db(row["attempt_at"]),
        )


# A pending row the dispatcher may act on. A week row needs an active plan and must not
# be stale (a skip or an earlier catch-up moved the cursor past it); a snooze may also
# belong to a plan that finished meanwhile (its last week can be snoozed).
_LIVE_ROW = """(
    (p.kind = 'snooze' AND s.status IN ('active', 'finished'))
    OR (p.kind != 'snooze' AND s.status = 'active' AND p.week >= s.next_week)
)"""
_ACTIONABLE = f"p.state = 'pending' AND {_LIVE_ROW}"
# A claimed row whose owner's lease ran out (the process died mid-send, or a release
# before leases left it): any dispatcher may take it over, history check first.
_ABANDONED = "p.state = 'sending' AND (p.lease_until IS NULL OR p.lease_until <= ?)"
_MINE = "(lease_owner = ? OR lease_owner IS NULL)"
# A pending row no other process has reserved (or whose reservation ran out).
_FREE = "(p.lease_owner IS NULL OR p.lease_owner = ? OR p.lease_until <= ?)"
LEASE_SECONDS = 300.0  # far longer than one send (Discord calls time out well before)


def process_owner() -> str:
    """Who holds a lease: host, pid and a random part (pids are reused across restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class PlanStore:
    def __init__(self, db: Database, owner: str | None = None) -> None:
        self.db = db
        self.owner = owner or process_owner()

    # --- time zones --------------------------------------------------------------------

    async def member_timezone(self, member_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT timezone FROM plan_member_settings WHERE member_id = ?", (member_id,))
        return row["timezone"] if row else None

    async def set_member_timezone(self, member_id: int, timezone: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO plan_member_settings (member_id, timezone, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (member_id) DO UPDATE SET timezone = excluded.timezone,"
            " updated_at = excluded.updated_at", (member_id, timezone, to_db(now)))

    async def server_timezone(self, guild_id: int) -> str | None:
        # The server default lives in the shared guild_settings table (migration 0001).
        row = await self.db.fetchone(
            "SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return row["timezone"] if row else None

    async def set_server_timezone(self, guild_id: int, timezone: str) -> None:
        await self.db.execute(
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone,"
            " updated_at = excluded.updated_at", (guild_id, timezone, sql_now()))

    # --- subscriptions -----------------------------------------------------------------

    async def create_subscription(self, *, guild_id: int | None, member_id: int, plan_id: str,
                                  target: Target, timezone: str, timezone_source: str,
                                  weekday: int, local_time: time, start_date: date,
                                  anchor_date: date, now: datetime,
                                  cadence: str = "weekly") -> int:
        try:
            new_id = await self.db.insert(
                "INSERT INTO plan_subscriptions (guild_id, member_id, plan, target_kind,"
                " target_id, timezone, timezone_source, weekday, local_time, start_date,"
                " anchor_week, anchor_date, next_week, status, created_at, updated_at,"
                " cadence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, 'active', ?, ?, ?)",
                (guild_id, member_id, plan_id, target.kind, target.id, timezone,
                 timezone_source, weekday, local_time.strftime("%H:%M"),
                 start_date.isoformat(), anchor_date.isoformat(), to_db(now), to_db(now),
                 cadence))
        except IntegrityError as exc:
            raise PlanConflict(f"this {'DM' if target.kind == 'dm' else 'channel'} already "
                               "has a study plan; stop it first") from exc
        return new_id

    async def subscription(self, subscription_id: int) -> Subscription | None:
        row = await self.db.fetchone(
            "SELECT * FROM plan_subscriptions WHERE id = ?", (subscription_id,))
        return Subscription.from_row(row) if row else None

    async def subscriptions_of(self, member_id: int, live_only: bool = True
                               ) -> list[Subscription]:
        sql = "SELECT * FROM plan_subscriptions WHERE member_id = ?"
        if live_only:
            sql += " AND status IN ('active', 'paused')"
        rows = await self.db.fetchall(sql + " ORDER BY id", (member_id,))
        return [Subscription.from_row(r) for r in rows]

    async def live_subscription_for(self, target: Target) -> Subscription | None:
        row = await self.db.fetchone(
            "SELECT * FROM plan_subscriptions WHERE target_kind = ? AND target_id = ?"
            " AND status IN ('active', 'paused')", (target.kind, target.id))
        return Subscription.from_row(row) if row else None

    async def active_subscriptions(self) -> list[Subscription]:
        rows = await self.db.fetchall(
            "SELECT * FROM plan_subscriptions WHERE status = 'active' ORDER BY id")
        return [Subscription.from_row(r) for r in rows]

    async def set_status(self, subscription_id: int, status: str, now: datetime, *,
                         only_from: tuple[str, ...], reason: str | None = None) -> bool:
        marks = ", ".join("?" for _ in only_from)
        cursor = await self.db.execute(
            f"UPDATE plan_subscriptions SET status = ?, paused_reason = ?, updated_at = ?"
            f" WHERE id = ? AND status IN ({marks})",
            (status, reason, to_db(now), subscription_id, *only_from))
        return cursor.rowcount == 1

    async def resume(self, subscription_id: int, anchor_week: int, anchor_date: date,
                     now: datetime) -> bool:
        cursor = await self.db.execute(
            "UPDATE plan_subscriptions SET status = 'active', paused_reason = NULL,"
            " anchor_week = ?, anchor_date = ?, updated_at = ?"
            " WHERE id = ? AND status = 'paused'",
            (anchor_week, anchor_date.isoformat(), to_db(now), subscription_id))
        return cursor.rowcount == 1

    async def skip_to(self, subscription_id: int, from_week: int, anchor_date: date,
                      now: datetime) -> bool:
        """Move the cursor past from_week; the next week takes over its slot."""
        cursor = await self.db.execute(
            "UPDATE plan_subscriptions SET next_week = ?, anchor_week = ?, anchor_date = ?,"
            " updated_at = ? WHERE id = ? AND next_week = ? AND status IN ('active', 'paused')",
            (from_week + 1, from_week + 1, anchor_date.isoformat(), to_db(now),
             subscription_id, from_week))
        return cursor.rowcount == 1

    async def set_timezone(self, subscription_id: int, timezone: str, source: str,
                           now: datetime) -> None:
        await self.db.execute(
            "UPDATE plan_subscriptions SET timezone = ?, timezone_source = ?, updated_at = ?"
            " WHERE id = ?", (timezone, source, to_db(now), subscription_id))

    async def advance_cursor(self, subscription_id: int, next_week: int, total_weeks: int,
                             now: datetime) -> None:
        """next_week only ever grows; past the last week an active plan is finished."""
        await self.db.execute(
            # CASE, not MAX(a, b): the two-argument MAX is SQLite's alone.
            "UPDATE plan_subscriptions SET"
            " next_week = CASE WHEN next_week > ? THEN next_week ELSE ? END,"
            " status = CASE WHEN (next_week > ? OR ? = 1) AND status = 'active'"
            " THEN 'finished' ELSE status END, updated_at = ? WHERE id = ?",
            (next_week, next_week, total_weeks, int(next_week > total_weeks), to_db(now),
             subscription_id))

    async def repair_cursors(self) -> int:
        """After a crash between 'sent' and moving the cursor: move it now."""
        cursor = await self.db.execute(
            "UPDATE plan_subscriptions SET next_week = ("
            "  SELECT MAX(p.last_week) + 1 FROM plan_sends p"
            "  WHERE p.subscription_id = plan_subscriptions.id AND p.state = 'sent'"
            "  AND p.kind IN ('week', 'catchup'))"
            " WHERE next_week <= (SELECT MAX(p.last_week) FROM plan_sends p"
            "  WHERE p.subscription_id = plan_subscriptions.id AND p.state = 'sent'"
            "  AND p.kind IN ('week', 'catchup'))")
        return cursor.rowcount

    # --- sends -------------------------------------------------------------------------

    async def upsert_week_send(self, sub: Subscription, week: int, key: str, due: datetime,
                               now: datetime) -> None:
        """The pending row for the subscription's next week, created or re-timed.

        A row being sent is never touched; a cancelled or failed one (plan paused, then
        resumed) comes back as pending with its attempts kept, so the dispatcher still
        looks for an earlier, possibly delivered, copy before sending again. An unchanged
        due time keeps any backoff in progress."""
        await self.db.execute(
            "INSERT INTO plan_sends (subscription_id, key, kind, week, last_week, target_kind,"
            " target_id, due_at, run_at, state, created_at)"
            " VALUES (?, ?, 'week', ?, ?, ?, ?, ?, ?, 'pending', ?)"
            " ON CONFLICT (key) DO UPDATE SET"
            "  run_at = CASE WHEN plan_sends.state = 'pending'"
            "   AND plan_sends.due_at = excluded.due_at THEN plan_sends.run_at"
            "   ELSE excluded.run_at END,"
            "  retries = CASE WHEN plan_sends.state = 'pending'"
            "   AND plan_sends.due_at = excluded.due_at THEN plan_sends.retries ELSE 0 END,"
            "  due_at = excluded.due_at, target_kind = excluded.target_kind,"
            "  target_id = excluded.target_id, state = 'pending'"
            " WHERE plan_sends.state IN ('pending', 'cancelled', 'failed')",
            (sub.id, key, week, week, sub.target.kind, sub.target.id, to_db(due), to_db(due),
             to_db(now)))

    async def insert_snooze(self, subscription_id: int, key: str, week: int, member_id: int,
                            target: Target, due: datetime, now: datetime) -> bool:
        try:
            await self.db.execute(
                "INSERT INTO plan_sends (subscription_id, key, kind, week, last_week, member_id,"
                " target_kind, target_id, due_at, run_at, state, created_at)"
                " VALUES (?, ?, 'snooze', ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                (subscription_id, key, week, week, member_id, target.kind, target.id,
                 to_db(due), to_db(due), to_db(now)))
        except IntegrityError:
            return False
        return True

    async def snoozes(self, subscription_id: int, week: int) -> list[SendRow]:
        rows = await self.db.fetchall(
            "SELECT * FROM plan_sends WHERE subscription_id = ? AND week = ? AND kind = 'snooze'"
            " ORDER BY id", (subscription_id, week))
        return [SendRow.from_row(r) for r in rows]

    async def send(self, send_id: int) -> SendRow | None:
        row = await self.db.fetchone("SELECT * FROM plan_sends WHERE id = ?", (send_id,))
        return SendRow.from_row(row) if row else None

    async def sends_of(self, subscription_id: int) -> list[SendRow]:
        rows = await self.db.fetchall(
            "SELECT * FROM plan_sends WHERE subscription_id = ? ORDER BY id", (subscription_id,))
        return [SendRow.from_row(r) for r in rows]

    async def cursor_row(self, subscription_id: int, week: int) -> SendRow | None:
        row = await self.db.fetchone(
            "SELECT * FROM plan_sends WHERE subscription_id = ? AND week = ?"
            " AND kind IN ('week', 'catchup') ORDER BY id DESC LIMIT 1",
            (subscription_id, week))
        return SendRow.from_row(row) if row else None

    async def due_sends(self, now: datetime, limit: int,
                        lease_seconds: float = LEASE_SECONDS) -> list[SendRow]:
        """Pending rows due now, and claimed rows whose lease has run out.

        On PostgreSQL the batch is also reserved for this process (its lease on rows still
        pending), picked with FOR UPDATE SKIP LOCKED: processes share the due rows out
        instead of all working through the same batch and losing most claims."""
        if self.db.is_sqlite:  # one dispatching process: nothing to share out
            rows = await self.db.fetchall(
                "SELECT p.* FROM plan_sends p JOIN plan_subscriptions s"
                " ON s.id = p.subscription_id"
                f" WHERE (({_ACTIONABLE} AND p.run_at <= ?) OR ({_ABANDONED} AND {_LIVE_ROW}))"
                " ORDER BY p.run_at, p.id LIMIT ?", (to_db(now), to_db(now), limit))
            return [SendRow.from_row(r) for r in rows]
        until = to_db(now + timedelta(seconds=lease_seconds))
        rows = await self.db.fetchall(
            "UPDATE plan_sends SET lease_owner = ?, lease_until = ? WHERE id IN ("
            " SELECT p.id FROM plan_sends p JOIN plan_subscriptions s"
            " ON s.id = p.subscription_id"
            f" WHERE (({_ACTIONABLE} AND p.run_at <= ? AND {_FREE})"
            f" OR ({_ABANDONED} AND {_LIVE_ROW}))"
            " ORDER BY p.run_at, p.id LIMIT ? FOR UPDATE OF p SKIP LOCKED) RETURNING *",
            (self.owner, until, to_db(now), self.owner, to_db(now), to_db(now), limit))
        found = [SendRow.from_row(r) for r in rows]
        return sorted(found, key=lambda r: (r.run_at, r.id))  # RETURNING keeps no order

    async def next_run_at(self) -> datetime | None:
        """The earliest pending run_at, or lease expiry of a row another process holds."""
        # A row another process reserved is ours to act on only when its lease ends.
        row = await self.db.fetchone(
            "SELECT MIN(CASE WHEN p.lease_owner IS NOT NULL AND p.lease_owner != ?"
            " AND p.lease_until > p.run_at THEN p.lease_until ELSE p.run_at END) AS at"
            " FROM plan_sends p JOIN plan_subscriptions s ON s.id = p.subscription_id"
            f" WHERE {_ACTIONABLE}", (self.owner,))
        lease = await self.db.fetchone(
            "SELECT MIN(lease_until) AS at FROM plan_sends WHERE state = 'sending'"
            " AND lease_owner != ?", (self.owner,))
        times = [from_db(r["at"]) for r in (row, lease) if r is not None and r["at"]]
        return min(times) if times else None

    async def claim(self, send_id: int, now: datetime, kind: str, last_week: int,
                    lease_seconds: float = LEASE_SECONDS) -> bool:
        """pending (or sending with an expired lease) → sending under this store's lease,
        re-checking that the row is still actionable (a pause, stop or skip may have
        happened since it was selected).

        On PostgreSQL the row is locked first with FOR UPDATE SKIP LOCKED: a row another
        process is claiming this instant is skipped, not waited for. SQLite has a single
        writer (and one dispatching process), so the conditional UPDATE alone decides."""
        until = to_db(now + timedelta(seconds=lease_seconds))
        async with self.db.transaction() as tx:
            if not self.db.is_sqlite:
                locked = await tx.fetchone(
                    "SELECT id FROM plan_sends WHERE id = ? FOR UPDATE SKIP LOCKED", (send_id,))
                if locked is None:
                    return False
            cursor = await tx.execute(
                "UPDATE plan_sends SET state = 'sending', attempts = attempts + 1,"
                " first_attempt_at = COALESCE(first_attempt_at, ?), kind = ?, last_week = ?,"
                " lease_owner = ?, lease_until = ?"
                # Free, ours (reserved by due_sends), or a lease that ran out.
                " WHERE id = ? AND (state = 'pending' OR state = 'sending')"
                " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until IS NULL"
                "  OR lease_until <= ?) AND EXISTS ("
                "  SELECT 1 FROM plan_sends p JOIN plan_subscriptions s"
                "  ON s.id = p.subscription_id"
                f" WHERE p.id = plan_sends.id AND {_LIVE_ROW})",
                (to_db(now), kind, last_week, self.owner, until, send_id, self.owner,
                 to_db(now)))
            return cursor.rowcount == 1

    async def set_coverage(self, send_id: int, kind: str, last_week: int) -> None:
        await self.db.execute(
            "UPDATE plan_sends SET kind = ?, last_week = ? WHERE id = ? AND state = 'sending'"
            f" AND {_MINE}", (kind, last_week, send_id, self.owner))

    async def start_attempt(self, send_id: int, now: datetime) -> bool:
        """Committed before the send: the history check after a crash reads from here.
        False if the lease was lost (another process took the row over)."""
        cursor = await self.db.execute(
            "UPDATE plan_sends SET attempt_at = ? WHERE id = ? AND state = 'sending'"
            f" AND {_MINE}", (to_db(now), send_id, self.owner))
        return cursor.rowcount == 1

    async def mark_sent(self, send_id: int, message_id: int, now: datetime) -> bool:
        cursor = await self.db.execute(
            "UPDATE plan_sends SET state = 'sent', message_id = ?, sent_at = ?, last_error = NULL"
            f" WHERE id = ? AND state = 'sending' AND {_MINE}",
            (message_id, to_db(now), send_id, self.owner))
        return cursor.rowcount == 1

    async def retry_later(self, send_id: int, run_at: datetime, error: str) -> None:
        await self.db.execute(
            # The lease goes: any process may make the retry.
            "UPDATE plan_sends SET state = 'pending', run_at = ?, retries = retries + 1,"
            " last_error = ?, lease_owner = NULL, lease_until = NULL"
            f" WHERE id = ? AND state = 'sending' AND {_MINE}",
            (to_db(run_at), error[:500], send_id, self.owner))

    async def fail(self, send_id: int, error: str) -> None:
        await self.db.execute(
            "UPDATE plan_sends SET state = 'failed', last_error = ? WHERE id = ?"
            f" AND (state = 'pending' OR (state = 'sending' AND {_MINE}))",
            (error[:500], send_id, self.owner))

    async def sending_rows(self) -> list[SendRow]:
        """Rows this process (or a release before leases) left 'sending'."""
        rows = await self.db.fetchall(
            f"SELECT * FROM plan_sends WHERE state = 'sending' AND {_MINE}", (self.owner,))
        return [SendRow.from_row(r) for r in rows]

    async def retrying_count(self) -> int:
        """Sends waiting for a retry after an error, or left 'sending' between passes."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM plan_sends WHERE state = 'sending'"
            " OR (state = 'pending' AND last_error IS NOT NULL)")
        return int(row["n"]) if row else 0

    async def release_sending(self) -> int:
        """Recovery: rows a dead dispatcher left in 'sending' go back to 'pending'. Their
        attempts stay > 0, so the next claim looks for the message before sending."""
        cursor = await self.db.execute(
            "UPDATE plan_sends SET state = 'pending' WHERE state = 'sending'")
        return cursor.rowcount

    async def mark_stale_skipped(self, subscription_id: int, next_week: int) -> None:
        await self.db.execute(
            "UPDATE plan_sends SET state = 'skipped' WHERE subscription_id = ?"
            " AND state = 'pending' AND kind IN ('week', 'catchup') AND week < ?",
            (subscription_id, next_week))

    async def cancel_pending(self, subscription_id: int) -> None:
        await self.db.execute(
            "UPDATE plan_sends SET state = 'cancelled' WHERE subscription_id = ?"
            " AND state = 'pending'", (subscription_id,))

    async def last_sent_week(self, subscription_id: int) -> int | None:
        row = await self.db.fetchone(
            "SELECT MAX(last_week) AS w FROM plan_sends WHERE subscription_id = ?"
            " AND state = 'sent' AND kind IN ('week', 'catchup')", (subscription_id,))
        return row["w"] if row and row["w"] is not None else None

    async def dm_refused(self, member_id: int) -> bool:
        """Whether the latest settled send to the member's DMs was refused as closed DMs
        (a later successful one clears it). Failures of other kinds say nothing."""
        row = await self.db.fetchone(
            "SELECT state FROM plan_sends WHERE target_kind = 'dm' AND target_id = ?"
            " AND (state = 'sent' OR (state = 'failed' AND last_error = 'dm_closed'))"
            " ORDER BY COALESCE(sent_at, first_attempt_at) DESC, id DESC LIMIT 1",
            (member_id,))
        return row is not None and row["state"] == "failed"

    # --- progress ----------------------------------------------------------------------

    async def set_done(self, subscription_id: int, week: int, task_index: int,
                       member_id: int, done: bool, now: datetime) -> None:
        if done:
            await self.db.execute(
                "INSERT INTO plan_progress (subscription_id, week, task_index,"
                " member_id, done_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (subscription_id, week, task_index, member_id, to_db(now)))
        else:
            await self.db.execute(
                "DELETE FROM plan_progress WHERE subscription_id = ? AND week = ?"
                " AND task_index = ? AND member_id = ?",
                (subscription_id, week, task_index, member_id))

    async def done_by(self, subscription_id: int, member_id: int) -> dict[int, set[int]]:
        rows = await self.db.fetchall(
            "SELECT week, task_index FROM plan_progress WHERE subscription_id = ?"
            " AND member_id = ?", (subscription_id, member_id))
        found: dict[int, set[int]] = {}
        for row in rows:
            found.setdefault(row["week"], set()).add(row["task_index"])
        return found

    async def done_counts(self, subscription_id: int, first_week: int, last_week: int
                          ) -> dict[int, dict[int, int]]:
        rows = await self.db.fetchall(
            "SELECT week, task_index, COUNT(*) AS n FROM plan_progress"
            " WHERE subscription_id = ? AND week BETWEEN ? AND ? GROUP BY week, task_index",
            (subscription_id, first_week, last_week))
        found: dict[int, dict[int, int]] = {}
        for row in rows:
            found.setdefault(row["week"], {})[row["task_index"]] = row["n"]
        return found
