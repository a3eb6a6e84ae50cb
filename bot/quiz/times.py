"""Time in the quiz tables: timezone-aware UTC datetimes, stored as sortable ISO strings."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

log = logging.getLogger(__name__)


def to_text(moment: datetime) -> str:
    """Fixed-width UTC ISO text (always with microseconds) so SQL can compare it as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: quiz times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def to_seconds(moment: datetime) -> float:
    return moment.timestamp()


def from_seconds(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
