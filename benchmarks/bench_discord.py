"""/ask figures against the local fake Discord; prints each, asserts nothing.

    .venv/bin/python benchmarks/bench_discord.py [--burst 50] [--rounds 30] [--postgres]

- answer latency from interaction dispatch to the answer (callback, or followup after a
  defer), p50 and p95, one question at a time and in a burst of N at once;
- the longest event-loop stall during the burst (the bot's watchdog);
- RSS after the burst.
With --postgres the bot stores into a throwaway PostgreSQL server (tests/pgserver.py, needs
postgresql-15) instead of its SQLite file, so the two backends can be compared.
The fake runs in the same process and event loop as the bot, so its own work is included.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from figures import percentile  # noqa: E402

QUESTIONS = ["Netflixの深層学習フェーズの精度は?",
             "How many people use Google Translate every day?",
             "AlphaGoが使った探索手法は?", "What accuracy did the CNN reach for skin cancer?",
             "エッジAIの利点は?", "What programming languages does a data scientist need?"]


def answered(record) -> bool:
    bodies = [record.callback_data] + [body for _, body in record.events]
    return any(body.get("embeds") for body in bodies if isinstance(body, dict))


async def one(fake, user, question: str) -> float:
    started = time.perf_counter()
    record = await fake.slash(user, "ask", {"question": question}, wait=False)
    await fake.wait_until(lambda: answered(record), timeout=120, what="answer")
    return time.perf_counter() - started


async def measure(burst: int, rounds: int, database_url: str = "") -> None:
    from bot.config import load_settings
    from bot.discordbot.client import TutorBot, point_discord_at
    from bot.tutor import Tutor
    from tests.fakediscord import FakeDiscord, running_bot

    base = load_settings()
    tutor = Tutor.open(base)
    tutor.load_dense_in_background().join()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeDiscord(callback_deadline=None) as fake:
            settings = dataclasses.replace(base, data_dir=Path(tmp), api_base=fake.api_base,
                                           gateway_url=fake.gateway_url, ask_per_minute=10_000,
                                           database_url=database_url)
            point_discord_at(settings)
            bot = TutorBot(settings, tutor=tutor, guild_ready_timeout=0.1)
            async with running_bot(bot, fake):
                await one(fake, fake.student, QUESTIONS[0])  # warm-up
                single = [await one(fake, fake.student, QUESTIONS[n % len(QUESTIONS)])
                          for n in range(rounds)]
                report("1 at a time", single)
                bot.watchdog.reset()
                together = await asyncio.gather(*[
                    one(fake, fake.student, QUESTIONS[n % len(QUESTIONS)]) for n in range(burst)])
                report(f"{burst} at once", together)
                print(f"longest event-loop stall during the burst: "
                      f"{bot.watchdog.longest_stall * 1000:.0f} ms "
                      f"({bot.watchdog.stalls} over 100 ms)")
                print(f"max concurrent answers per guild: {settings.max_concurrent_answers}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS after the burst: {rss:.0f} MB")


def report(label: str, values: list[float]) -> None:
    print(f"dispatch → answer, {label:<12} p50 {percentile(values, 0.5) * 1000:7.1f} ms   "
          f"p95 {percentile(values, 0.95) * 1000:7.1f} ms   (n={len(values)})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if not args.postgres:
        print("backend: SQLite")
        asyncio.run(measure(args.burst, args.rounds))
        return 0
    from tests.pgserver import PostgresServer

    server = PostgresServer()
    server.start()
    try:
        print("backend: PostgreSQL (a throwaway server on 127.0.0.1)")
        asyncio.run(measure(args.burst, args.rounds, server.new_database()))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
