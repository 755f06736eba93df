"""Statistics over plain rows: study days with the 4 AM rollover, forecast, retention, heatmap, summaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.study import stats

TODAY = date(2025, 6, 11)  # a Wednesday


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_counts_by_state_names_every_state():
    assert stats.counts_by_state([0, 0, 1, 2, 2, 2]) == {
        "new": 2,
        "learning": 1,
        "review": 3,
        "relearning": 0,
    }


def test_forecast_counts_overdue_today_and_skips_new_cards():
    cards = [
        (2, at(TODAY - timedelta(days=3), 12)),  # overdue
        (2, at(TODAY, 12)),
        (1, at(TODAY + timedelta(days=1), 3)),  # 03:00 UTC: still the study day of TODAY
        (3, at(TODAY + timedelta(days=2), 12)),
        (0, at(TODAY, 12)),
        (2, at(TODAY + timedelta(days=40), 12)),  # beyond the window
    ]
    forecast = stats.due_forecast(cards, TODAY, "UTC")
    assert len(forecast) == 30 and forecast[0] == (TODAY, 3)
    assert forecast[1] == (TODAY + timedelta(days=1), 0)
    assert forecast[2] == (TODAY + timedelta(days=2), 1)
    assert sum(n for _, n in forecast) == 4


def test_reviews_per_day_uses_the_students_zone():
    # 02:00 UTC on June 11 is 22:00 on June 10 in New York: study day June 10.
    logs = [(at(TODAY, 2), 3, 2), (at(TODAY, 14), 1, 0), (at(TODAY, 15), 3, 2)]
    per_day = dict(stats.reviews_per_day(logs, TODAY, "America/New_York"))
    assert per_day[TODAY] == 2 and per_day[TODAY - timedelta(days=1)] == 1
    assert list(per_day)[-1] == TODAY and len(per_day) == 30


def test_true_retention_counts_only_review_state_answers():
    logs = [
        (at(TODAY, 10), 3, 2),
        (at(TODAY, 11), 1, 2),  # a lapse
        (at(TODAY, 12), 4, 2),
        (at(TODAY, 13), 1, 1),  # learning: left out
        (at(TODAY, 14), 3, 0),  # new: left out
    ]
    by_day = stats.true_retention(logs, "UTC", TODAY, "day")
    assert by_day[-1] == stats.RetentionPoint(TODAY, 2, 3)
    assert by_day[-1].rate == pytest.approx(2 / 3)
    assert by_day[0].rate is None


def test_true_retention_by_week_groups_monday_first():
    monday = TODAY - timedelta(days=TODAY.weekday())
    logs = [(at(monday, 12), 3, 2), (at(monday - timedelta(days=1), 12), 1, 2)]
    weeks = stats.true_retention(logs, "UTC", TODAY, "week", count=2)
    assert [(w.start, w.passed, w.total) for w in weeks] == [
        (monday - timedelta(days=7), 0, 1),
        (monday, 1, 1),
    ]


def test_true_retention_rejects_an_unknown_period():
    with pytest.raises(ValueError, match="period"):
        stats.true_retention([], "UTC", TODAY, "month")


def test_heatmap_starts_on_a_monday_and_scales_levels():
    logs = [(at(TODAY, 12), 3, 2)] * 8 + [(at(TODAY - timedelta(days=1), 12), 3, 2)]
    days = stats.heatmap(logs, TODAY, "UTC", weeks=2)
    assert days[0].day.weekday() == 0 and days[-1].day == TODAY
    assert len(days) == 7 + TODAY.weekday() + 1
    levels = {d.day: d.level for d in days}
    assert levels[TODAY] == 4 and levels[TODAY - timedelta(days=1)] == 1
    assert levels[days[0].day] == 0


def test_topic_summary_sorts_busiest_first():
    rows = [("risks", 3, 2, 1), ("figures", 10, 4, 4), ("quiet", 1, 0, 0)]
    summary = stats.topic_summary(rows)
    assert [s.topic for s in summary] == ["figures", "risks", "quiet"]
    assert summary[0].retention == 1.0 and summary[1].retention == 0.5 and summary[2].retention is None


def test_today_follows_the_rollover():
    assert stats.today(datetime(2025, 6, 11, 3, 59, tzinfo=UTC), "UTC") == date(2025, 6, 10)
    assert stats.today(datetime(2025, 6, 11, 4, 0, tzinfo=UTC), "UTC") == date(2025, 6, 11)
