"""FSRS scheduling, the 4 AM study day and the daily queue, as plain functions over plain data.

No Flask, no session: the study service reads a few rows, calls these, and writes the result back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, partial
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import fsrs_rs_python

STATE_NEW, STATE_LEARNING, STATE_REVIEW, STATE_RELEARNING = 0, 1, 2, 3
STATES = (STATE_NEW, STATE_LEARNING, STATE_REVIEW, STATE_RELEARNING)
RATINGS = (1, 2, 3, 4)  # Again, Hard, Good, Easy
MIN_RETENTION, MAX_RETENTION = 0.70, 0.97
DEFAULT_RETENTION = 0.9
LEARN_AHEAD = timedelta(minutes=20)


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} must be a timezone-aware datetime (UTC); got a naive one: {value.isoformat()}"
        )
    return value.astimezone(UTC)


@dataclass(frozen=True)
class CardData:
    """One card's scheduling state, field for field as the `card` row stores it (datetimes in UTC)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int
    # The interval in days a review card was given (Anki's scheduled_days); for a relearning card, the
    # interval it returns to review with. None before a card first reaches review.
    interval_days: int | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"card state must be one of {STATES}, got {self.state!r}")
        if self.reps < 0 or self.lapses < 0:
            raise ValueError(f"reps and lapses must not be negative, got {self.reps} and {self.lapses}")
        # Normalise to UTC so equality, JSON snapshots and fsrs (which insists on UTC) all agree.
        object.__setattr__(self, "due", _utc(self.due, "due"))
        if self.last_review is not None:
            object.__setattr__(self, "last_review", _utc(self.last_review, "last_review"))

    @classmethod
    def new(cls, now: datetime) -> CardData:
        """A card never reviewed, due at `now` (its creation time orders the new queue)."""
        return cls(STATE_NEW, None, None, None, now, None, 0, 0)


# Anki's defaults for an FSRS deck: learning steps 1m 10m, relearning step 10m, maximum interval 100 years.
LEARNING_STEPS = (60, 600)  # seconds
RELEARNING_STEPS = (600,)
MAXIMUM_INTERVAL = 36500  # days
_DAY_SECONDS = 86_400
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs_rs_python.DEFAULT_PARAMETERS)


def check_retention(desired_retention: float) -> float:
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:  # also rejects NaN
        raise ValueError(
            f"desired retention must be between {MIN_RETENTION:.2f} and {MAX_RETENTION:.2f}, "
            f"got {desired_retention!r}"
        )
    return float(desired_retention)


@lru_cache(maxsize=256)
def fsrs_engine(parameters: tuple[float, ...] = DEFAULT_PARAMETERS) -> fsrs_rs_python.FSRS:
    """fsrs-rs (the FSRS engine inside Anki) with the given parameters, built once per parameter set."""
    return fsrs_rs_python.FSRS(list(parameters))


def retrievability(
    stability: float, elapsed: float, parameters: tuple[float, ...] = DEFAULT_PARAMETERS
) -> float:
    """The FSRS-6 forgetting curve of fsrs-rs: the probability of recall `elapsed` days after a review
    that left the card with `stability` days, R = (1 + factor * t / S) ** -decay, where decay is the
    last parameter and factor makes R = 0.9 when t = S (so next_interval at 90% is S)."""
    if not stability > 0:
        raise ValueError(f"stability must be a positive number of days, got {stability!r}")
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * max(elapsed, 0) / stability) ** decay


def _check_rating(rating: int) -> int:
    if isinstance(rating, bool) or rating not in RATINGS:
        raise ValueError(f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating!r}")
    return rating


def _check_order(card: CardData, now: datetime) -> None:
    if card.last_review is not None and now < card.last_review:
        # Replaying the log sorts by time; a review dated before the last one would replay differently.
        raise ValueError(
            f"review time {now.isoformat()} is before the card's last review {card.last_review.isoformat()}"
        )


def _round(value: float) -> int:
    """Rust's f32::round (halves away from zero) for the non-negative values FSRS gives."""
    return math.floor(value + 0.5)


def _clamp_days(days: int, minimum: int = 1) -> int:
    """Anki's min_and_max_review_intervals + clamp: at least `minimum` (and 1), at most the maximum."""
    return max(min(minimum, MAXIMUM_INTERVAL), 1, min(days, MAXIMUM_INTERVAL))


def _round_in_days(seconds: int) -> int:
    # Anki's maybe_round_in_days: a delay over a day is a whole number of days.
    return _round(seconds / _DAY_SECONDS) * _DAY_SECONDS if seconds > _DAY_SECONDS else seconds


def _hard_delay(steps: tuple[int, ...], index: int) -> int:
    """Anki's hard_delay_secs: the current step, except on the first, which sits between Again and Good."""
    if index > 0:
        return steps[min(index, len(steps) - 1)]
    if len(steps) > 1:
        return _round_in_days((steps[0] + steps[1]) // 2)
    return _round_in_days(min(steps[0] * 3 // 2, steps[0] + _DAY_SECONDS))


def elapsed_days(last_review: datetime | None, now: datetime, tz: str, rollover_hour: int = 4) -> int:
    """Days since the last review as Anki counts them at `now`: whole 86,400 s periods from the last
    review to the end of today's study day (timing.next_day_at.elapsed_days_since), so a review at an
    earlier hour than the last one still counts the study days in between."""
    if last_review is None:
        return 0
    _, day_end = day_bounds(study_day(now, tz, rollover_hour), tz, rollover_hour)
    return max(0, int(day_end.timestamp()) - int(last_review.timestamp())) // _DAY_SECONDS


def _scheduled_days(card: CardData, tz: str) -> int:
    """The interval a review card was given (Anki's scheduled_days), as stored or from its dates."""
    if card.interval_days is not None:
        return card.interval_days
    if card.last_review is None:
        return 0
    return max(0, (study_day(card.due, tz) - study_day(card.last_review, tz)).days)


def next_states(
    card: CardData,
    now: datetime,
    desired_retention: float = DEFAULT_RETENTION,
    tz: str = "UTC",
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
) -> dict[int, CardData]:
    """The card after each rating 1–4 at `now` (see `_transitions`)."""
    return {
        rating: build()
        for rating, build in _transitions(card, now, desired_retention, tz, parameters).items()
    }


def _transitions(
    card: CardData, now: datetime, desired_retention: float, tz: str, parameters: tuple[float, ...]
) -> dict[int, Callable[[], CardData]]:
    """For each rating 1–4 at `now`, how to build the card after it (only the ratings asked are built),
    by Anki's rules (rslib/src/scheduler/states) on fsrs-rs.

    - Memory: fsrs-rs `next_states` from the card's stability and difficulty, `elapsed_days` in the
      student's study days (0 within a study day: FSRS-6's same-day formula).
    - New and learning cards walk LEARNING_STEPS (Hard on the first step waits between Again and Good)
      and graduate with FSRS's Good or Easy interval, Easy at least a day more than Good.
    - Review cards: Hard ≥ 1 day, Good ≥ Hard + 1, Easy ≥ Good + 1, each longer than the last interval
      when FSRS asks for longer; Again lapses into RELEARNING_STEPS, remembering FSRS's Again interval.
    - Relearning cards graduate with that interval (Easy: one day more).
    - A review is due at the start (rollover hour) of its study day in the student's zone, so an interval
      of N days is N study days whatever daylight saving does. No fuzz: intervals are deterministic.
    """
    now = _utc(now, "now")
    _check_order(card, now)
    retention = check_retention(desired_retention)
    memory = (
        fsrs_rs_python.MemoryState(card.stability, card.difficulty)
        if card.stability is not None and card.difficulty is not None
        else None
    )
    states = fsrs_engine(parameters).next_states(memory, retention, elapsed_days(card.last_review, now, tz))
    items = {1: states.again, 2: states.hard, 3: states.good, 4: states.easy}
    today = study_day(now, tz)

    def after(rating: int, state: int, step: int | None, **how: Any) -> Callable[[], CardData]:
        return partial(build, rating, state, step, **how)

    def build(rating: int, state: int, step: int | None, *, seconds: int = 0, days: int | None = None,
              lapse: bool = False, interval_days: int | None = None) -> CardData:  # fmt: skip
        memory_after = items[rating].memory
        if days is not None:
            due = day_bounds(today + timedelta(days=days), tz)[0]
            interval_days = days
        else:
            due = now + timedelta(seconds=seconds)
        return CardData(
            state=state,
            step=step,
            stability=memory_after.stability,
            difficulty=memory_after.difficulty,
            due=due,
            last_review=now,
            reps=card.reps + 1,
            lapses=card.lapses + int(lapse),
            interval_days=interval_days,
        )

    if card.state in (STATE_NEW, STATE_LEARNING):
        index = 0 if card.state == STATE_NEW else min(card.step or 0, len(LEARNING_STEPS) - 1)
        good_days = _clamp_days(_round(states.good.interval))
        result = {
            1: after(1, STATE_LEARNING, 0, seconds=LEARNING_STEPS[0]),
            2: after(2, STATE_LEARNING, index, seconds=_hard_delay(LEARNING_STEPS, index)),
            4: after(4, STATE_REVIEW, None, days=_clamp_days(_round(states.easy.interval), good_days + 1)),
        }
        if index + 1 < len(LEARNING_STEPS):
            result[3] = after(3, STATE_LEARNING, index + 1, seconds=LEARNING_STEPS[index + 1])
        else:
            result[3] = after(3, STATE_REVIEW, None, days=good_days)
        return result

    if card.state == STATE_REVIEW:
        last = _scheduled_days(card, tz)

        def longer_than_last(days: int) -> int:
            return last + 1 if days > last else 0  # Anki's greater_than_last

        hard_f, good_f, easy_f = states.hard.interval, states.good.interval, states.easy.interval
        hard = _clamp_days(_round(hard_f), max(longer_than_last(_round(hard_f)), 1))
        good = _clamp_days(_round(good_f), max(longer_than_last(_round(good_f)), hard + 1))
        easy = _clamp_days(_round(easy_f), max(longer_than_last(_round(easy_f)), good + 1))
        lapse_days = max(_round(states.again.interval), 1)
        return {
            1: after(
                1, STATE_RELEARNING, 0, seconds=RELEARNING_STEPS[0], lapse=True, interval_days=lapse_days
            ),
            2: after(2, STATE_REVIEW, None, days=hard),
            3: after(3, STATE_REVIEW, None, days=good),
            4: after(4, STATE_REVIEW, None, days=easy),
        }

    # Relearning: the steps, then back to review with the interval set when the card lapsed.
    index = min(card.step or 0, len(RELEARNING_STEPS) - 1)
    back = card.interval_days if card.interval_days is not None else max(_round(states.again.interval), 1)
    result = {
        1: after(1, STATE_RELEARNING, 0, seconds=RELEARNING_STEPS[0],
                 interval_days=max(_round(states.again.interval), 1)),
        2: after(2, STATE_RELEARNING, index, seconds=_hard_delay(RELEARNING_STEPS, index), interval_days=back),
        4: after(4, STATE_REVIEW, None, days=back + 1),
    }  # fmt: skip
    if index + 1 < len(RELEARNING_STEPS):
        result[3] = after(
            3, STATE_RELEARNING, index + 1, seconds=RELEARNING_STEPS[index + 1], interval_days=back
        )
    else:
        result[3] = after(3, STATE_REVIEW, None, days=back)
    return result


def review(
    card: CardData,
    rating: int,
    now: datetime,
    desired_retention: float = DEFAULT_RETENTION,
    tz: str = "UTC",
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
) -> CardData:
    """The card after grading it `rating` (1–4) at `now` (see `next_states`)."""
    rating = _check_rating(rating)
    return _transitions(card, now, desired_retention, tz, parameters)[rating]()


def preview_intervals(
    card: CardData,
    now: datetime,
    desired_retention: float = DEFAULT_RETENTION,
    tz: str = "UTC",
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
) -> dict[int, timedelta]:
    """Time until the card would be due again for each rating 1–4: the labels on the answer buttons."""
    now = _utc(now, "now")
    return {
        rating: after.due - now
        for rating, after in next_states(card, now, desired_retention, tz, parameters).items()
    }


def format_interval(delta: timedelta) -> str:
    """Anki-style short interval: "<1m", "6m", "1h", "3d", "1.2mo", "2.1y" (30-day months, 365-day years)."""
    seconds = delta.total_seconds()
    if seconds < 0:
        raise ValueError(f"interval must not be negative, got {delta}")
    if seconds < 60:
        return "<1m"
    # Each unit is rounded before choosing it, so 59.7 minutes reads "1h", never "60m".
    if (minutes := _half_up(seconds / 60)) < 60:
        return f"{minutes:g}m"
    if (hours := _half_up(seconds / 3600)) < 24:
        return f"{hours:g}h"
    if (days := _half_up(seconds / 86400)) < 30:
        return f"{days:g}d"
    if (months := _half_up(days / 30, 1)) < 12:
        return f"{months:g}mo"
    return f"{_half_up(days / 365, 1):g}y"


def _half_up(value: float, digits: int = 0) -> float:
    # Anki rounds halves up (5.5 minutes reads "6m"); Python's round() would give "6m" but "2m" for 2.5.
    scale = 10**digits
    return math.floor(value * scale + 0.5) / scale


def replay(
    reviews: list[tuple[int, datetime]], desired_retention: float = DEFAULT_RETENTION, tz: str = "UTC"
) -> CardData:
    """Rebuild a card from its review log alone, (rating, reviewed_at) pairs in any order."""
    if not reviews:
        raise ValueError("no reviews to replay; a card without reviews is CardData.new(created_at)")
    ordered = sorted(reviews, key=lambda pair: _utc(pair[1], "review time"))
    card = CardData.new(ordered[0][1])
    for rating, reviewed_at in ordered:
        card = review(card, rating, reviewed_at, desired_retention, tz)
    return card


# --- The study day ---------------------------------------------------------------------------------


def validate_timezone(name: str) -> str:
    """`name` if it is an IANA time zone this machine knows; otherwise a ValueError that says what to use."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # OSError: a name too long for a file
        raise ValueError(f"Unknown time zone {name[:64]!r}. Use an IANA name such as Europe/Paris.") from None
    return name


@lru_cache(maxsize=512)
def _zone(tz: str) -> ZoneInfo:
    # Every card shown and graded asks for the student's zone twice; names that fail are not cached.
    return ZoneInfo(validate_timezone(tz))


def _check_rollover(rollover_hour: int) -> None:
    if not 0 <= rollover_hour <= 23:
        raise ValueError(f"rollover hour must be between 0 and 23, got {rollover_hour!r}")


def study_day(now: datetime, tz: str, rollover_hour: int = 4) -> date:
    """The study day `now` belongs to: it starts at `rollover_hour` o'clock local time, like Anki."""
    _check_rollover(rollover_hour)
    local = _utc(now, "now").astimezone(_zone(tz))
    # Wall-clock arithmetic: 03:59 local still belongs to the previous day, whatever the UTC offset.
    return (local.replace(tzinfo=None) - timedelta(hours=rollover_hour)).date()


@lru_cache(maxsize=4096)
def day_bounds(day: date, tz: str, rollover_hour: int = 4) -> tuple[datetime, datetime]:
    """[start, end) of a study day in UTC; 23 or 25 hours long across a DST change."""
    _check_rollover(rollover_hour)
    zone = _zone(tz)
    start = datetime.combine(day, time(rollover_hour), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(rollover_hour), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


# --- Daily limits and the next card ----------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    new_per_day: int = 20
    reviews_per_day: int = 200
    learn_ahead: timedelta = LEARN_AHEAD

    def __post_init__(self) -> None:
        if self.new_per_day < 0 or self.reviews_per_day < 0:
            raise ValueError(
                f"daily limits must be >= 0, got new {self.new_per_day}, reviews {self.reviews_per_day}"
            )


@dataclass(frozen=True)
class QueueCounts:
    new: int
    learning: int
    review: int


def remaining_today(
    limits: Limits, new_done_today: int, reviews_done_today: int, available: QueueCounts
) -> QueueCounts:
    """What is left to study today once the daily limits apply.

    As in Anki (v3 scheduler, default settings) new cards count against the review limit, so
    `reviews_per_day` caps the day's new + review cards and reviews take precedence over new cards.
    Learning cards are never limited: a card being learned must come back.
    `new_done_today`: answers today on cards that were new; `reviews_done_today`: answers today on
    cards that were in review (`review_log.state_before` 0 and 2).
    """
    review_budget = max(0, limits.reviews_per_day - reviews_done_today - new_done_today)
    review = min(available.review, review_budget)
    new_budget = max(0, limits.new_per_day - new_done_today)
    new = min(available.new, new_budget, review_budget - review)
    return QueueCounts(new=new, learning=available.learning, review=review)


@dataclass(frozen=True)
class Candidate:
    """A card row the caller fetched: its primary key and its scheduling state."""

    card_id: int
    card: CardData


@dataclass(frozen=True)
class QueueHeads:
    """The first card of each queue, as fetched by index (see `pick_next`); None when a queue is empty."""

    learning: Candidate | None = None
    review: Candidate | None = None
    new: Candidate | None = None

    def __post_init__(self) -> None:
        # A head from the wrong queue means a wrong query; fail loudly rather than show the wrong card.
        for name, states in (
            ("learning", (STATE_LEARNING, STATE_RELEARNING)),
            ("review", (STATE_REVIEW,)),
            ("new", (STATE_NEW,)),
        ):
            head = getattr(self, name)
            if head is not None and head.card.state not in states:
                raise ValueError(
                    f"the {name} head (card {head.card_id}) has state {head.card.state}; expected {states}"
                )


@dataclass(frozen=True)
class NextCard:
    card_id: int
    queue: Literal["learning", "review", "new"]
    early: bool = False  # a learning card shown before it is due (learn-ahead)


def pick_next(
    heads: QueueHeads,
    remaining: QueueCounts,
    now: datetime,
    day_end: datetime,
    learn_ahead: timedelta = LEARN_AHEAD,
) -> NextCard | None:
    """The card to show next, or None when the student is done for now.

    Order, like Anki: a learning/relearning card that is due; then a review card due before the
    end of the study day, while `remaining.review` > 0; then a new card, while `remaining.new` > 0;
    then, with nothing else to do, a learning card due within `learn_ahead`, shown early.
    On None, a learning head still due before `day_end` says when to come back.

    The caller passes only queue heads and counts, never the deck, so the cost does not grow with
    the number of cards or review logs. With the index card(user_id, state, due):
      learning: SELECT ... WHERE user_id=:u AND state=1 ORDER BY due LIMIT 1, the same for state=3,
                and pass the earlier of the two (due or not: learn-ahead needs the next one too)
      review:   SELECT ... WHERE user_id=:u AND state=2 AND due < :day_end ORDER BY due LIMIT 1
      new:      SELECT ... WHERE user_id=:u AND state=0 ORDER BY due, id LIMIT 1
                (CardData.new sets due to the creation time, so this is deck order)
      counts:   `remaining_today(limits, new_done, reviews_done, available)` where `available` is
                COUNT(*) over the same filters (learning: due <= :now), and new_done/reviews_done
                come from the student's study_day row for the day (kept by each grade and undo).
    A deck filter (article, topic, course) joins question and narrows each query the same way.
    """
    now = _utc(now, "now")
    learning = heads.learning
    if learning is not None and learning.card.due <= now:
        return NextCard(learning.card_id, "learning")
    if remaining.review > 0 and heads.review is not None and heads.review.card.due < _utc(day_end, "day_end"):
        return NextCard(heads.review.card_id, "review")
    if remaining.new > 0 and heads.new is not None:
        return NextCard(heads.new.card_id, "new")
    if learning is not None and learning.card.due <= now + learn_ahead:
        return NextCard(learning.card_id, "learning", early=True)
    return None
