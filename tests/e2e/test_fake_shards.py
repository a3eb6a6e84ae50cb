"""The fake routes like sharded Discord: a shard sees only its guilds, DMs go to shard 0."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack

import discord
import pytest

from tests.fakediscord import FakeDiscord, running_bot

log = logging.getLogger(__name__)

pytestmark = pytest.mark.e2e


class Recorder(discord.AutoShardedClient):
    """A sharded client that writes down which shard each message reached."""

    def __init__(self, shard_ids: list[int]) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents, shard_count=2, shard_ids=shard_ids,
                         guild_ready_timeout=0.1)
        self.seen: list[tuple[int | None, str]] = []

    async def on_message(self, message: discord.Message) -> None:
        shard = message.guild.shard_id if message.guild else None
        self.seen.append((shard, message.content))


@pytest.fixture
async def fake():
    async with FakeDiscord() as server:
        yield server


async def test_each_shard_gets_only_its_guilds_and_dms_reach_shard_0(fake):
    zero = fake.add_guild("Zero", shard=(0, 2), channels=("zero-room",))
    one = fake.add_guild("One", shard=(1, 2), channels=("one-room",))
    first, second = Recorder([0]), Recorder([1])
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(running_bot(first, fake))
        await stack.enter_async_context(running_bot(second, fake))
        assert zero.id in {g.id for g in first.guilds} - {g.id for g in second.guilds}
        assert one.id in {g.id for g in second.guilds} - {g.id for g in first.guilds}
        assert {fake.shard_of(g.id) for g in first.guilds} == {0}
        await fake.post_message(fake.student, "zero-room", "to zero")
        await fake.post_message(fake.student, "one-room", "to one")
        await fake.post_message(fake.student, fake.student, "a DM")
        # The clients' handlers don't wake fake.wait_until (no request follows): poll.
        async with asyncio.timeout(5):
            while len(first.seen) + len(second.seen) < 3:
                await asyncio.sleep(0.01)
    assert sorted(first.seen, key=str) == [(0, "to zero"), (None, "a DM")]
    assert second.seen == [(1, "to one")]
    identifies = [f.data["shard"] for f in fake.gateway_frames if f.op == 2]
    assert sorted(identifies) == [[0, 2], [1, 2]]


async def test_an_unsharded_identify_owns_every_guild(fake):
    other = fake.add_guild("Other", channels=("other-room",))
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
    async with running_bot(client, fake):
        assert {g.id for g in client.guilds} == {fake.guild.id, other.id}
