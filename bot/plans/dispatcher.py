"""The one task that delivers scheduled plan reminders, exactly once.

Lifecycle: `await dispatcher.start()` recovers (rows a dead process left in 'sending' go
back to 'pending' with attempts > 0; cursors and next rows are rebuilt), then runs a loop:
deliver every row that is due, then sleep until the earliest `run_at` — or until `wake()`
is called because rows changed. `await dispatcher.stop()` cancels the loop; anything cut
off mid-send stays 'sending' and is settled by the next start.

Each delivery is three committed steps, and a crash between any two is harmless:

    pending ──claim──▶ sending ──transport.send──▶ (message exists) ──mark_sent──▶ sent

- crash before the claim: the row is still pending; the next dispatcher sends it.
- crash after the claim, before or during the send: the row is 'sending' (attempts > 0);
  the next dispatcher reads the target's history from the start of the latest attempt
  that reached the send (`attempt_at`, committed just before it; see history.py for the
  bound). None found → it sends; found → it records that message. Discord's nonce
  (derived from the key) also de-duplicates a quick retry on its side.
- crash after the send, before mark_sent: same path; find_sent finds it, no second copy.
- crash after mark_sent, before the next week's row exists: recovery rebuilds it.
- several processes on one PostgreSQL database: each claim takes a lease (owner, expiry)
  and locks the row with FOR UPDATE SKIP LOCKED, so two processes never both claim it. A
  process that dies holding a claim leaves its lease to expire; another process then takes
  the row over (attempts > 0, so it looks in the history first). Writes after a claim
  need the lease: one presumed dead cannot overwrite its successor's work. On SQLite a
  lock file keeps a single dispatching process, and start-up releases what it left.
- an ordinary exception at any of these points (say "database is locked") in a process
  that lives on: the row is retried through the same history check, with backoff, and
  the next pass rebuilds what the error skipped; nothing waits for a restart.

Errors: 5xx, network errors and 429 are retried with exponential backoff (capped, and a
429's retry_after respected) by putting the row back to pending with a later run_at, so a
retry holds no concurrency slot; after `max_retries` the plan pauses ("delivery_failed").
A closed DM (403/50007), deleted channel (404/10003) or missing permission (403/50013)
is not retried: the plan pauses with that reason and the owner is told where possible.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from bot import metrics
from bot.clock import Clock
from bot.plans.history import find_sent
from bot.plans.payload import Notice
from bot.plans.scheduler import ReviewsDue, Scheduler, count_reviews, reminder_member
from bot.plans.store import LEASE_SECONDS, PlanStore, SendRow, Subscription
from bot.plans.transport import (
    DeliveryError,
    RateLimited,
    SentMessage,
    Target,
    Transport,
    reason_text,
    unreachable_reason,
)
from bot.storage.lock import ProcessLock

log = logging.getLogger(__name__)

PASS_RETRY = 5.0  # seconds before a pass that failed, or left errors, is tried again
OnPaused = Callable[[Subscription, str], Awaitable[None] | None]
Checkpoint = Callable[[str, SendRow], Awaitable[None] | None]


@dataclass(frozen=True)
class RetryPolicy:
    base: float = 2.0  # seconds before the first retry
    factor: float = 2.0
    cap: float = 300.0  # no single wait is longer than this
    max_retries: int = 6  # then the plan pauses instead of retrying forever

    def delay(self, retries: int, retry_after: float | None = None) -> float:
        backoff = self.base * self.factor ** retries
        return min(self.cap, max(backoff, retry_after or 0.0))


def dispatch_lock(database: Path | None) -> ProcessLock | None:
    """The lock file beside a SQLite database; none for an in-memory one (no other
    process) or for PostgreSQL (processes share it, claiming rows with leases)."""
    if database is None or str(database) == ":memory:":
        return None
    return ProcessLock(database.with_name(database.name + ".dispatcher.lock"))


class LeaseLost(Exception):
    """Another process took the claimed row over (this one was presumed dead)."""


class Dispatcher:
    def __init__(self, store: PlanStore, scheduler: Scheduler, transport: Transport,
                 clock: Clock, *, reviews_due: ReviewsDue | None = None,
                 concurrency: int = 16, retry: RetryPolicy | None = None,
                 max_sleep: float = 60.0, batch_size: int = 200,
                 on_paused: OnPaused | None = None, checkpoint: Checkpoint | None = None,
                 lock_retry: float = 30.0, lease: float = LEASE_SECONDS) -> None:
        self.store = store
        self.scheduler = scheduler
        self.transport = transport
        self.clock = clock
        self.reviews_due = reviews_due
        self.retry = retry or RetryPolicy()
        self.max_sleep = max_sleep
        self.batch_size = batch_size
        self.on_paused = on_paused
        # A test seam: called between the steps of a delivery (may raise to "crash").
        self.checkpoint = checkpoint
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._pass_lock = asyncio.Lock()
        self._task: asyncio.Task | None = None
        # Rows an ordinary error left 'sending' (the error, for the retry's last_error) and
        # whether cursors and next rows need rebuilding; settled at the next pass.
        self._unsettled: dict[int, Exception] = {}
        self._repair_needed = False
        self._pass_errors = 0  # deliveries of the last pass that raised before settling
        # One dispatcher per database: a second process waits in standby, retrying the
        # lock every `lock_retry` seconds, and takes over when the first one stops or dies.
        self._lock = dispatch_lock(store.db.path)
        self.lock_retry = lock_retry
        self.lease = lease  # seconds a claim is ours before another process may take it

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("dispatcher already started")
        if self._lock is not None and not self._lock.try_acquire():
            log.warning("another process is already sending study-plan reminders from %s; "
                        "this one sends none while that one runs (one bot per database)",
                        self.store.db.where)
            self._task = asyncio.create_task(self._standby(), name="plan-dispatcher-standby")
            return
        await self.recover()
        self._task = asyncio.create_task(self._loop(), name="plan-dispatcher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._lock is not None:
            self._lock.release()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def role(self) -> str:
        """'dispatching', 'standby' (another process holds the database's lock) or
        'stopped', for /healthz."""
        if not self.running:
            return "stopped"
        return "standby" if self._lock is not None and not self._lock.held else "dispatching"

    async def _standby(self) -> None:
        while not self._lock.try_acquire():
            await self.clock.sleep(self.lock_retry)
        log.warning("the other reminder dispatcher on %s stopped; this process takes over",
                    self.store.db.where)
        await self.recover()
        await self._loop()

    def wake(self) -> None:
        """Rows changed (a plan started, resumed, snoozed…): re-check the earliest."""
        self._wake.set()

    async def recover(self) -> int:
        """Settle what a previous process left behind. Run once, before the loop; only one
        dispatcher may work on a database."""
        if self.store.db.is_sqlite:
            # The only dispatcher on this file (the lock): whatever is 'sending' was left
            # by a dead process. On PostgreSQL other processes may be mid-send; rows of a
            # dead one come back through their expired leases instead.
            released = await self.store.release_sending()
            if released:
                log.warning("recovering %d plan send(s) interrupted mid-delivery", released)
        return await self.scheduler.ensure_all(self.clock.now())

    async def _loop(self) -> None:
        while True:
            # Clear before looking, so a wake() during the pass is not lost.
            self._wake.clear()
            try:
                await self.run_due()
                delay = await self._seconds_to_next()
                if self._pass_errors:
                    # A row that fails before its claim is still due: without a pause the
                    # loop would spin on it at full speed.
                    delay = max(delay, PASS_RETRY)
            except Exception:
                log.exception("plan dispatcher pass failed; retrying shortly")
                delay = PASS_RETRY
            if delay > 0:
                await self._sleep(delay)

    async def _seconds_to_next(self) -> float:
        next_at = await self.store.next_run_at()
        if next_at is None:
            return self.max_sleep
        # Capped so a long sleep re-checks now and then: clock jumps, suspended hosts, and
        # rows written by another process on the database (a standby bot still takes
        # /plan commands, and its wake() cannot reach this process) are late ≤ max_sleep.
        return min(self.max_sleep, max(0.0, (next_at - self.clock.now()).total_seconds()))

    async def _sleep(self, seconds: float) -> None:
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (sleeper, waker):
                future.cancel()

    # --- one pass ----------------------------------------------------------------------

    async def run_due(self) -> int:
        """Deliver every row due now, at most `concurrency` at a time; the number handled."""
        async with self._pass_lock:
            if self._unsettled or self._repair_needed:
                await self._settle_leftovers()
            try:
                return await self._deliver_due()
            finally:
                await self._update_gauge()

    async def _deliver_due(self) -> int:
        handled = 0
        self._pass_errors = 0
        seen: set[int] = set()
        while True:
            rows = [r for r in await self.store.due_sends(self.clock.now(), self.batch_size,
                                                          self.lease)
                    if r.id not in seen]
            if not rows:
                return handled
            seen.update(r.id for r in rows)
            results = await asyncio.gather(*(self._deliver(r) for r in rows),
                                           return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException) and not isinstance(result, Exception):
                    raise result  # process death (or a simulated one): stop here
                if isinstance(result, Exception):
                    self._pass_errors += 1
                    log.error("plan send failed unexpectedly", exc_info=result)
            handled += len(rows)

    async def _deliver(self, row: SendRow) -> None:
        async with self._slots:
            await self._check("before_claim", row)
            now = self.clock.now()
            sub = await self.store.subscription(row.subscription_id)
            if sub is None:
                return
            looked_before = row.attempts > 0
            kind, last = row.kind, row.last_week
            if not looked_before and row.kind == "week":
                last = self.scheduler.overdue_through(sub, row.week, now)
                kind = "catchup" if last > row.week else "week"
            if not await self.store.claim(row.id, now, kind, last, self.lease):
                return  # paused, stopped, skipped or claimed elsewhere since selected
            row = replace(row, state="sending", kind=kind, last_week=last,
                          attempts=row.attempts + 1, first_attempt_at=row.first_attempt_at or now)
            try:
                await self._claimed(sub, row, looked_before, now)
            except Exception as error:
                # The row is 'sending' and the message may exist (say mark_sent met "database
                # is locked"): it must not sit there for the rest of the process's life.
                await self._unsettled_after(sub, row, error)

    async def _claimed(self, sub: Subscription, row: SendRow, looked_before: bool,
                       now: datetime) -> None:
        await self._check("after_claim", row)
        try:
            message = await self._send_once(sub, row, looked_before, now)
        except LeaseLost:
            log.warning("plan send %s: another process took it over; leaving it to that one",
                        row.key)
            return
        except DeliveryError as error:
            await self._failed(sub, row, error)
            return
        except Exception as error:  # a network error may still have delivered it
            log.warning("plan send %s: unexpected %r; will look before retrying",
                        row.key, error)
            await self._failed(sub, row, error)
            return
        await self._check("after_send", row)
        if not await self.store.mark_sent(row.id, message.message_id, self.clock.now()):
            # Sent, but our lease ran out meanwhile: the process that took the row over
            # finds this message in the history and records it; nothing more to do here.
            log.warning("plan send %s: delivered after its lease expired", row.key)
            return
        metrics.REMINDERS.labels(outcome="delivered").inc()
        await self._check("after_mark_sent", row)
        if row.kind in ("week", "catchup"):
            await self.scheduler.ensure_next(sub.id, self.clock.now())
        log.info("plan send %s delivered (weeks %d-%d)", row.key, row.week, row.last_week)

    async def _unsettled_after(self, sub: Subscription, row: SendRow, error: Exception) -> None:
        """Retry through the history check, with backoff; if even that cannot be written,
        the next pass settles the row (and rebuilds the next week's row)."""
        log.error("plan send %s: %r after the claim; it will be checked and retried",
                  row.key, error)
        metrics.REMINDERS.labels(outcome="error").inc()
        self._repair_needed = True
        try:
            current = await self.store.send(row.id)
            if current is not None and current.state == "sending":  # not if already sent
                await self._failed(sub, current, error)
        except Exception as again:
            log.error("plan send %s: cannot record the failure yet (%r)", row.key, again)
            self._unsettled[row.id] = error

    async def _settle_leftovers(self) -> None:
        """Rows this process left 'sending' after an ordinary error (no pass is running, so
        none is in flight) go back through _failed; cursors and next rows are rebuilt."""
        for row in await self.store.sending_rows():
            sub = await self.store.subscription(row.subscription_id)
            error = self._unsettled.get(row.id) or RuntimeError("interrupted mid-delivery")
            if sub is not None:
                await self._failed(sub, row, error)
            self._unsettled.pop(row.id, None)
        self._unsettled.clear()
        await self.scheduler.ensure_all(self.clock.now())
        self._repair_needed = False

    async def _update_gauge(self) -> None:
        try:
            metrics.REMINDERS_RETRYING.set(await self.store.retrying_count())
        except Exception as error:  # a gauge must never break a pass
            log.warning("cannot count reminders being retried: %r", error)

    async def _send_once(self, sub: Subscription, row: SendRow, looked_before: bool,
                         now: datetime) -> SentMessage:
        if row.attempt_at is not None:  # an earlier send may have reached Discord
            found = await find_sent(self.transport, row.target, row.key, row.attempt_at)
            if found is not None:
                log.info("plan send %s was already delivered (message %s)", row.key,
                         found.message_id)
                metrics.REMINDERS.labels(outcome="already_delivered").inc()
                return found
        if looked_before and row.kind in ("week", "catchup"):
            # Nothing went out: cover every week now overdue, not just the old range.
            last = self.scheduler.overdue_through(sub, row.week, now)
            if last != row.last_week:
                kind = "catchup" if last > row.week else "week"
                await self.store.set_coverage(row.id, kind, last)
                row = replace(row, kind=kind, last_week=last)
        payload = await self.scheduler.compose(sub, row, await self._reviews_for(sub, row))
        if not await self.store.start_attempt(row.id, self.clock.now()):
            raise LeaseLost(row.key)
        return await self.transport.send(row.target, payload, payload.nonce)

    async def _reviews_for(self, sub: Subscription, row: SendRow) -> int | None:
        # Review counts are personal: DM plans and snoozes only, never a channel post.
        return await count_reviews(self.reviews_due, reminder_member(sub, row))

    async def _failed(self, sub: Subscription, row: SendRow, error: Exception) -> None:
        now = self.clock.now()
        reason = unreachable_reason(error) if isinstance(error, DeliveryError) else None
        if reason is not None:
            log.warning("plan send %s: %s (%s)", row.key, reason, error)
            if row.kind == "snooze":
                await self.store.fail(row.id, reason)  # a closed DM ends only the snooze
                return
            await self._pause(sub, row, reason)
            return
        if row.retries >= self.retry.max_retries:
            log.error("plan send %s: giving up after %d retries (%s)", row.key, row.retries,
                      error)
            if row.kind == "snooze":
                await self.store.fail(row.id, "delivery_failed")
                return
            await self._pause(sub, row, "delivery_failed")
            return
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        delay = self.retry.delay(row.retries, retry_after)
        await self.store.retry_later(row.id, now + timedelta(seconds=delay), repr(error))
        metrics.REMINDERS.labels(outcome="retry").inc()
        log.info("plan send %s: %s; retry %d in %.1fs", row.key, error, row.retries + 1,
                 delay)

    async def _pause(self, sub: Subscription, row: SendRow, reason: str) -> None:
        metrics.REMINDERS.labels(outcome="paused").inc()
        # Pause first: if we die before failing the row, recovery finds a paused plan and
        # leaves its row alone instead of trying the dead target again.
        await self.store.set_status(sub.id, "paused", self.clock.now(), only_from=("active",),
                                    reason=reason)
        await self.store.fail(row.id, reason)
        await self._tell_owner(sub, row, reason)
        if self.on_paused is not None:
            try:
                result = self.on_paused(sub, reason)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("on_paused hook failed")

    async def _tell_owner(self, sub: Subscription, row: SendRow, reason: str) -> None:
        """Best effort: DM the owner why their plan stopped, unless DMs are the problem."""
        if sub.target.kind == "dm" and reason in ("dm_closed", "target_not_found"):
            return  # nowhere to say it; /plan status shows the reason
        where = "your DMs" if sub.target.kind == "dm" else f"<#{sub.target.id}>"
        notice = Notice(
            key=f"{row.key}n",
            text_body=(f"Your {sub.plan_id} study plan reminders to {where} are paused: "
                       f"{reason_text(reason)}\nFix it, then use /plan resume."),
        )
        try:
            await self.transport.send(Target.dm(sub.member_id), notice, notice.nonce)
        except Exception as error:
            log.info("could not tell the starter of subscription %d about the pause: %s",
                     sub.id, error)

    async def _check(self, step: str, row: SendRow) -> None:
        if self.checkpoint is not None:
            result = self.checkpoint(step, row)
            if inspect.isawaitable(result):
                await result
