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


MONTH = stats.DEFAULT_RANGE


def page_of(logs=(), cards=(), tz="UTC", range_=MONTH, now=None):
    return stats.stats_page(range_, list(logs), list(cards), 0, now or at(TODAY, 12), tz)


def test_forecast_counts_overdue_today_and_skips_new_cards():
    cards = [
        (2, at(TODAY - timedelta(days=3), 12), 3),  # overdue
        (2, at(TODAY, 12), 3),
        (1, at(TODAY + timedelta(days=1), 3), None),  # 03:00 UTC: still the study day of TODAY
        (3, at(TODAY + timedelta(days=2), 12), 1),
        (0, at(TODAY, 12), None),
        (2, at(TODAY + timedelta(days=40), 12), 40),  # beyond the month
    ]
    forecast = page_of(cards=cards).forecast
    assert len(forecast) == 30 and (forecast[0].start, forecast[0].value) == (TODAY, 3)
    assert forecast[1].value == 0 and forecast[2].value == 1
    assert sum(b.value for b in forecast) == 4


def test_reviews_per_day_use_the_students_zone():
    # 02:00 UTC on June 11 is 22:00 on June 10 in New York: study day June 10.
    logs = [(at(TODAY, 2), 3, 2), (at(TODAY, 14), 1, 0), (at(TODAY, 15), 3, 2)]
    reviews = page_of(logs, tz="America/New_York").reviews
    per_day = {b.start: b.value for b in reviews}
    assert per_day[TODAY] == 2 and per_day[TODAY - timedelta(days=1)] == 1
    assert reviews[-1].start == TODAY and len(reviews) == 30


def test_true_retention_counts_only_review_state_answers():
    logs = [
        (at(TODAY, 10), 3, 2),
        (at(TODAY, 11), 1, 2),  # a lapse
        (at(TODAY, 12), 4, 2),
        (at(TODAY, 13), 1, 1),  # learning: left out
        (at(TODAY, 14), 3, 0),  # new: left out
    ]
    retention = [point for _, point in page_of(logs, now=at(TODAY, 15)).retention]
    assert retention[-1] == stats.RetentionPoint(TODAY, 2, 3)
    assert retention[-1].rate == pytest.approx(2 / 3)
    assert retention[0].rate is None


def test_three_months_group_retention_by_week_monday_first():
    monday = TODAY - timedelta(days=TODAY.weekday())
    logs = [(at(monday, 12), 3, 2), (at(monday - timedelta(days=1), 12), 1, 2)]
    weeks = [p for _, p in page_of(logs, range_=stats.parse_range("3m")).retention]
    assert [(w.start, w.passed, w.total) for w in weeks[-2:]] == [
        (monday - timedelta(days=7), 0, 1),
        (monday, 1, 1),
    ]


def test_heatmap_starts_on_a_monday_and_scales_levels():
    logs = [(at(TODAY, 12), 3, 2)] * 8 + [(at(TODAY - timedelta(days=1), 12), 3, 2)]
    days = page_of(logs).heat
    assert days[0].day.weekday() == 0 and days[-1].day == TODAY
    assert days[0].day <= TODAY - timedelta(days=29)
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


# --- Ranges, the page's view model, answer buttons, intervals, the class view ------------------------

NOW = datetime(2025, 6, 11, 12, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "", "2y", "1M", "all ", 3, "x" * 1000])
def test_an_unknown_range_is_the_default(value):
    assert stats.parse_range(value) is stats.DEFAULT_RANGE


def test_known_ranges_and_their_grain():
    assert [(r.key, r.grain) for r in map(stats.parse_range, ["1m", "3m", "1y", "all"])] == [
        ("1m", "day"),
        ("3m", "week"),
        ("1y", "month"),
        ("all", "month"),
    ]


def test_buckets_cover_months_across_a_year_end():
    months = stats.buckets(date(2024, 11, 15), date(2025, 2, 3), "month")
    assert months == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]
    assert stats.bucket_label(months[1], "month") == "Dec 2024"
    with pytest.raises(ValueError, match="grain"):
        stats.bucket_of(TODAY, "fortnight")


def test_the_page_of_a_student_with_nothing_is_all_zero():
    page = stats.stats_page(stats.DEFAULT_RANGE, [], [], 5, NOW, "UTC")
    assert page.by_state == {"new": 5, "learning": 0, "review": 0, "relearning": 0}
    assert len(page.reviews) == 30 and page.reviewed == 0
    assert all(b.value == 0 for b in page.forecast) and len(page.forecast) == 30
    assert all(g.total == 0 and g.correct is None for g in page.buttons)
    assert all(n == 0 for _, n in page.intervals)
    assert all(d.count == 0 for d in page.heat)


def test_one_review_lands_on_its_day_button_and_interval():
    logs = [(at(TODAY, 10), 3, 0, None)]
    cards = [(1, at(TODAY, 10) + timedelta(minutes=10), None)]
    page = stats.stats_page(stats.DEFAULT_RANGE, logs, cards, 0, NOW, "UTC")
    assert page.reviews[-1] == stats.Bucket(TODAY, TODAY.isoformat(), 1) and page.reviewed == 1
    assert page.buttons[0] == stats.ButtonGroup("learning", (0, 0, 1, 0)) and page.buttons[0].correct == 1.0
    assert page.forecast[0].value == 1
    assert page.heat[-1].day == TODAY and page.heat[-1].count == 1


def test_ranges_group_reviews_by_week_month_and_all_time():
    old = TODAY - timedelta(days=200)
    logs = [(at(TODAY, 10), 3, 2, 30), (at(TODAY - timedelta(days=8), 10), 1, 2, 5), (at(old, 10), 2, 2, 3)]
    three = stats.stats_page(stats.parse_range("3m"), logs, [], 0, NOW, "UTC")
    assert three.grain == "week" and three.reviewed == 2
    assert all(b.start.weekday() == 0 for b in three.reviews)
    year = stats.stats_page(stats.parse_range("1y"), logs, [], 0, NOW, "UTC")
    assert year.grain == "month" and year.reviewed == 3 and year.reviews[-1].label == "Jun 2025"
    # The answer buttons split review cards by their interval before: 30 days is mature, 5 and 3 young.
    assert {g.name: g.counts for g in year.buttons} == {
        "learning": (0, 0, 0, 0),
        "young": (1, 1, 0, 0),
        "mature": (0, 0, 1, 0),
    }
    everything = stats.stats_page(stats.parse_range("all"), logs, [], 0, NOW, "UTC")
    assert everything.reviews[0].start == old.replace(day=1) and everything.reviewed == 3
    # The heatmap of "All" stays within a year and starts on a Monday.
    assert everything.heat[0].day.weekday() == 0 and len(everything.heat) <= stats.HEATMAP_MAX_DAYS + 7


def test_all_time_groups_by_year_past_three_years():
    logs = [(at(TODAY - timedelta(days=5 * 365), 10), 3, 0, None), (at(TODAY, 10), 3, 1, None)]
    page = stats.stats_page(stats.parse_range("all"), logs, [], 0, NOW, "UTC")
    assert page.grain == "year" and page.reviews[-1].label == "2025" and len(page.reviews) == 6


def test_interval_histogram_counts_review_cards_only():
    cards = [
        (2, NOW, 1),
        (2, NOW, 5),
        (3, NOW, 40),
        (2, NOW, 400),
        (1, NOW, None),
        (0, NOW, None),
        (2, NOW, None),
    ]
    histogram = dict(stats.interval_histogram(cards))
    assert (
        histogram["1d"] == 1 and histogram["4–7d"] == 1 and histogram["1–3m"] == 1 and histogram[">1y"] == 1
    )
    assert sum(histogram.values()) == 4


def test_card_kind_follows_anki():
    assert stats.card_kind(0, None) == stats.card_kind(3, 50) == "learning"
    assert stats.card_kind(2, 20) == "young" and stats.card_kind(2, 21) == "mature"


def test_class_recall_uses_the_forgetting_curve_of_the_scheduler():
    from app.study.scheduler import fsrs_engine, retrievability

    # The curve crosses 90% exactly at the interval fsrs-rs gives for 90% retention.
    for stability in (0.5, 3.0, 40.0):
        assert retrievability(stability, fsrs_engine().next_interval(stability, 0.9, 3)) == pytest.approx(0.9)
    assert retrievability(10.0, 0) == 1.0
    with pytest.raises(ValueError, match="stability"):
        retrievability(0.0, 1)
    now = NOW
    cards = [
        (1, "UTC", "figures", 10.0, now - timedelta(days=1)),  # recent: about 99%
        (1, "UTC", "figures", 2.0, now - timedelta(days=20)),  # long ago: well below 90%
        (2, "UTC", "figures", 10.0, now - timedelta(days=2)),
        (2, "UTC", "risks", 5.0, now - timedelta(days=1)),
        (3, "UTC", "risks", None, None),  # never reviewed: left out
    ]
    recall = stats.class_recall(cards, now)
    assert recall == [stats.TopicRecall("figures", 2, 1), stats.TopicRecall("risks", 1, 1)]
    assert recall[0].share == 0.5


def test_charts_say_what_will_appear_when_empty_and_show_values_when_not():
    from app.study import charts

    empty = stats.stats_page(stats.DEFAULT_RANGE, [], [], 0, NOW, "UTC")
    drawn = charts.student_charts(empty)
    assert "Your reviews per day will appear here after your first review." in drawn["reviews"]
    assert all('class="empty-state"' in html for html in drawn.values())
    page = stats.stats_page(stats.DEFAULT_RANGE, [(at(TODAY, 10), 3, 0, None)], [], 0, NOW, "UTC")
    reviews = str(charts.student_charts(page)["reviews"])
    assert f'aria-label="{TODAY.isoformat()}: 1 review"' in reviews and reviews.count('class="bar"') == 30
    assert "<text" not in reviews  # every label is HTML text, sized by the stylesheet


def test_chart_text_is_escaped():
    from app.study import charts

    html = str(charts.bar_chart("c", "<b>", "d", [charts.Bar("<i>", 1, '"x"<script>')], "none"))
    assert "<script>" not in html and "<i>" not in html and "&lt;b&gt;" in html


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_class_recall_counts_elapsed_days_as_the_scheduler_does(tz):
    from app.study.scheduler import elapsed_days, retrievability

    now = datetime(2025, 3, 9, 7, 30, tzinfo=UTC)  # New York's DST change day
    for hours in (1, 5, 23, 25, 49, 24 * 7 + 3, 24 * 30):
        last = now - timedelta(hours=hours)
        elapsed = elapsed_days(last, now, tz)
        stability = 2.0
        expected_above = retrievability(stability, elapsed) >= stats.RECALL_TARGET
        (recall,) = stats.class_recall([(1, tz, "t", stability, last)], now)
        assert recall.above == int(expected_above), (tz, hours, elapsed)
