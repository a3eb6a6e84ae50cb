"""Logs any event-loop stall over a threshold: the loop must never block on retrieval.

While the embedding model loads in its thread, torch's imports and initialisation hold the
GIL for 100-250 ms at a time and the loop stalls; that is expected, lexical answers are
served meanwhile, and a warning per stall would only alarm operators. Those stalls are
counted and said once, at INFO, when loading ends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class LoopWatchdog:
    def __init__(self, threshold: float = 0.1, interval: float = 0.02,
                 expected: Callable[[], bool] = lambda: False) -> None:
        self.threshold = threshold
        self.interval = interval
        self.expected = expected  # True while stalls are expected (the model is loading)
        self.longest_stall = 0.0
        self.stalls = 0
        self.expected_stalls: list[float] = []
        self._expecting = False
        self._task: asyncio.Task | None = None

    def start(self) -> LoopWatchdog:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-watchdog")
        return self

    def reset(self) -> None:
        self.longest_stall, self.stalls = 0.0, 0

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.interval)
            self._note(time.perf_counter() - started - self.interval)

    def _note(self, stall: float) -> None:
        expecting = self.expected()
        if expecting and not self._expecting:
            log.info("embedding model loading: the event loop may stall briefly until it is "
                     "ready (lexical answers meanwhile)")
        elif self._expecting and not expecting and self.expected_stalls:
            log.info("event loop stalled %d time(s) while the model loaded, longest %.0f ms",
                     len(self.expected_stalls), max(self.expected_stalls) * 1000)
        self._expecting = expecting
        if stall <= self.threshold:
            return
        if expecting:
            self.expected_stalls.append(stall)
            return
        self.longest_stall = max(self.longest_stall, stall)
        self.stalls += 1
        log.warning("event loop stalled for %.0f ms", stall * 1000)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
