"""Per-member question limits kept in the database: two 'processes' (their own connections
and limiters) on one PostgreSQL database share each member's bucket; SQLite too."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.ratelimit import StoredTokenBucket, TokenBucket
from bot.storage.db import Database


@pytest.fixture
async def two_dbs(db_target):
    dbs = [await Database.open(db_target) for _ in range(2)]
    yield dbs
    for db in dbs:
        await db.close()


async def test_the_stored_bucket_follows_the_in_memory_rule(two_dbs):
    clock = FakeClock()
    stored = StoredTokenBucket(two_dbs[0], 5, clock)
    memory = TokenBucket(5, clock)
    for step in range(12):
        assert await stored.take(7) == pytest.approx(memory.take(7)), step
        clock.advance(timedelta(seconds=3))
    assert await stored.take(8, per_minute=1) == 0.0  # a guild's own limit
    assert await stored.take(8, per_minute=1) == pytest.approx(60.0)


async def test_two_processes_share_a_members_limit(two_dbs):
    clock = FakeClock()
    one, other = (StoredTokenBucket(db, 5, clock) for db in two_dbs)
    # A burst split across both processes, at the same instant: five pass, not ten.
    waits = await asyncio.gather(*(limiter.take(42) for limiter in [one, other] * 5))
    assert sorted(w == 0.0 for w in waits).count(True) == 5
    assert await other.take(43) == 0.0  # another member is not affected
    clock.advance(timedelta(seconds=12))  # one token back, for either process
    assert await one.take(42) == 0.0
    assert await other.take(42) > 0.0
