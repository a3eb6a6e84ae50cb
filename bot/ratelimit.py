"""Per-user question limits and per-guild answer slots, with an injected clock.

The token bucket refills continuously, so a user who asked five questions in a burst can
ask the sixth a twelfth of a minute later, not a whole minute later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.clock import Clock

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
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate


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
