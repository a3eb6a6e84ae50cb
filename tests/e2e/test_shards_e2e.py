"""Sharding end to end: bot processes that each run half of the fake's shards.

Two real TutorBots (one process here, on one SQLite file, as two processes on one machine
would be) split shards 0 and 1 of 2; the fake routes each guild's events to the shard
Discord would, and DMs to shard 0. Then a real `tutorbot run --shard-count 2 --shards 1`
shows its shards in /healthz and /metrics.
"""

from __future__ import annotations

import asyncio
import dataclasses
import urllib.request
from contextlib import AsyncExitStack

import pytest

from bot.discordbot.client import TutorBot, point_discord_at
from tests.conftest import free_port
from tests.e2e.conftest import assert_never_pings
from tests.e2e.test_runner_e2e import start_process, stop_process, wait_for_health
from tests.fakediscord import running_bot

pytestmark = pytest.mark.e2e

QUESTION = "What accuracy did the CNN reach for skin cancer diagnosis?"


@pytest.fixture()
def guilds(fake):
    """One study server on each shard of two."""
    zero = fake.add_guild("Shard Zero School", shard=(0, 2), channels=("zero-study",))
    one = fake.add_guild("Shard One School", shard=(1, 2), channels=("one-study",))
    return zero, one


def shard_bot(bot_settings, tutor, shard: int) -> TutorBot:
    settings = dataclasses.replace(bot_settings, shard_count=2, shard_ids=(shard,))
    point_discord_at(settings)
    return TutorBot(settings, tutor=tutor, guild_ready_timeout=0.1)


async def start_both(stack: AsyncExitStack, fake, bot_settings, tutor) -> list[TutorBot]:
    return [await stack.enter_async_context(running_bot(shard_bot(bot_settings, tutor, s), fake))
            for s in (0, 1)]


async def test_each_process_answers_in_its_shards_guilds_and_dms_on_shard_0(
        fake, guilds, bot_settings, tutor):
    zero, one = guilds
    async with AsyncExitStack() as stack:
        bots = await start_both(stack, fake, bot_settings, tutor)
        assert [b.owned_shards() for b in bots] == [(0,), (1,)]
        assert zero.id in {g.id for g in bots[0].guilds} - {g.id for g in bots[1].guilds}
        assert one.id in {g.id for g in bots[1].guilds} - {g.id for g in bots[0].guilds}
        for channel, shard in (("zero-study", 0), ("one-study", 1)):
            record = await fake.slash(fake.student, "ask", {"question": QUESTION},
                                      channel=channel, timeout=20)
            # Delivered to the owning shard's connection only, and answered once: a second
            # answer from the other process would be refused (40060) and show up here.
            assert record.shard == shard and not record.rejected
            answer = fake.response_message(record)
            assert answer is not None and "Esteva" in answer.text()  # the cited study
        dm = await fake.slash(fake.student, "ask", {"question": QUESTION},
                              channel=fake.dm_channel(fake.student), timeout=20)
        assert dm.shard == 0 and dm.callback is not None and not dm.rejected
        assert all(b.gateway_connected() for b in bots)
        assert [list(b.shard_states()) for b in bots] == [[0], [1]]
    assert not fake.crashes and not fake.unknown_requests
    assert_never_pings(fake)


def quiz_engine(bot: TutorBot):
    return bot.get_cog("Quiz").service.engine


async def test_a_restart_resumes_only_the_quizzes_of_the_process_own_shards(
        fake, guilds, bot_settings, tutor):
    room = fake.channel("zero-study")
    async with AsyncExitStack() as stack:
        bots = await start_both(stack, fake, bot_settings, tutor)
        started = await fake.slash(fake.moderator, "quiz start", {"count": 2, "seconds": 10},
                                   channel=room, timeout=20)
        assert not started.ephemeral and quiz_engine(bots[0]).get(room.id) is not None
    # Both processes restart on the shared database: the quiz is shard 0's.
    async with AsyncExitStack() as stack:
        bots = await start_both(stack, fake, bot_settings, tutor)
        await fake.wait_until(lambda: any("I restarted" in m.content
                                          for m in fake.sent_messages(room)),
                              timeout=10, what="the quiz resumed")
        assert quiz_engine(bots[1]).get(room.id) is None  # shard 1 left it alone
        row = await bots[0].db.fetchone("SELECT status FROM quiz_sessions")
        assert row["status"] == "active"  # not closed as "channel gone" by shard 1
        resumed = [m for m in fake.sent_messages(room) if "I restarted" in m.content]
        assert len(resumed) == 1
        await fake.slash(fake.moderator, "quiz stop", channel=room, timeout=20)


def read(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


@pytest.mark.usefixtures("guilds")
async def test_run_with_shard_flags_reports_its_shards(fake, tutor, tmp_path):
    port = free_port()
    process = await start_process(tutor, tmp_path, fake.api_base, fake.gateway_url, port,
                                  "--shard-count", "2", "--shards", "1")
    try:
        health = await wait_for_health(f"http://127.0.0.1:{port}/healthz", {"ok"})
        assert health["shard_count"] == 2
        assert list(health["shards"]) == ["1"] and health["shards"]["1"]["gateway"] == "connected"
        record = await fake.slash(fake.student, "ask", {"question": QUESTION},
                                  channel="one-study", timeout=20)
        assert record.shard == 1 and record.callback is not None
        # Shard 0 has no process: its guild's question reaches nobody.
        lost = await fake.slash(fake.student, "ask", {"question": QUESTION},
                                channel="zero-study", wait=False)
        assert lost.shard is None
        metrics = await asyncio.to_thread(read, f"http://127.0.0.1:{port}/metrics")
        assert 'tutorbot_gateway_connected{shard="1"} 1.0' in metrics
        assert 'tutorbot_gateway_latency_seconds{shard="1"}' in metrics
        assert 'shard="0"' not in metrics
    finally:
        code, _, stderr = await stop_process(process)
    assert code == 0, stderr
    identifies = [f.data.get("shard") for f in fake.gateway_frames if f.op == 2]
    assert identifies == [[1, 2]]
