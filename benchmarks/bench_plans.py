"""1,000 study-plan reminders due in the same minute; prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_plans.py [--subscriptions 1000] [--latency 0.05]

A transport stand-in answers each send after `latency` seconds (Discord's own answer time);
the dispatcher keeps at most `concurrency` sends in flight. On Discord, DiscordTransport
also paces sends to stay under the global rate limit.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "plans"))


async def measure(count: int, latency: float, concurrency: int) -> None:
    from plans_doubles import KNOWLEDGE, START, FakeTransport, make_dispatcher

    from bot.clock import FakeClock
    from bot.plans.library import load_library
    from bot.plans.service import PlanService
    from bot.storage.db import Database

    clock = FakeClock(START)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "plans.sqlite3")
        service = PlanService(db, load_library(KNOWLEDGE / "plans.yaml"), clock)
        transport = FakeTransport(clock, latency=latency)
        dispatcher = make_dispatcher(service, transport, clock, concurrency=concurrency)
        for member in range(1, count + 1):
            await service.start(member, "3m", weekday="mon", at="09:00")
        clock.advance(timedelta(days=8))
        stalls: list[float] = []
        task = asyncio.create_task(_watch(stalls))
        started = time.perf_counter()
        handled = await dispatcher.run_due()
        seconds = time.perf_counter() - started
        task.cancel()
        await db.close()
    keys = transport.keys()
    print(f"{handled} reminders due at once sent in {seconds:.1f} s "
          f"({handled / seconds:.0f}/s, at most {transport.max_in_flight} in flight, "
          f"{latency * 1000:.0f} ms per send)")
    print(f"duplicates: {len(keys) - len(set(keys))}")
    print(f"longest event-loop stall meanwhile: {max(stalls) * 1000:.0f} ms")
    from bot.discordbot.plans_transport import SENDS_PER_SECOND

    print(f"on Discord the transport paces sends at {SENDS_PER_SECOND}/s (two requests each at "
          f"most, under the global 50/s): {handled / SENDS_PER_SECOND:.0f} s for {handled}")


async def _watch(stalls: list[float]) -> None:
    while True:
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        stalls.append(time.perf_counter() - started - 0.01)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(measure(args.subscriptions, args.latency, args.concurrency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
