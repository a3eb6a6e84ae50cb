"""Per-user question limits and per-guild answer slots, with an injected clock.

The token bucket refills continuously, so a user who asked five questions in a burst can
ask the sixth a twelfth of a minute later, not a whole minute later. TokenBucket keeps
the buckets in memory (one process: SQLite); StoredTokenBucket keeps them in the
database, so processes sharing a PostgreSQL database share each member's limit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clock import Clock

if TYPE_CHECKING:
    from bot.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    def __init__(self, per_minute: int, clock: Clock) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[object, _Bucket] = {}

    def take(self, key: object, per_minute: int | None = None) -> float:
        """0.0 if allowed (a token is spent), else the seconds until one is available."""
        capacity = float(per_minute) if per_minute else self.capacity
        rate = capacity / 60.0
        now = self.clock.now().timestamp()
        bucket = self._buckets.get(key) or _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        self._buckets[key] = bucket
        return _spend(bucket, rate)


def _spend(bucket: _Bucket, rate: float) -> float:
    if bucket.tokens >= 1.0:
        bucket.tokens -= 1.0
        return 0.0
    return (1.0 - bucket.tokens) / rate


class StoredTokenBucket:
    """TokenBucket's rule, with the buckets in the database (table rate_buckets).

    Each take is one transaction: on PostgreSQL the member's row is locked (FOR UPDATE)
    while it is read and rewritten, so two processes taking at once queue on it instead of
    both spending the same token; on SQLite the one connection's transaction does it."""

    def __init__(self, db: Database, per_minute: int, clock: Clock) -> None:
        self.db = db
        self.capacity = float(per_minute)
        self.clock = clock

    async def take(self, key: object, per_minute: int | None = None) -> float:
        capacity = float(per_minute) if per_minute else self.capacity
        rate = capacity / 60.0
        now = self.clock.now().timestamp()
        name = str(key)
        async with self.db.transaction() as tx:
            # The row must exist to be locked: create it full, leaving any existing one.
            await tx.execute("INSERT INTO rate_buckets (key, tokens, updated) VALUES (?, ?, ?)"
                             " ON CONFLICT DO NOTHING", (name, capacity, now))
            lock = "" if self.db.is_sqlite else " FOR UPDATE"
            row = await tx.fetchone(
                f"SELECT tokens, updated FROM rate_buckets WHERE key = ?{lock}", (name,))
            bucket = _Bucket(row["tokens"], row["updated"])
            bucket.tokens = min(capacity, bucket.tokens + max(0.0, now - bucket.updated) * rate)
            bucket.updated = max(now, bucket.updated)
            wait = _spend(bucket, rate)
            await tx.execute("UPDATE rate_buckets SET tokens = ?, updated = ? WHERE key = ?",
                             (bucket.tokens, bucket.updated, name))
        return wait


class AnswerSlots:
    """At most `limit` answers in flight per guild; the rest wait in arrival order."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._semaphores: dict[object, asyncio.Semaphore] = {}
        self._waiting: dict[object, int] = {}

    def _semaphore(self, key: object) -> asyncio.Semaphore:
        if key not in self._semaphores:
            self._semaphores[key] = asyncio.Semaphore(self.limit)
        return self._semaphores[key]

    def position(self, key: object) -> int:
        """0 if an answer would start now, else the place in the queue it would take."""
        if not self._semaphore(key).locked():
            return 0
        return self._waiting.get(key, 0) + 1

    @asynccontextmanager
    async def slot(self, key: object,
                   on_queued: Callable[[int], Awaitable[None]] | None = None
                   ) -> AsyncIterator[None]:
        """Hold one of the key's slots; `on_queued(position)` is awaited first if it has to
        wait. The place is taken before anything is awaited, so positions never repeat."""
        semaphore = self._semaphore(key)
        position = self.position(key)
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            if position and on_queued is not None:
                await on_queued(position)
            await semaphore.acquire()
        finally:
            self._waiting[key] -= 1
        try:
            yield
        finally:
            semaphore.release()


class Pacer:
    """Spaces calls at least 1/rate seconds apart, across all callers: a steady pace under
    a global limit instead of bursts that draw 429s."""

    def __init__(self, rate_per_second: float) -> None:
        self.interval = 1.0 / rate_per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            delay = self._next - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = max(loop.time(), self._next) + self.interval
