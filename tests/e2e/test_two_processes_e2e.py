"""Two real `tutorbot run` processes (shards 0 and 1 of 2), one real PostgreSQL, one fake
Discord: the issue's "prove it" test.

- `/ask` and a channel quiz work in a guild on each shard, answered by the owning process.
- 1,000 study-plan reminders come due at once; both processes send them, and every one
  arrives exactly once (the fake's record of messages: one per member's DMs).
- 300 more come due; process 1 is killed (SIGKILL) while it holds claimed reminders, some
  of them already posted (the fake answers message posts half a second late, so the
  process never learnt it); once the lease runs out process 0 completes them, recording
  the posted ones from the channel history instead of sending them again: 0 duplicates,
  0 losses, in the fake's record.
- Process 1 restarts: it resumes its own quiz (shard 1's guild), not process 0's.

The reminders are real plans (the project's PlanService) for fake members, started with a
clock set a few minutes back so their first week is already due; their `run_at` is then
set to one moment both processes wait for (each sleeps until the earliest run_at), so the
batch comes due at once, after both are up. The lease is shortened for the test through the
`reminder_lease_seconds` setting. Figures are printed (`-s` shows them).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, free_port
from tests.e2e.conftest import assert_never_pings
from tests.e2e.test_runner_e2e import wait_for_health

pytestmark = pytest.mark.e2e

FIRST_BATCH = 1000
SECOND_BATCH = 300
LEASE = 10.0  # seconds (reminder_lease_seconds); the default is 300
QUESTION = "What accuracy did the CNN reach for skin cancer diagnosis?"
RESTARTED = "I restarted"
MESSAGE_POSTS = r"^/channels/\d+/messages$"


class BotProcess:
    """One `tutorbot run` process owning some shards, its log in a file (a pipe nobody
    reads would fill up and block the process)."""

    def __init__(self, tutor, root: Path, fake, database_url: str, shard: int) -> None:
        self.shard = shard
        self.port = free_port()
        self.log = root / f"shard{shard}.log"
        self.env = {**os.environ, "DISCORD_TOKEN": BOT_TOKEN, "DISCORD_API_BASE": fake.api_base,
                    "DISCORD_GATEWAY_URL": fake.gateway_url,
                    "TUTORBOT_HEALTH_PORT": str(self.port), "TUTORBOT_HEALTH_HOST": "127.0.0.1",
                    "TUTORBOT_LOG_JSON": "true",
                    "TUTORBOT_INDEX_DIR": str(tutor.settings.index_dir),
                    "TUTORBOT_DATA_DIR": str(root / f"data{shard}"),
                    "TUTORBOT_DATABASE_URL": database_url, "TUTORBOT_SHARD_COUNT": "2",
                    "TUTORBOT_SHARD_IDS": str(shard),
                    "TUTORBOT_REMINDER_LEASE_SECONDS": str(LEASE)}
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0

    async def start(self) -> None:
        self.runs += 1
        with open(self.log, "ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", env=self.env,
                stdout=asyncio.subprocess.DEVNULL, stderr=log)

    async def healthy(self) -> dict:
        return await wait_for_health(f"http://127.0.0.1:{self.port}/healthz", {"ok"})

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mb(self) -> float:
        """The process's resident memory now (a figure printed, never asserted)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout=20)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    def lines(self) -> list[dict]:
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    found.append(json.loads(line))
        return found

    def delivered(self) -> int:
        """Reminders this process recorded as delivered, over all its runs."""
        return sum(1 for line in self.lines()
                   if re.match(r"plan send \S+ delivered", line.get("message", "")))

    def took_over_found(self) -> int:
        return sum(1 for line in self.lines()
                   if "was already delivered" in line.get("message", ""))


async def seed_plans(url: str, members: list[int]) -> list[int]:
    """A DM plan for each member, week 1 already due (started with a clock set back), held
    back for now (a day); the ids of their pending rows."""
    from bot.clock import FakeClock
    from bot.config import PROJECT_ROOT
    from bot.plans.library import load_library
    from bot.plans.service import PlanService
    from bot.storage.db import Database

    started = datetime.now(UTC) - timedelta(minutes=3)
    due = (started + timedelta(minutes=1)).replace(second=0, microsecond=0)
    db = await Database.open(url)
    try:
        service = PlanService(db, load_library(PROJECT_ROOT / "knowledge" / "plans.yaml"),
                              FakeClock(started))
        ids = []
        for member in members:
            status = await service.start(member, "3m", weekday=f"{due:%a}".lower(),
                                         at=f"{due:%H:%M}", timezone="UTC")
            ids.append(status.subscription_id)
        marks = ",".join("?" * len(ids))
        rows = await db.fetchall(f"SELECT id FROM plan_sends WHERE subscription_id IN"
                                 f" ({marks})", tuple(ids))
        assert len(rows) == len(ids)
        rows = [r["id"] for r in rows]
        await hold_until(db, rows, datetime.now(UTC) + timedelta(days=1))
        return rows
    finally:
        await db.close()


async def hold_until(db, rows: list[int], run_at: datetime) -> None:
    """The rows come due at `run_at` (their week is due already: it is only held back)."""
    from bot.plans.store import to_db

    marks = ",".join("?" * len(rows))
    await db.execute(f"UPDATE plan_sends SET run_at = ? WHERE id IN ({marks})",
                     (to_db(run_at), *rows))


async def held_by(url: str, pid: int, ids: list[int] | None = None) -> dict[str, int]:
    """Unsent rows the process `pid` holds (its lease owner names it): 'sending' = claimed,
    'started' = claimed with the send begun (attempt_at committed just before the POST),
    'reserved' = picked for its batch, not claimed yet."""
    from bot.storage.db import Database

    where = f" AND id IN ({','.join('?' * len(ids))})" if ids else ""
    db = await Database.open(url, migrate=False)
    try:
        row = await db.fetchone(
            "SELECT COALESCE(SUM(CASE WHEN state = 'sending' THEN 1 ELSE 0 END), 0) AS sending,"
            " COALESCE(SUM(CASE WHEN state = 'sending' AND attempt_at IS NOT NULL"
            "  THEN 1 ELSE 0 END), 0) AS started,"
            " COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS reserved"
            f" FROM plan_sends WHERE lease_owner LIKE ? AND state != 'sent'{where}",
            (f"%:{pid}:%", *(ids or ())))
        return {key: int(row[key]) for key in ("sending", "started", "reserved")}
    finally:
        await db.close()


async def delivered_unrecorded(url: str, fake, pid: int) -> list[int]:
    """Rows process `pid` claimed whose reminder the fake already holds, though the row is
    not recorded as sent: the process does not know yet that the send went through."""
    from bot.storage.db import Database

    db = await Database.open(url, migrate=False)
    try:
        rows = await db.fetchall(
            "SELECT id, target_id FROM plan_sends WHERE state = 'sending'"
            " AND attempt_at IS NOT NULL AND lease_owner LIKE ?", (f"%:{pid}:%",))
    finally:
        await db.close()
    if not rows:
        return []
    users = [fake.state.users[int(r["target_id"])] for r in rows]
    return [r["id"] for r, n in zip(rows, reminder_counts(fake, users), strict=True) if n]


def reminder_counts(fake, users) -> list[int]:
    """How many reminders (the week-1 embed) each member's DMs received, per the fake's
    record of messages (one pass over it)."""
    bot_id = fake.state.bot_user.id
    per_channel: dict[int, int] = {}
    for message in list(fake.state.messages.values()):
        if message.author_id == bot_id and "week 1 of 12" in message.text():
            per_channel[message.channel_id] = per_channel.get(message.channel_id, 0) + 1
    dms = fake.state.dm_channels
    return [per_channel.get(dms.get(user.id, -1), 0) for user in users]


async def wait_until_sent(url: str, rows: list[int], timeout: float = 30) -> None:
    """Until every row is recorded as sent: a message reaches the fake before its sender
    records it (and logs it), and a reminder found in the history adds no message."""
    from bot.storage.db import Database

    marks = ",".join("?" * len(rows))
    deadline = time.monotonic() + timeout
    db = await Database.open(url, migrate=False)
    try:
        while True:
            row = await db.fetchone(f"SELECT COUNT(*) AS n FROM plan_sends WHERE id IN"
                                    f" ({marks}) AND state = 'sent'", tuple(rows))
            if row["n"] == len(rows):
                return
            assert time.monotonic() < deadline, f"{row['n']} of {len(rows)} recorded as sent"
            await asyncio.sleep(0.2)
    finally:
        await db.close()


async def wait_for_all(fake, users, timeout: float) -> float:
    started = time.monotonic()
    await fake.wait_until(lambda: all(reminder_counts(fake, users)), timeout=timeout,
                          what=f"{len(users)} reminders delivered")
    return time.monotonic() - started


async def test_two_processes_share_shards_reminders_and_a_kill(fake, tutor, postgres,
                                                               pg_url, tmp_path):
    zero = fake.add_guild("Shard Zero School", shard=(0, 2), channels=("zero-study",))
    one = fake.add_guild("Shard One School", shard=(1, 2), channels=("one-study",))
    assert [(g.id >> 22) % 2 for g in (zero, one)] == [0, 1]
    first = [fake.add_user(f"learner{i}") for i in range(FIRST_BATCH)]
    second = [fake.add_user(f"late{i}") for i in range(SECOND_BATCH)]

    # Both batches are in the database before either process starts: each process, once
    # up, sleeps until the earliest run_at, so both wake for the batch at the same moment.
    from bot.storage.db import Database

    begun = time.monotonic()
    first_rows = await seed_plans(pg_url, [u.id for u in first])
    second_rows = await seed_plans(pg_url, [u.id for u in second])
    seeded = time.monotonic() - begun
    now = datetime.now(UTC)
    first_at, second_at = now + timedelta(seconds=30), now + timedelta(seconds=90)
    db = await Database.open(pg_url, migrate=False)
    await hold_until(db, first_rows, first_at)
    await hold_until(db, second_rows, second_at)
    await db.close()

    bots = [BotProcess(tutor, tmp_path, fake, pg_url, shard) for shard in (0, 1)]
    launched = time.monotonic()
    try:
        for bot in bots:
            await bot.start()
        for bot in bots:
            health = await bot.healthy()
            assert list(health["shards"]) == [str(bot.shard)]
        ready = time.monotonic() - launched
        assert datetime.now(UTC) < first_at, f"processes took {ready:.0f} s to start"

        # /ask and a channel quiz in each shard's guild, each answered by its owner.
        for channel, shard in (("zero-study", 0), ("one-study", 1)):
            record = await fake.slash(fake.student, "ask", {"question": QUESTION},
                                      channel=channel, timeout=30)
            assert record.shard == shard and not record.rejected
            answer = fake.response_message(record)
            assert answer is not None and "Esteva" in answer.text()
            quiz = await fake.slash(fake.moderator, "quiz start", {"count": 2, "seconds": 300},
                                    channel=channel, timeout=30)
            assert quiz.shard == shard and not quiz.rejected and not quiz.ephemeral
            assert "2 question(s)" in quiz.callback_data["embeds"][0]["title"]

        # 1,000 reminders due at once, both processes alive.
        await asyncio.sleep(max(0.0, (first_at - datetime.now(UTC)).total_seconds()))
        first_seconds = await wait_for_all(fake, first, timeout=120)
        await wait_until_sent(pg_url, first_rows)
        await asyncio.sleep(0.5)  # the log line follows the row's update
        counts = reminder_counts(fake, first)
        shares = [bot.delivered() for bot in bots]
        print(f"\n{FIRST_BATCH} reminders due at once: sent in {first_seconds:.1f} s after "
              f"they came due; per process {shares}; duplicates "
              f"{sum(c - 1 for c in counts if c > 1)}, losses {counts.count(0)}; RSS per "
              f"process {[round(bot.rss_mb()) for bot in bots]} MB")
        assert counts == [1] * FIRST_BATCH
        assert sum(shares) == FIRST_BATCH and min(shares) > 0, shares

        # 300 more; kill -9 process 1 while it holds claims, then process 0 finishes them.
        # Message posts are answered half a second late (the message already exists), so
        # process 1 can be killed after a reminder reached Discord and before it learnt so.
        fake.slow_replies("POST", MESSAGE_POSTS, 0.5)
        victim = bots[1]
        deadline = time.monotonic() + 150
        while not await delivered_unrecorded(pg_url, fake, victim.pid):
            assert time.monotonic() < deadline, "process 1 never had a send in flight"
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.15)  # its other sends in flight reach the fake too
        victim.kill()
        killed_at = time.monotonic()
        await victim.process.wait()
        await asyncio.sleep(0.5)  # let the fake finish requests that were under way
        held = await held_by(pg_url, victim.pid, second_rows)
        unrecorded = len(await delivered_unrecorded(pg_url, fake, victim.pid))
        before_kill = victim.delivered()
        await wait_for_all(fake, second, timeout=120)
        takeover = time.monotonic() - killed_at
        await wait_until_sent(pg_url, second_rows)
        await asyncio.sleep(0.5)
        counts = reminder_counts(fake, second)
        found = bots[0].took_over_found()
        print(f"{SECOND_BATCH} more; process 1 killed (SIGKILL) after sending "
              f"{before_kill - shares[1]} of them, holding {held['sending']} claimed "
              f"({held['started']} with the send begun, {unrecorded} of those already in the "
              f"fake) and {held['reserved']} reserved (lease {LEASE:.0f} s); all delivered "
              f"{takeover:.1f} s after the kill; duplicates "
              f"{sum(c - 1 for c in counts if c > 1)}, losses {counts.count(0)}; "
              f"found already delivered by process 0's history check: {found}")
        assert held['sending'] > 0 and unrecorded > 0
        assert found >= unrecorded  # recorded from the history, not sent again
        assert counts == [1] * SECOND_BATCH
        assert takeover >= LEASE - 1  # B's rows waited for the lease, then A sent them
        assert reminder_counts(fake, first) == [1] * FIRST_BATCH  # nothing re-sent

        fake.slow_replies("POST", MESSAGE_POSTS, 0)

        # Process 1 restarts: it resumes shard 1's quiz; shard 0's is left to process 0.
        await victim.start()
        await victim.healthy()
        await fake.wait_until(lambda: any(RESTARTED in m.content
                                          for m in fake.sent_messages("one-study")),
                              timeout=30, what="shard 1's quiz resumed")
        await asyncio.sleep(2)
        assert sum(RESTARTED in m.content for m in fake.sent_messages("one-study")) == 1
        assert not any(RESTARTED in m.content for m in fake.sent_messages("zero-study"))
        for channel in ("zero-study", "one-study"):
            stop = await fake.slash(fake.moderator, "quiz stop", channel=channel, timeout=30)
            assert not stop.rejected
        print(f"seeded {FIRST_BATCH + SECOND_BATCH} plans in {seeded:.1f} s; both processes "
              f"healthy {ready:.1f} s after their launch; "
              f"whole test {time.monotonic() - begun:.0f} s")
    finally:
        codes = [await bot.stop() for bot in bots]
    assert codes[0] == 0
    assert not fake.crashes and not fake.unknown_requests, fake.unknown_requests
    assert_never_pings(fake)
    for bot in bots:
        assert "Traceback" not in bot.log.read_text(errors="replace"), bot.log.read_text()[-3000:]
