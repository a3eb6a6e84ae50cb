"""Logs any event-loop stall over a threshold: the loop must never block on retrieval."""

from __future__ import annotations

import asyncio
import logging
import time

log = logging.getLogger(__name__)


class LoopWatchdog:
    def __init__(self, threshold: float = 0.1, interval: float = 0.02) -> None:
        self.threshold = threshold
        self.interval = interval
        self.longest_stall = 0.0
        self.stalls = 0
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
            stall = time.perf_counter() - started - self.interval
            self.longest_stall = max(self.longest_stall, stall)
            if stall > self.threshold:
                self.stalls += 1
                log.warning("event loop stalled for %.0f ms", stall * 1000)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
