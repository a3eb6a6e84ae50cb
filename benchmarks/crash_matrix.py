"""The reminders' crash-injection matrix: fault points × kinds of fault; prints figures.

    .venv/bin/python benchmarks/crash_matrix.py

Each cell runs the scenario the tests run (tests/plans/plans_doubles.py fault_scenario): a
3-month plan posting to a busy channel (300 members' messages while the bot was down, 250
more while a crashed process restarts), one fault during week 1's delivery, then weeks
1-3. "crash" kills the process (a new one opens the same database after Discord's nonce
window); "error" is an ordinary exception (`database is locked`, a connection reset) in a
process that lives on. A cell reads duplicates/losses over the three weeks.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "plans"))

EXPECTED = ["tp1w1", "tp1w2", "tp1w3"]


async def matrix() -> dict[tuple[str, str], tuple[int, int]]:
    from plans_doubles import (
        FAULT_KINDS,
        FAULT_POINTS,
        KNOWLEDGE,
        duplicates_and_losses,
        fault_scenario,
    )

    from bot.plans.library import load_library

    library = load_library(KNOWLEDGE / "plans.yaml")
    cells = {}
    with tempfile.TemporaryDirectory() as tmp:
        for point in FAULT_POINTS:
            for kind in FAULT_KINDS:
                path = Path(tmp) / f"{point}-{kind}.sqlite3"
                keys = await fault_scenario(point, kind, path, library)
                cells[point, kind] = duplicates_and_losses(keys, EXPECTED)
    return cells


def main() -> int:
    logging.disable(logging.CRITICAL)  # the injected faults log errors by design
    cells = asyncio.run(matrix())
    kinds = sorted({kind for _, kind in cells})
    print(f"{'fault point':<28}" + "".join(f"{k + ' (dup/lost)':>20}" for k in kinds))
    for point in dict.fromkeys(p for p, _ in cells):
        row = "".join(f"{f'{cells[point, k][0]}/{cells[point, k][1]}':>20}" for k in kinds)
        print(f"{point:<28}{row}")
    bad = sum(d + lost for d, lost in cells.values())
    print(f"{len(cells)} cells, {bad} duplicate(s) or loss(es) in total")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
