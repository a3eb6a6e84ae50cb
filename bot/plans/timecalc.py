"""Wall-clock arithmetic for weekly reminders, done in the subscription's own time zone.

A plan says "every Monday at 09:00 in Asia/Tokyo": the local date advances by 7 days per
week and the local time stays the same, so a New York plan keeps 09:00 across DST. Only
the final step converts to UTC.

Local times that do not exist or exist twice are resolved by one deterministic rule,
which is simply Python's ``fold=0``:
- nonexistent (spring forward, e.g. 02:30 on 2026-03-08 in New York): shifted forward by
  the length of the gap, so 02:30 becomes 03:30 EDT;
- ambiguous (fall back, e.g. 01:30 on 2026-11-01 in New York): the first occurrence,
  01:30 EDT (UTC-4), not the repeat an hour later.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)


class BadTimezone(ValueError):
    """Not an IANA time zone name."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadTimezone(f"unknown time zone {name!r} (use an IANA name such as "
                          f"Asia/Tokyo or America/New_York)") from exc


def resolve_local(day: date, at: time, tz: tzinfo) -> datetime:
    """The UTC instant for a local date and time, by the fold=0 rule above."""
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def is_nonexistent(day: date, at: time, tz: tzinfo) -> bool:
    naive = datetime.combine(day, at.replace(tzinfo=None))
    back = resolve_local(day, at, tz).astimezone(tz).replace(tzinfo=None)
    return back != naive


def is_ambiguous(day: date, at: time, tz: tzinfo) -> bool:
    naive = datetime.combine(day, at.replace(tzinfo=None))
    first = naive.replace(tzinfo=tz, fold=0).utcoffset()
    second = naive.replace(tzinfo=tz, fold=1).utcoffset()
    return first != second and not is_nonexistent(day, at, tz)


def week_due(anchor_date: date, anchor_week: int, week: int, at: time, tz: tzinfo) -> datetime:
    """UTC due time of `week` when `anchor_week` falls on the local date `anchor_date`."""
    return resolve_local(anchor_date + (week - anchor_week) * WEEK, at, tz)


def local_date_of_week(anchor_date: date, anchor_week: int, week: int) -> date:
    return anchor_date + (week - anchor_week) * WEEK


def first_slot_date(not_before: date, weekday: int, at: time, tz: tzinfo,
                    now: datetime) -> date:
    """The first local date on or after `not_before` that is `weekday` (0 = Monday) and
    whose send time is still in the future; a slot already past today moves a week on."""
    day = not_before + timedelta(days=(weekday - not_before.weekday()) % 7)
    while resolve_local(day, at, tz) <= now:
        day += WEEK
    return day


def today_in(tz: tzinfo, now: datetime) -> date:
    return now.astimezone(tz).date()


def parse_time(text: str) -> time:
    """"09:00" or "9:30" → time; seconds are not part of a weekly schedule."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"expected a time like 09:00, got {text!r}") from exc


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_weekday(value: int | str) -> int:
    """0-6 (Monday = 0), or a day name or its first three letters."""
    if isinstance(value, int):
        if 0 <= value <= 6:
            return value
    else:
        text = value.strip().lower()
        for i, name in enumerate(WEEKDAYS):
            if text in (name, name[:3]):
                return i
        if text.isdigit() and 0 <= int(text) <= 6:
            return int(text)
    raise ValueError(f"expected a weekday (monday … sunday or 0-6), got {value!r}")
