"""Weekly due times in the plan's own zone: Tokyo, UTC, New York across both DST changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.plans.timecalc import (
    BadTimezone,
    first_slot_date,
    is_ambiguous,
    is_nonexistent,
    parse_time,
    parse_weekday,
    resolve_local,
    week_due,
    zone,
)

TOKYO = zone("Asia/Tokyo")
NEW_YORK = zone("America/New_York")
BERLIN = zone("Europe/Berlin")


def test_tokyo_09_00_is_00_00_utc_every_week_of_a_year():
    anchor = date(2026, 1, 5)  # a Monday
    for week in range(1, 53):
        due = week_due(anchor, 1, week, time(9, 0), TOKYO)
        assert due == datetime(2026, 1, 5, tzinfo=UTC) + timedelta(weeks=week - 1)
        assert due.astimezone(TOKYO).time() == time(9, 0)


def test_utc_plan_is_plain_weekly_arithmetic():
    anchor = date(2026, 3, 2)
    dues = [week_due(anchor, 1, w, time(18, 30), UTC) for w in range(1, 40)]
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(dues))
    assert dues[0] == datetime(2026, 3, 2, 18, 30, tzinfo=UTC)


def test_new_york_keeps_09_00_local_across_both_dst_changes():
    # Sundays from 2026-02-22 to 2026-11-15; DST starts 2026-03-08, ends 2026-11-01.
    anchor = date(2026, 2, 22)
    for week in range(1, 40):
        due = week_due(anchor, 1, week, time(9, 0), NEW_YORK)
        local = due.astimezone(NEW_YORK)
        assert local.time() == time(9, 0) and local.weekday() == 6
        day = local.date()
        summer = date(2026, 3, 8) <= day < date(2026, 11, 1)
        assert due.hour == (13 if summer else 14), day
    # The UTC gap between weeks is not always 7 days: that is the point.
    before, after = (week_due(anchor, 1, w, time(9, 0), NEW_YORK) for w in (2, 3))
    assert after - before == timedelta(days=7, hours=-1)


def test_nonexistent_local_time_shifts_forward_by_the_gap():
    spring = date(2026, 3, 8)
    assert is_nonexistent(spring, time(2, 30), NEW_YORK)
    due = resolve_local(spring, time(2, 30), NEW_YORK)
    assert due == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert due.astimezone(NEW_YORK).time() == time(3, 30)
    assert resolve_local(date(2026, 3, 29), time(2, 30), BERLIN) == \
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    # A weekly 02:30 plan: shifted on the gap day only, back to 02:30 the week after.
    locals_ = [week_due(date(2026, 3, 1), 1, w, time(2, 30), NEW_YORK).astimezone(NEW_YORK)
               for w in (1, 2, 3)]
    assert [t.time() for t in locals_] == [time(2, 30), time(3, 30), time(2, 30)]


def test_ambiguous_local_time_takes_the_first_occurrence():
    autumn = date(2026, 11, 1)
    assert is_ambiguous(autumn, time(1, 30), NEW_YORK)
    assert not is_nonexistent(autumn, time(1, 30), NEW_YORK)
    due = resolve_local(autumn, time(1, 30), NEW_YORK)
    assert due == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not EST
    assert due.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)
    assert not is_ambiguous(autumn, time(9, 0), NEW_YORK)


def test_first_slot_is_the_next_matching_weekday_still_ahead():
    now = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)  # Sunday 21:00 in Tokyo
    assert first_slot_date(date(2026, 1, 4), 0, time(9, 0), TOKYO, now) == date(2026, 1, 5)
    # Today's slot already passed (Sunday 09:00 Tokyo): a week later.
    assert first_slot_date(date(2026, 1, 4), 6, time(9, 0), TOKYO, now) == date(2026, 1, 11)
    # Still ahead today (Sunday 22:00 Tokyo): today.
    assert first_slot_date(date(2026, 1, 4), 6, time(22, 0), TOKYO, now) == date(2026, 1, 4)


def test_parsers():
    assert parse_time("9:05") == time(9, 5)
    assert parse_weekday("Mon") == 0 and parse_weekday("sunday") == 6 and parse_weekday(3) == 3
    for bad in ("25:00", "nine"):
        with pytest.raises(ValueError):
            parse_time(bad)
    with pytest.raises(ValueError):
        parse_weekday("someday")
    with pytest.raises(BadTimezone):
        zone("Mars/Olympus_Mons")
