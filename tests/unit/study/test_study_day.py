"""The study day rolls over at 4 AM local time, in any zone and across DST (app.study.scheduler)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.study.scheduler import day_bounds, study_day, validate_timezone

ZONES = ["UTC", "America/New_York", "Asia/Shanghai", "Pacific/Auckland", "Asia/Kolkata"]
HOUR = timedelta(hours=1)


def local(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz))


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("day", [date(2026, 1, 15), date(2026, 7, 15)])
def test_day_rolls_over_at_4am_local(tz, day):
    before = local(tz, day.year, day.month, day.day, 3, 59, 59)
    at = local(tz, day.year, day.month, day.day, 4, 0)
    assert study_day(before, tz) == day - timedelta(days=1)
    assert study_day(at, tz) == day
    # The same instants given in UTC land on the same study days.
    assert study_day(before.astimezone(UTC), tz) == day - timedelta(days=1)
    assert study_day(at.astimezone(UTC), tz) == day


@pytest.mark.parametrize("tz", ZONES)
def test_day_bounds_start_and_end_at_4am_local(tz):
    start, end = day_bounds(date(2026, 7, 15), tz)
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert start == local(tz, 2026, 7, 15, 4, 0).astimezone(UTC)
    assert end == local(tz, 2026, 7, 16, 4, 0).astimezone(UTC)


def test_same_instant_is_a_different_day_in_different_zones():
    instant = datetime(2026, 7, 15, 21, 0, tzinfo=UTC)  # 05:00 next day in Shanghai, 17:00 in New York
    assert study_day(instant, "Asia/Shanghai") == date(2026, 7, 16)
    assert study_day(instant, "America/New_York") == date(2026, 7, 15)
    assert study_day(instant, "Pacific/Auckland") == date(2026, 7, 16)  # 09:00 NZST
    # India is UTC+05:30: 22:29 UTC is 03:59 IST, 22:30 UTC is 04:00 IST.
    kolkata_359, kolkata_400 = (
        datetime(2026, 7, 14, 22, 29, tzinfo=UTC),
        datetime(2026, 7, 14, 22, 30, tzinfo=UTC),
    )
    assert study_day(kolkata_359, "Asia/Kolkata") == date(2026, 7, 14)
    assert study_day(kolkata_400, "Asia/Kolkata") == date(2026, 7, 15)


# The study day that contains a DST change (clocks move at 2 or 3 AM, inside the day that began at 4 AM
# the evening before) and its expected length.
DST_DAYS = [
    ("America/New_York", date(2026, 3, 7), 23),  # spring forward 2026-03-08 02:00
    ("America/New_York", date(2026, 10, 31), 25),  # fall back 2026-11-01 02:00
    ("Europe/Berlin", date(2026, 3, 28), 23),  # 2026-03-29 02:00 -> 03:00
    ("Europe/Berlin", date(2026, 10, 24), 25),  # 2026-10-25 03:00 -> 02:00
    ("Pacific/Auckland", date(2026, 4, 4), 25),  # 2026-04-05 03:00 -> 02:00
    ("Pacific/Auckland", date(2026, 9, 26), 23),  # 2026-09-27 02:00 -> 03:00
]


@pytest.mark.parametrize(("tz", "day", "hours"), DST_DAYS)
def test_dst_day_is_23_or_25_hours(tz, day, hours):
    start, end = day_bounds(day, tz)
    assert end - start == timedelta(hours=hours)
    # Its neighbours are ordinary 24-hour days, and the days tile without gap or overlap.
    for neighbour in (day - timedelta(days=1), day + timedelta(days=1)):
        n_start, n_end = day_bounds(neighbour, tz)
        assert n_end - n_start == timedelta(hours=24)
    assert day_bounds(day - timedelta(days=1), tz)[1] == start
    assert day_bounds(day + timedelta(days=1), tz)[0] == end


@pytest.mark.parametrize(("tz", "day", "hours"), DST_DAYS)
def test_dst_4am_boundary(tz, day, hours):
    _, end = day_bounds(day, tz)
    next_day = day + timedelta(days=1)
    assert end.astimezone(ZoneInfo(tz)).hour == 4
    assert study_day(end - timedelta(microseconds=1), tz) == day
    assert study_day(end, tz) == next_day
    assert study_day(local(tz, next_day.year, next_day.month, next_day.day, 3, 59), tz) == day


def test_new_york_2026_dst_days_in_utc():
    assert day_bounds(date(2026, 3, 7), "America/New_York") == (
        datetime(2026, 3, 7, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 8, 8, 0, tzinfo=UTC),
    )
    assert day_bounds(date(2026, 10, 31), "America/New_York") == (
        datetime(2026, 10, 31, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("tz", "around", "rollover"),
    [
        ("America/New_York", date(2026, 3, 8), 4),
        ("America/New_York", date(2026, 11, 1), 4),
        # Rollover inside the skipped or repeated hour: the day must still start exactly once.
        ("America/New_York", date(2026, 3, 8), 2),
        ("America/New_York", date(2026, 11, 1), 1),
        ("Europe/Berlin", date(2026, 3, 29), 4),
        ("Europe/Berlin", date(2026, 10, 25), 2),
        ("Pacific/Auckland", date(2026, 4, 5), 4),
    ],
)
def test_every_instant_falls_inside_its_own_day(tz, around, rollover):
    t = datetime.combine(around - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    for _ in range(3 * 24 * 4):  # every 15 minutes over three days
        start, end = day_bounds(study_day(t, tz, rollover), tz, rollover)
        assert start <= t < end, t
        t += timedelta(minutes=15)


def test_rollover_hour_is_configurable():
    instant = local("Europe/Berlin", 2026, 7, 15, 0, 30)
    assert study_day(instant, "Europe/Berlin", rollover_hour=0) == date(2026, 7, 15)
    assert study_day(instant, "Europe/Berlin", rollover_hour=4) == date(2026, 7, 14)


@pytest.mark.parametrize("hour", [-1, 24])
def test_rollover_hour_out_of_range_is_rejected(hour):
    with pytest.raises(ValueError, match="rollover hour"):
        study_day(datetime(2026, 7, 15, tzinfo=UTC), "UTC", hour)
    with pytest.raises(ValueError, match="rollover hour"):
        day_bounds(date(2026, 7, 15), "UTC", hour)


def test_validate_timezone_accepts_iana_names():
    assert validate_timezone("Europe/Paris") == "Europe/Paris"
    assert validate_timezone("UTC") == "UTC"


def test_unknown_time_zone_message():
    with pytest.raises(ValueError) as info:
        validate_timezone("Mars/Olympus")
    assert str(info.value) == "Unknown time zone 'Mars/Olympus'. Use an IANA name such as Europe/Paris."


@pytest.mark.parametrize("name", ["", "../../etc/passwd", "/etc/localtime", "Europe/", "EST5EDT\x00"])
def test_malformed_time_zone_names_are_rejected(name):
    with pytest.raises(ValueError, match="Unknown time zone"):
        validate_timezone(name)


def test_study_day_and_bounds_name_an_invalid_zone():
    with pytest.raises(ValueError, match="'Mars/Olympus'"):
        study_day(datetime(2026, 7, 15, tzinfo=UTC), "Mars/Olympus")
    with pytest.raises(ValueError, match="'Mars/Olympus'"):
        day_bounds(date(2026, 7, 15), "Mars/Olympus")


def test_study_day_rejects_naive_now():
    with pytest.raises(ValueError, match="timezone-aware"):
        study_day(datetime(2026, 7, 15, 12, 0), "UTC")
