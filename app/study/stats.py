"""Study statistics over plain rows, like Anki's: counts by state, due forecast, reviews, true retention,
heatmap, answer buttons and the interval histogram, over a chosen range; and the course summaries.

Rows come from app.study.reports; days are study days (4 AM rollover) in the student's time zone.
No Flask and no session: everything here is a pure function of its arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from app.study.scheduler import (
    DEFAULT_PARAMETERS,
    STATE_LEARNING,
    STATE_NEW,
    STATE_RELEARNING,
    STATE_REVIEW,
    day_bounds,
    retrievability,
    study_day,
)

STATE_NAMES = ("new", "learning", "review", "relearning")
COURSE_WINDOW_DAYS = 30
MATURE_DAYS = 21  # Anki: a review card with an interval of 21 days or more is mature
DAY_SECONDS = 86_400
RECALL_TARGET = 0.9  # the class view: students whose cards in a topic are all above this
# (reviewed_at, rating, state_before[, interval_days_before]): the review log as the charts read it.
LogRow = tuple[Any, ...]
CardRow = tuple[Any, ...]  # (state, due[, interval_days])
Grain = Literal["day", "week", "month", "year"]


# --- Ranges -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    key: str
    label: str
    days: int | None  # None: everything
    grain: Grain  # how the bars of the range are grouped


RANGES: tuple[Range, ...] = (
    Range("1m", "1 month", 30, "day"),
    Range("3m", "3 months", 91, "week"),
    Range("1y", "1 year", 365, "month"),
    Range("all", "All", None, "month"),
)
DEFAULT_RANGE = RANGES[0]
HEATMAP_MAX_DAYS = 371  # 53 weeks: the heatmap of "All" shows the last year


def parse_range(value: Any) -> Range:
    """The range named by `value` (a query-string value); anything else is the default, never an error."""
    return next((r for r in RANGES if r.key == value), DEFAULT_RANGE)


def today(now: datetime, tz: str) -> date:
    return study_day(now, tz)


def bucket_of(day: date, grain: Grain) -> date:
    """The first day of the bucket `day` falls in: itself, its Monday, its month's or its year's 1st."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"grain must be day, week, month or year, got {grain!r}")


def _next_bucket(start: date, grain: Grain) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    if grain == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def buckets(first: date, last: date, grain: Grain) -> list[date]:
    """The starts of every bucket from the one holding `first` to the one holding `last`, in order."""
    out, current, end = [], bucket_of(first, grain), bucket_of(last, grain)
    while current <= end:
        out.append(current)
        current = _next_bucket(current, grain)
    return out


def bucket_label(start: date, grain: Grain) -> str:
    if grain == "month":
        return start.strftime("%b %Y")
    if grain == "year":
        return str(start.year)
    return start.isoformat()


def _all_grain(first: date, last: date) -> Grain:
    """ "All" groups by month, or by year once that would be more than three years of months."""
    return "month" if (last - first).days <= 3 * 366 else "year"


# --- Single series ----------------------------------------------------------------------------------


def counts_by_state(states: Iterable[int]) -> dict[str, int]:
    counts = Counter(states)
    return {name: counts.get(state, 0) for state, name in enumerate(STATE_NAMES)}


@dataclass(frozen=True)
class RetentionPoint:
    start: date
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


def _retention(logs: Iterable[LogRow], tz: str, starts: Sequence[date], grain: Grain) -> list[RetentionPoint]:
    passed: Counter[date] = Counter()
    total: Counter[date] = Counter()
    for log in logs:
        if log[2] != STATE_REVIEW:
            continue
        bucket = bucket_of(study_day(log[0], tz), grain)
        total[bucket] += 1
        passed[bucket] += log[1] > 1
    return [RetentionPoint(start, passed.get(start, 0), total.get(start, 0)) for start in starts]


@dataclass(frozen=True)
class HeatDay:
    day: date
    count: int
    level: int  # 0 (none) to 4 (busiest), relative to the busiest day shown


def _heat_days(counts: Counter[date], first: date, on: date) -> list[HeatDay]:
    days = [first + timedelta(days=i) for i in range((on - first).days + 1)]
    busiest = max((counts.get(d, 0) for d in days), default=0)

    def level(n: int) -> int:
        # Quartiles of the busiest day, so one long session does not wash out the rest.
        return 0 if n == 0 or busiest == 0 else min(4, 1 + (4 * (n - 1)) // busiest)

    return [HeatDay(d, counts.get(d, 0), level(counts.get(d, 0))) for d in days]


# --- Answer buttons and intervals -------------------------------------------------------------------

BUTTONS = ("Again", "Hard", "Good", "Easy")


@dataclass(frozen=True)
class ButtonGroup:
    """Anki's answer-buttons chart for one kind of card: how often each button was pressed."""

    name: str  # learning, young or mature
    counts: tuple[int, int, int, int]  # Again, Hard, Good, Easy

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def correct(self) -> float | None:
        """Share of answers not graded Again, as Anki's "correct"."""
        return (self.total - self.counts[0]) / self.total if self.total else None


def card_kind(state_before: int, interval_before: int | None) -> str:
    """Anki's grouping: learning (new, learning and relearning cards), young (review, interval under 21
    days) or mature (review, 21 days or more)."""
    if state_before in (STATE_NEW, STATE_LEARNING, STATE_RELEARNING):
        return "learning"
    return "mature" if (interval_before or 0) >= MATURE_DAYS else "young"


def answer_buttons(logs: Iterable[LogRow]) -> list[ButtonGroup]:
    counts = {kind: [0, 0, 0, 0] for kind in ("learning", "young", "mature")}
    for log in logs:
        interval = log[3] if len(log) > 3 else None
        counts[card_kind(log[2], interval)][log[1] - 1] += 1
    return [ButtonGroup(kind, (c[0], c[1], c[2], c[3])) for kind, c in counts.items()]


# Interval histogram buckets: (label, lowest day, highest day inclusive or None).
INTERVAL_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1d", 0, 1),
    ("2d", 2, 2),
    ("3d", 3, 3),
    ("4–7d", 4, 7),
    ("1–2w", 8, 14),
    ("2–3w", 15, 21),
    ("3w–1m", 22, 31),
    ("1–3m", 32, 91),
    ("3–6m", 92, 182),
    ("6m–1y", 183, 365),
    (">1y", 366, None),
)


def interval_histogram(cards: Iterable[CardRow]) -> list[tuple[str, int]]:
    """Cards in review or relearning by the interval they were given (Anki's "Card intervals")."""
    counts = [0] * len(INTERVAL_BUCKETS)
    for card in cards:
        if card[0] not in (STATE_REVIEW, STATE_RELEARNING) or len(card) < 3 or card[2] is None:
            continue
        for i, (_, low, high) in enumerate(INTERVAL_BUCKETS):
            if card[2] >= low and (high is None or card[2] <= high):
                counts[i] += 1
                break
    return [(label, n) for (label, _, _), n in zip(INTERVAL_BUCKETS, counts, strict=True)]


# --- The student's page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    start: date
    label: str
    value: int


@dataclass(frozen=True)
class StatsPage:
    """Everything the student's statistics page shows, for one range."""

    range: Range
    ranges: tuple[Range, ...]
    today: date
    grain: Grain
    by_state: dict[str, int]
    forecast: list[Bucket]
    reviews: list[Bucket]
    retention: list[tuple[str, RetentionPoint]]
    heat: list[HeatDay]
    buttons: list[ButtonGroup]
    intervals: list[tuple[str, int]]

    @property
    def reviewed(self) -> int:
        return sum(b.value for b in self.reviews)


def stats_page(
    range_: Range, logs: Sequence[LogRow], cards: Sequence[CardRow], uncarded: int, now: datetime, tz: str
) -> StatsPage:
    """The page's figures from the student's logs (those of the range; all of them for "All"), every card
    (state, due, interval_days) and the count of questions with no card yet (new)."""
    on = today(now, tz)
    log_days = [study_day(log[0], tz) for log in logs]
    if range_.days is None:
        first = min(log_days, default=on)
        grain = _all_grain(first, on)
    else:
        first, grain = on - timedelta(days=range_.days - 1), range_.grain
    in_range = [log for log, day in zip(logs, log_days, strict=True) if first <= day <= on]
    starts = buckets(first, on, grain)

    per_bucket = Counter(bucket_of(day, grain) for day in log_days if first <= day <= on)
    reviews = [Bucket(s, bucket_label(s, grain), per_bucket.get(s, 0)) for s in starts]

    due_days = [max(study_day(card[1], tz), on) for card in cards if card[0] != STATE_NEW]
    if range_.days is None:
        horizon = max(due_days, default=on)
        forecast_grain = _all_grain(on, horizon)
    else:
        horizon, forecast_grain = on + timedelta(days=range_.days - 1), range_.grain
    due = Counter(bucket_of(day, forecast_grain) for day in due_days if day <= horizon)
    forecast = [
        Bucket(s, bucket_label(s, forecast_grain), due.get(s, 0))
        for s in buckets(on, horizon, forecast_grain)
    ]

    by_state = counts_by_state(card[0] for card in cards)
    by_state["new"] += uncarded
    heat_first = max(first, on - timedelta(days=HEATMAP_MAX_DAYS - 1))
    heat = _heat_days(Counter(log_days), bucket_of(heat_first, "week"), on)
    retention = [(bucket_label(p.start, grain), p) for p in _retention(in_range, tz, starts, grain)]
    return StatsPage(
        range=range_,
        ranges=RANGES,
        today=on,
        grain=grain,
        by_state=by_state,
        forecast=forecast,
        reviews=reviews,
        retention=retention,
        heat=heat,
        buttons=answer_buttons(in_range),
        intervals=interval_histogram(cards),
    )


def range_start(range_: Range, now: datetime) -> datetime | None:
    """The earliest review the range can show (a day of margin for time zones); None for everything."""
    return None if range_.days is None else now - timedelta(days=range_.days + 1)


# --- The course page --------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class TopicRecall:
    """The class view of one topic: of the students with reviewed cards in it, how many have every one
    of those cards above the target retrievability (90%) now."""

    topic: str
    students: int
    above: int

    @property
    def share(self) -> float | None:
        return self.above / self.students if self.students else None


def class_recall(
    cards: Iterable[tuple[int, str, str, float | None, datetime | None]],
    now: datetime,
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
    target: float = RECALL_TARGET,
) -> list[TopicRecall]:
    """Per topic, from (user_id, timezone, topic, stability, last_review) of the students' cards: the
    students whose reviewed cards in the topic all have a retrievability of at least `target` at `now`,
    by the FSRS forgetting curve of the scheduler with elapsed time in the student's study days.
    Cards never reviewed (no stability) are left out."""
    every: dict[str, set[int]] = {}
    below: dict[str, set[int]] = {}
    day_ends: dict[str, int] = {}  # the end of today's study day per zone, found once per zone
    for user_id, tz, topic, stability, last_review in cards:
        if stability is None or last_review is None:
            continue
        every.setdefault(topic, set()).add(user_id)
        if tz not in day_ends:
            day_ends[tz] = int(day_bounds(study_day(now, tz), tz)[1].timestamp())
        # scheduler.elapsed_days, with the day's end computed once per zone instead of once per card
        elapsed = max(0, day_ends[tz] - int(last_review.timestamp())) // DAY_SECONDS
        if retrievability(stability, elapsed, parameters) < target:
            below.setdefault(topic, set()).add(user_id)
    return [
        TopicRecall(topic, len(users), len(users - below.get(topic, set())))
        for topic, users in sorted(every.items())
    ]
