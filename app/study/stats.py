"""Study statistics over plain rows: due forecast, true retention, heatmap, counts by state, reviews per day.

Rows come from the study service; days are study days (4 AM rollover) in the student's time zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from app.study.scheduler import STATE_NEW, STATE_REVIEW, study_day

STATE_NAMES = ("new", "learning", "review", "relearning")
FORECAST_DAYS = 30
PER_DAY_DAYS = 30
HEATMAP_WEEKS = 26
RETENTION_DAYS = 30
RETENTION_WEEKS = 12
COURSE_WINDOW_DAYS = 30
LogRow = tuple[datetime, int, int]  # (reviewed_at, rating, state_before)


def today(now: datetime, tz: str) -> date:
    return study_day(now, tz)


def counts_by_state(states: Iterable[int]) -> dict[str, int]:
    counts = Counter(states)
    return {name: counts.get(state, 0) for state, name in enumerate(STATE_NAMES)}


def due_forecast(
    cards: Iterable[tuple[int, datetime]], on: date, tz: str, days: int = FORECAST_DAYS
) -> list[tuple[date, int]]:
    """Cards due on each of the `days` study days from `on`; overdue cards count on `on` itself.

    New cards are left out: they have no due date of their own, only a place in the new queue.
    """
    counts: Counter[date] = Counter()
    for state, due in cards:
        if state == STATE_NEW:
            continue
        counts[max(study_day(due, tz), on)] += 1
    return [(day, counts.get(day, 0)) for day in (on + timedelta(days=i) for i in range(days))]


def reviews_per_day(
    logs: Iterable[LogRow], on: date, tz: str, days: int = PER_DAY_DAYS
) -> list[tuple[date, int]]:
    """Answers given on each of the last `days` study days, oldest first, ending with `on`."""
    counts = Counter(study_day(reviewed_at, tz) for reviewed_at, _, _ in logs)
    return [(day, counts.get(day, 0)) for day in (on - timedelta(days=i) for i in range(days - 1, -1, -1))]


@dataclass(frozen=True)
class RetentionPoint:
    start: date
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def true_retention(
    logs: Iterable[LogRow],
    tz: str,
    on: date,
    period: Literal["day", "week"] = "day",
    count: int | None = None,
) -> list[RetentionPoint]:
    """Share of answers on Review-state cards not graded Again, per day or per (Monday-first) week.

    Learning and relearning answers are left out, as in Anki's "true retention": they measure
    short-term steps, not whether a scheduled review was remembered.
    """
    if period not in ("day", "week"):
        raise ValueError(f"period must be 'day' or 'week', got {period!r}")
    count = count if count is not None else (RETENTION_DAYS if period == "day" else RETENTION_WEEKS)
    key = (lambda d: d) if period == "day" else _week_start
    step = timedelta(days=1 if period == "day" else 7)
    passed: Counter[date] = Counter()
    total: Counter[date] = Counter()
    for reviewed_at, rating, state_before in logs:
        if state_before != STATE_REVIEW:
            continue
        bucket = key(study_day(reviewed_at, tz))
        total[bucket] += 1
        passed[bucket] += rating > 1
    last = key(on)
    starts = [last - step * i for i in range(count - 1, -1, -1)]
    return [RetentionPoint(start, passed.get(start, 0), total.get(start, 0)) for start in starts]


@dataclass(frozen=True)
class HeatDay:
    day: date
    count: int
    level: int  # 0 (none) to 4 (busiest), relative to the busiest day shown


def heatmap(logs: Iterable[LogRow], on: date, tz: str, weeks: int = HEATMAP_WEEKS) -> list[HeatDay]:
    """One entry per day from the Monday `weeks - 1` weeks before `on`'s week through `on`."""
    counts = Counter(study_day(reviewed_at, tz) for reviewed_at, _, _ in logs)
    first = _week_start(on) - timedelta(weeks=weeks - 1)
    days = [first + timedelta(days=i) for i in range((on - first).days + 1)]
    busiest = max((counts.get(d, 0) for d in days), default=0)

    def level(n: int) -> int:
        # Quartiles of the busiest day, so one long session does not wash out the rest.
        return 0 if n == 0 or busiest == 0 else min(4, 1 + (4 * (n - 1)) // busiest)

    return [HeatDay(d, counts.get(d, 0), level(counts.get(d, 0))) for d in days]


@dataclass(frozen=True)
class TopicSummary:
    topic: str
    reviews: int
    mature: int
    passed: int

    @property
    def retention(self) -> float | None:
        return self.passed / self.mature if self.mature else None


def topic_summary(rows: Iterable[tuple[str, int, int, int]]) -> list[TopicSummary]:
    """(topic, reviews, answers on review cards, of which not Again) rows as summaries, busiest first."""
    summaries = [TopicSummary(topic, reviews, mature, passed) for topic, reviews, mature, passed in rows]
    return sorted(summaries, key=lambda s: (-s.reviews, s.topic))
