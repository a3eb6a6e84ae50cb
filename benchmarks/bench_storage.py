"""Reminder throughput by backend: 1,000 reminders due at once, sent by one dispatcher on
SQLite, one process on PostgreSQL, and two separate processes sharing PostgreSQL (claims
with leases). Prints figures, asserts nothing (duplicates are counted and printed).

    .venv/bin/python benchmarks/bench_storage.py [--subscriptions 1000] [--latency 0.05]

PostgreSQL is a throwaway server started here (tests/pgserver.py: needs postgresql-15),
with fsync off, so the PostgreSQL figures leave out disk flushes; SQLite's include them.
Each process sends through its own stand-in transport that answers after `latency`
seconds, at most `concurrency` sends in flight per process (no Discord pacing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "plans"))


async def seed(target: Path | str, count: int) -> None:
    from plans_doubles import KNOWLEDGE, START

    from bot.clock import FakeClock
    from bot.plans.library import load_library
    from bot.plans.service import PlanService
    from bot.storage.db import Database

    db = await Database.open(target)
    service = PlanService(db, load_library(KNOWLEDGE / "plans.yaml"), FakeClock(START))
    for member in range(1, count + 1):
        await service.start(member, "3m", weekday="mon", at="09:00")
    await db.close()


async def dispatch(target: Path | str, latency: float, concurrency: int) -> dict:
    """One process's dispatcher: every due row, until none is left; keys it delivered."""
    from plans_doubles import KNOWLEDGE, START, FakeTransport, make_dispatcher

    from bot.clock import FakeClock
    from bot.plans.library import load_library
    from bot.plans.service import PlanService
    from bot.storage.db import Database

    clock = FakeClock(START + timedelta(days=8))
    db = await Database.open(target)
    service = PlanService(db, load_library(KNOWLEDGE / "plans.yaml"), clock)
    transport = FakeTransport(clock, latency=latency)
    dispatcher = make_dispatcher(service, transport, clock, concurrency=concurrency)
    started = time.perf_counter()
    while await dispatcher.run_due():
        pass
    seconds = time.perf_counter() - started
    await db.close()
    return {"keys": transport.keys(), "seconds": seconds}


async def statements(target: Path | str, label: str, count: int = 2000) -> None:
    """Per-statement cost through the storage layer: a read, and a committed write."""
    from bot.storage.db import Database

    db = await Database.open(target)
    await db.execute("INSERT INTO meta (key, value) VALUES ('bench', '0')")
    started = time.perf_counter()
    for _ in range(count):
        await db.fetchone("SELECT value FROM meta WHERE key = ?", ("bench",))
    read = (time.perf_counter() - started) / count
    started = time.perf_counter()
    for i in range(count):
        await db.execute("UPDATE meta SET value = ? WHERE key = ?", (str(i), "bench"))
    write = (time.perf_counter() - started) / count
    await db.close()
    print(f"{label:<34}one read {read * 1000:.2f} ms, one committed write {write * 1000:.2f} ms")


def report(label: str, results: list[dict], wall: float) -> None:
    keys = [k for r in results for k in r["keys"]]
    shares = "/".join(str(len(r["keys"])) for r in results)
    print(f"{label:<34}{len(keys):>6} sent in {wall:5.1f} s = {len(keys) / wall:5.0f}/s  "
          f"(per process {shares}; duplicates {len(keys) - len(set(keys))})")


def worker(target: str, latency: float, concurrency: int) -> int:
    sys.stdin.readline()  # the go signal: all workers start together
    print(json.dumps(asyncio.run(dispatch(target, latency, concurrency))), flush=True)
    return 0


def processes(url: str, count: int, latency: float, concurrency: int) -> tuple[list, float]:
    command = [sys.executable, __file__, "--worker", url, "--latency", str(latency),
               "--concurrency", str(concurrency)]
    workers = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True) for _ in range(count)]
    time.sleep(3)  # imports done; each waits for its line
    started = time.perf_counter()
    for process in workers:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [json.loads(process.communicate()[0]) for process in workers]
    return results, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.latency, args.concurrency)
    from tests.pgserver import PostgresServer

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        asyncio.run(seed(path, args.subscriptions))
        results, wall = processes(f"sqlite:///{path}", 1, args.latency, args.concurrency)
        report("SQLite, 1 process", results, wall)
        asyncio.run(statements(Path(tmp) / "statements.sqlite3", "SQLite statements"))
    server = PostgresServer()
    server.start()
    try:
        asyncio.run(statements(server.new_database(), "PostgreSQL statements"))
        for count in (1, 2):
            url = server.new_database()
            asyncio.run(seed(url, args.subscriptions))
            results, wall = processes(url, count, args.latency, args.concurrency)
            report(f"PostgreSQL, {count} process{'es' if count > 1 else ''}", results, wall)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
