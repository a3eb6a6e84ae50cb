"""An exclusive lock between processes that dies with its holder.

flock(2) through the `filelock` library: the kernel drops the lock when the holding
process exits in any way, kill -9 included, so a crashed holder never blocks the next
one. Used for "one reminder dispatcher per database" and "one index build at a time".
"""

from __future__ import annotations

import logging
from pathlib import Path

import filelock

log = logging.getLogger(__name__)


class ProcessLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        # thread_local=False: taken in one thread (a build's worker) and released in
        # another must work; the lock file stays, its presence means nothing.
        self._lock = filelock.FileLock(path, thread_local=False, preserve_lock_file=True)

    def try_acquire(self) -> bool:
        """Take the lock if free; False at once if another process (or holder) has it."""
        try:
            self._lock.acquire(blocking=False)
        except filelock.Timeout:
            return False
        return True

    def acquire(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the lock; False if it stayed taken."""
        try:
            self._lock.acquire(timeout=timeout)
        except filelock.Timeout:
            return False
        return True

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
