"""Snowflake ids and timestamps shaped like Discord's.

discord.py derives ``created_at`` from ids and treats interactions whose id is older than
15 minutes as expired, so every id must encode the *current* time.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

log = logging.getLogger(__name__)

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Hands out strictly increasing snowflakes that encode the current wall-clock time."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        # Many ids are minted within one millisecond; bump the low bits so ids stay unique
        # and ordered (message history pagination relies on the ordering).
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate


def iso_now() -> str:
    """Current time as the ISO-8601 string Discord uses for timestamps."""
    return datetime.now(UTC).isoformat()
