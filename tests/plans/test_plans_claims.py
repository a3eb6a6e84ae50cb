"""Reminder claims with leases, on a real PostgreSQL server: two dispatchers, each with
its own connections, store and owner id (two processes, as far as the database can
tell), sharing one database, one fake Discord and one injected clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.plans.service import PlanService
from bot.storage.db import Database
from tests.plans.plans_doubles import START, FakeTransport, SimulatedCrash, make_dispatcher

LEASE = 120.0


@pytest.fixture
async def processes(pg_url, library):
    """Two 'processes' on one database: (clock, transport, [service, service])."""
    clock = FakeClock(START)
    transport = FakeTransport(clock, latency=0.001)
    dbs = [await Database.open(pg_url) for _ in range(2)]
    services = [PlanService(db, library, clock, default_timezone="Asia/Tokyo") for db in dbs]
    assert services[0].store.owner != services[1].store.owner
    yield clock, transport, services
    for db in dbs:
        await db.close()


async def start_plans(service, count: int):
    status = None
    for member in range(1, count + 1):
        status = await service.start(member, "3m", weekday="mon", at="09:00")
    return status.next_due


async def states(service) -> Counter:
    rows = await service.store.db.fetchall("SELECT state, lease_owner FROM plan_sends"
                                           " WHERE week = 1")
    return Counter((r["state"], r["lease_owner"]) for r in rows)


async def test_two_dispatchers_send_every_due_reminder_exactly_once(processes):
    clock, transport, services = processes
    due = await start_plans(services[0], 200)
    clock.set(due + timedelta(seconds=30))
    # Batches of 50: each process reserves a batch at a time, so both get some of 200.
    first, second = (make_dispatcher(s, transport, clock, lease=LEASE, batch_size=50)
                     for s in services)
    await asyncio.gather(first.run_due(), second.run_due())
    keys = transport.keys()
    assert len(keys) == 200 and len(set(keys)) == 200  # every one, once
    by_owner = await states(services[0])
    assert set(state for state, _ in by_owner) == {"sent"}
    # Both processes took a share (claims, not luck, decided which).
    assert {owner for _, owner in by_owner} == {s.store.owner for s in services}
    await asyncio.gather(first.run_due(), second.run_due())
    assert len(transport.keys()) == 200  # nothing sent twice on the next passes


async def test_a_dispatcher_that_dies_holding_claims_is_finished_by_the_other_after_the_lease(
        processes):
    clock, transport, services = processes
    due = await start_plans(services[0], 20)
    clock.set(due + timedelta(seconds=30))
    claimed: list[str] = []

    def die_midway(step, row):
        # Half the rows die after reaching Discord, half before: both must end up sent once.
        if step == ("after_send" if row.subscription_id % 2 else "after_claim"):
            claimed.append(row.key)
            raise SimulatedCrash(step)

    doomed = make_dispatcher(services[0], transport, clock, lease=LEASE,
                             checkpoint=die_midway, concurrency=32)
    survivor = make_dispatcher(services[1], transport, clock, lease=LEASE)
    with pytest.raises(SimulatedCrash):
        await doomed.run_due()
    assert len(claimed) == 20
    assert len(transport.keys()) == 10  # the after_send half reached Discord
    # The doomed process is gone. Within its lease, the survivor leaves its rows alone.
    assert await survivor.run_due() == 0
    assert await states(services[1]) == Counter({("sending", services[0].store.owner): 20})
    next_at = await services[1].store.next_run_at()
    assert next_at == clock.now() + timedelta(seconds=LEASE)  # it wakes when the lease ends
    clock.advance(timedelta(seconds=LEASE + 1))
    await survivor.run_due()
    keys = transport.keys()
    assert sorted(keys) == sorted(set(keys)) and len(keys) == 20  # 0 duplicates, 0 losses
    assert await states(services[1]) == Counter({("sent", services[1].store.owner): 20})


async def test_a_row_being_claimed_elsewhere_is_skipped_not_waited_for(processes):
    clock, _transport, services = processes
    due = await start_plans(services[0], 1)
    clock.set(due)
    row = await services[0].store.send(1)
    async with services[0].store.db.transaction() as tx:
        await tx.fetchone("SELECT id FROM plan_sends WHERE id = ? FOR UPDATE", (row.id,))
        # SKIP LOCKED: an immediate "no", not a wait for the other transaction.
        assert not await asyncio.wait_for(
            services[1].store.claim(row.id, clock.now(), "week", 1), timeout=5)
    assert await services[1].store.claim(row.id, clock.now(), "week", 1)
    assert not await services[0].store.claim(row.id, clock.now(), "week", 1)  # leased


async def test_a_batch_reserved_by_one_process_is_left_to_it_until_its_lease_ends(processes):
    clock, _transport, services = processes
    due = await start_plans(services[0], 3)
    clock.set(due)
    mine, theirs = services[0].store, services[1].store
    assert len(await mine.due_sends(clock.now(), 10, lease_seconds=LEASE)) == 3
    assert await theirs.due_sends(clock.now(), 10) == []
    # The other process sleeps until the reservation ends, instead of spinning on it.
    assert await theirs.next_run_at() == clock.now() + timedelta(seconds=LEASE)
    assert not await theirs.claim(1, clock.now(), "week", 1)
    clock.advance(timedelta(seconds=LEASE))
    assert len(await theirs.due_sends(clock.now(), 10)) == 3


async def test_a_process_that_lost_its_lease_cannot_overwrite_its_successor(processes):
    clock, _transport, services = processes
    due = await start_plans(services[0], 1)
    clock.set(due)
    old, new = services[0].store, services[1].store
    row = (await old.due_sends(clock.now(), 10))[0]
    assert await old.claim(row.id, clock.now(), "week", 1, lease_seconds=LEASE)
    clock.advance(timedelta(seconds=LEASE + 1))
    assert await new.claim(row.id, clock.now(), "week", 1, lease_seconds=LEASE)
    assert not await old.start_attempt(row.id, clock.now())
    assert not await old.mark_sent(row.id, 1, clock.now())
    assert await new.start_attempt(row.id, clock.now())
    assert await new.mark_sent(row.id, 2, clock.now())
    assert (await new.send(row.id)).message_id == 2
