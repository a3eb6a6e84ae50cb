"""Test doubles for the plan tests: Discord (FakeTransport) and a clock whose sleep waits.

Only Discord is faked. The database, scheduler, dispatcher and time arithmetic are the
real ones; FakeTransport behaves like Discord: every target has one history holding the
bot's messages and other members' (`chatter`), ids are snowflakes minted from the clock,
and `history` answers like `GET /channels/{id}/messages?after=&limit=`: at most 100
messages per page, the oldest ones after the given time or id, oldest first. It can fail
in the ways Discord does.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.plans.dispatcher import Dispatcher, RetryPolicy
from bot.plans.payload import key_from_footer
from bot.plans.transport import (
    CANNOT_DM_USER,
    MISSING_PERMISSIONS,
    UNKNOWN_CHANNEL,
    Forbidden,
    HistoryMessage,
    SentMessage,
    Target,
    TargetGone,
)

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
# Sunday 2026-01-04 12:00 UTC = Sunday 21:00 in Tokyo; a Monday 09:00 Tokyo plan started
# now sends week 1 at 2026-01-05 00:00 UTC.
START = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)
TEST_RETRY = RetryPolicy(base=2.0, factor=2.0, cap=60.0, max_retries=4)
DISCORD_EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
PAGE_LIMIT = 100  # Discord returns at most 100 messages per history request


def time_snowflake(moment: datetime) -> int:
    """The lowest snowflake of a moment, as discord.py builds `after=` from a datetime."""
    return int((moment - DISCORD_EPOCH).total_seconds() * 1000) << 22


def snowflake_time(snowflake: int) -> datetime:
    return DISCORD_EPOCH + timedelta(milliseconds=snowflake >> 22)


def make_dispatcher(service, transport, clock, **options) -> Dispatcher:
    """A real Dispatcher on the service's store, wired so service changes wake it."""
    options.setdefault("retry", TEST_RETRY)
    dispatcher = Dispatcher(service.store, service.scheduler, transport, clock, **options)
    service.set_wake(dispatcher.wake)
    return dispatcher


class SimulatedCrash(BaseException):
    """The process dies here. A BaseException, like SystemExit, so no `except Exception`
    in the code under test can swallow it."""


@dataclass
class Delivered:
    message_id: int
    target: Target
    nonce: str
    footer: str
    key: str | None
    payload: object
    at: datetime


class FakeTransport:
    def __init__(self, clock: FakeClock, latency: float = 0.0) -> None:
        self.clock = clock
        self.latency = latency
        self.messages: list[Delivered] = []
        self.closed_dms: set[int] = set()
        self.deleted_channels: set[int] = set()
        self.no_permission: set[int] = set()
        # Errors for the next send() calls, in order. ("delivered", error) means Discord
        # created the message and the reply was still an error (a 5xx after commit).
        self.failures: list[Exception | tuple[str, Exception]] = []
        self.crash_after_delivery = False  # the process dies while send() is returning
        self.send_calls = 0
        self.attempted: list[str] = []  # the key of every send() call, notices included
        self.send_times: list[datetime] = []
        self.history_reads = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.on_delivered = None  # called (sync) right after Discord "created" a message
        self.channels: dict[Target, list[HistoryMessage]] = {}
        self._last_id = 0
        self._others = itertools.count(10_000)

    # --- the Transport protocol ---------------------------------------------------------

    async def send(self, target: Target, payload, nonce: str) -> SentMessage:
        self.send_calls += 1
        self.attempted.append(payload.key)
        self.send_times.append(self.clock.now())
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.latency)
            self._check(target)
            assert len(nonce) <= 25, nonce
            if self.failures:
                failure = self.failures.pop(0)
                if isinstance(failure, tuple):
                    self._record(target, payload, nonce)
                    raise failure[1]
                raise failure
            message = self._record(target, payload, nonce)
            if self.crash_after_delivery:
                self.crash_after_delivery = False
                raise SimulatedCrash("died after Discord created the message")
            return SentMessage(message.message_id, target.id)
        finally:
            self.in_flight -= 1

    async def history(self, target: Target, after: datetime | int, limit: int
                      ) -> list[HistoryMessage]:
        self.history_reads += 1
        self._check(target)
        floor = after if isinstance(after, int) else time_snowflake(after)
        newer = [m for m in self.channels.get(target, []) if m.message_id > floor]
        return sorted(newer, key=lambda m: m.message_id)[:min(limit, PAGE_LIMIT)]

    # --- helpers for tests --------------------------------------------------------------

    def _check(self, target: Target) -> None:
        if target.kind == "dm" and target.id in self.closed_dms:
            raise Forbidden(CANNOT_DM_USER)
        if target.kind == "channel" and target.id in self.deleted_channels:
            raise TargetGone(UNKNOWN_CHANNEL)
        if target.kind == "channel" and target.id in self.no_permission:
            raise Forbidden(MISSING_PERMISSIONS)

    def _mint(self) -> int:
        # Snowflakes encode the (fake) time and never go backwards, like Discord's.
        self._last_id = max(self._last_id + 1, time_snowflake(self.clock.now()))
        return self._last_id

    def _record(self, target: Target, payload, nonce: str) -> Delivered:
        footer = payload.footer()
        message = Delivered(self._mint(), target, nonce, footer, key_from_footer(footer),
                            payload, self.clock.now())
        self.messages.append(message)
        self.channels.setdefault(target, []).append(HistoryMessage(
            message.message_id, target.id, snowflake_time(message.message_id), True, nonce,
            (footer,)))
        if self.on_delivered is not None:
            self.on_delivered(message)
        return message

    def chatter(self, target: Target, count: int, during: timedelta = timedelta(0)) -> None:
        """`count` messages by other members, spread evenly over `during` from now (the
        clock moves on with them)."""
        step = during / count if count else timedelta(0)
        for _ in range(count):
            message_id = self._mint()
            self.channels.setdefault(target, []).append(HistoryMessage(
                message_id, target.id, snowflake_time(message_id), False,
                str(next(self._others)), ()))
            self.clock.advance(step)

    def to(self, target: Target) -> list[Delivered]:
        return [m for m in self.messages if m.target == target]

    def reminders(self) -> list[Delivered]:
        """Plan reminders only (not pause notices)."""
        return [m for m in self.messages if m.key is not None]

    def keys(self) -> list[str]:
        return [m.key for m in self.reminders()]

    def fail_next(self, *errors: Exception | tuple[str, Exception]) -> None:
        self.failures.extend(errors)



class ManualClock(FakeClock):
    """A FakeClock whose sleep() really waits until the test moves time past the deadline,
    so the dispatcher's own loop can be observed sleeping and waking."""

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__(start)
        self.sleepers = 0

    async def sleep(self, seconds: float) -> None:
        deadline = self.now() + timedelta(seconds=max(0.0, seconds))
        self.sleepers += 1
        try:
            while self.now() < deadline:
                await asyncio.sleep(0.001)
        finally:
            self.sleepers -= 1


async def eventually(check, timeout: float = 5.0) -> None:
    """Wait (real time) until check() is true; fail the test otherwise."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.002)


# --- the crash-injection matrix: fault points × kinds of fault ------------------------------

FAULT_POINTS = ("before_claim", "after_claim", "after_send", "after_mark_sent",
                "inside_send_after_delivery")
FAULT_KINDS = ("crash", "error")  # the process dies / an ordinary exception, process lives
BUSY_CHANNEL = Target.channel(555)


def _fault(kind: str, point: str) -> BaseException:
    if kind == "crash":
        return SimulatedCrash(point)
    if point == "inside_send_after_delivery":
        return ConnectionResetError("connection reset after Discord created the message")
    return sqlite3.OperationalError("database is locked")


async def settle(dispatcher, clock, store, until: datetime) -> None:
    """Run passes, moving the clock to each next run_at (backoffs), up to `until`."""
    for _ in range(50):
        await dispatcher.run_due()
        next_at = await store.next_run_at()
        if next_at is None or next_at > until:
            return
        clock.set(max(next_at, clock.now()))


async def fault_scenario(point: str, kind: str, db_path: Path, library) -> list[str]:
    """A 3-month plan posting to a busy channel; one fault at `point` during week 1's
    delivery, after downtime; weeks 1-3 then run. Returns the reminder keys delivered."""
    from bot.plans.service import PlanService
    from bot.storage.db import Database

    clock = FakeClock(START)
    transport = FakeTransport(clock)
    db = await Database.open(db_path)
    service = PlanService(db, library, clock, default_timezone="Asia/Tokyo")
    status = await service.start(42, "3m", guild_id=7, target=BUSY_CHANNEL, weekday="mon",
                                 at="09:00")
    week1 = status.next_due
    clock.set(week1)
    transport.chatter(BUSY_CHANNEL, 300, during=timedelta(hours=2))  # the bot was down
    fired: list[str] = []

    def checkpoint(step, row):
        if step == point and not fired:
            fired.append(step)
            raise _fault(kind, point)

    dispatcher = make_dispatcher(service, transport, clock, checkpoint=checkpoint)
    if point == "inside_send_after_delivery":
        fired.append(point)
        if kind == "crash":
            transport.crash_after_delivery = True
        else:
            transport.fail_next(("delivered", _fault(kind, point)))
    try:
        await dispatcher.run_due()
    except SimulatedCrash:
        # The process is gone: a new one opens the same file after the nonce window.
        await db.close()
        clock.advance(timedelta(minutes=10))
        transport.chatter(BUSY_CHANNEL, 250, during=timedelta(minutes=30))
        db = await Database.open(db_path)
        service = PlanService(db, library, clock, default_timezone="Asia/Tokyo")
        dispatcher = make_dispatcher(service, transport, clock)
        await dispatcher.recover()
    try:
        assert fired == [point], f"the fault at {point} never fired"
        for week in (1, 2, 3):
            clock.set(max(clock.now(), week1 + timedelta(weeks=week - 1)))
            await settle(dispatcher, clock, service.store,
                         week1 + timedelta(weeks=week - 1, days=1))
        return transport.keys()
    finally:
        await db.close()


def duplicates_and_losses(keys: list[str], expected: list[str]) -> tuple[int, int]:
    return len(keys) - len(set(keys)), len(set(expected) - set(keys))
