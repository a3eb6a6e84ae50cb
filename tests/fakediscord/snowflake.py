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

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh id that Discord's routing, ``(id >> 22) % shard_count``, gives to ``shard_id``.

        The timestamp part moves up to ``shard_count - 1`` ms ahead, which nothing notices.
        """
        millis = (self.next() >> 22) + 1
        millis += (shard_id - millis) % shard_count
        self._last = millis << 22
        return self._last


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives a guild's events (Discord's documented formula)."""
    return (guild_id >> 22) % shard_count


def iso_now() -> str:
    """Current time as the ISO-8601 string Discord uses for timestamps."""
    return datetime.now(UTC).isoformat()
