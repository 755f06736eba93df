"""Per-student FSRS optimisation, like Anki's "Optimize" button, as plain functions over plain data.

No Flask, no database: the service (app/study/optimize_service.py) reads the student's review log,
calls `optimise`, and stores what it returns.

- **Items.** One training item per review with the card's history before it, built as Anki builds them
  (rslib/src/scheduler/fsrs/params.rs `reviews_for_fsrs`): a card's log starts at its last run of
  learning answers (answers on a new or learning card); each review's `delta_t` is the number of whole
  days between the two reviews counted back from the end of today's study day (Anki's `days_elapsed`
  from `next_day_at`); the first answer of a card and every answer on the same day as the previous one
  (delta_t = 0) give no item, because there is nothing to predict.
- **Threshold.** `MIN_ITEMS` = 400 items, Anki's: its `compute_params` leaves the check of "fewer than
  400 items" to the caller, and its options screen refuses to optimise below it. fsrs-rs itself returns
  the defaults below 8 items and fits only the four initial stabilities below 64, so fewer than a few
  hundred reviews fit noise. 400 items is about three weeks of 20 answers a day.
- **Metrics.** Log loss and RMSE (bins) of a parameter set over the items, exactly as fsrs-rs `evaluate`
  computes them (Anki's "Evaluate"; a test checks the two agree): each item's predicted recall is the
  retrievability of the memory state after its history at its delta_t; items are weighted by recency
  (0.25 for the oldest to 1 for the newest, cubic); log loss is the weighted binary cross-entropy against
  "recalled" (rating > 1); RMSE (bins) groups items by (delta_t, long-term reviews, lapses) on fsrs-rs's
  logarithmic bins and takes the root mean square of (mean prediction − mean recall), bins weighted by
  their items' weights.
- **Keep or update.** The fit starts from the defaults (as Anki's does); the new parameters replace the
  current ones only when their RMSE (bins) is lower on the same items, Anki's rule (`current_rmse <=
  optimized_rmse` keeps the current parameters).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import fsrs_rs_python

from app.study.scheduler import DEFAULT_PARAMETERS, STATE_LEARNING, STATE_NEW, fsrs_engine

MIN_ITEMS = 400
_DAY_SECONDS = 86_400

Review = tuple[int, int]  # (rating 1-4, delta_t in days)
Item = tuple[Review, ...]  # a card's reviews up to and including the one to predict


class NotEnoughReviews(ValueError):
    """Too few items to fit parameters: nothing is computed and nothing is written."""

    def __init__(self, items: int, reviews: int) -> None:
        super().__init__(
            f"Optimising needs at least {MIN_ITEMS} reviews that count (a review on a later day than the "
            f"card's previous one); you have {items} of {reviews} reviews. Keep studying and try again."
        )
        self.items, self.reviews = items, reviews


@dataclass(frozen=True)
class LoggedReview:
    """One review log row: which card, the rating, when, and the card's state before it."""

    card_id: int
    rating: int
    reviewed_at: datetime
    state_before: int


@dataclass(frozen=True)
class Items:
    items: list[Item]
    reviews: int  # the reviews the items were built from (Anki's review count)


@dataclass(frozen=True)
class Metrics:
    log_loss: float
    rmse_bins: float


@dataclass(frozen=True)
class Outcome:
    parameters: tuple[float, ...]  # what the student's scheduler uses from now on
    updated: bool  # False: the new fit was not better and the current parameters are kept
    before: Metrics  # the current parameters on the items
    after: Metrics  # the newly fitted parameters on the same items
    items: int
    reviews: int


def days_elapsed(reviewed_at: datetime, next_day_at: datetime) -> int:
    """Anki's RevlogEntry.days_elapsed: whole days from a review to the end of today's study day."""
    return max(0, int(next_day_at.timestamp()) - int(reviewed_at.timestamp())) // _DAY_SECONDS


def _learning(state_before: int) -> bool:
    return state_before in (STATE_NEW, STATE_LEARNING)  # Anki's RevlogReviewKind::Learning


def card_items(
    reviews: Sequence[LoggedReview], next_day_at: datetime
) -> tuple[list[tuple[datetime, Item]], int]:
    """One card's training items, each with the time of the review it predicts, and the number of
    reviews they come from ([] and 0 without a run of learning answers: training ignores such a card,
    as Anki does)."""
    ordered = sorted(reviews, key=lambda r: r.reviewed_at)
    start = None
    for index in range(len(ordered) - 1, -1, -1):  # the last run of learning answers
        if _learning(ordered[index].state_before):
            start = index
        elif start is not None:
            break
    if start is None:
        return [], 0
    entries = ordered[start:]
    elapsed = [days_elapsed(r.reviewed_at, next_day_at) for r in entries]
    history: list[Review] = [(entries[0].rating, 0)]
    items: list[tuple[datetime, Item]] = []
    for index in range(1, len(entries)):
        delta_t = elapsed[index - 1] - elapsed[index]
        history.append((entries[index].rating, delta_t))
        if delta_t > 0:
            items.append((entries[index].reviewed_at, tuple(history)))
    return items, len(entries)


def training_items(reviews: Iterable[LoggedReview], next_day_at: datetime) -> Items:
    """The student's training items, in the order of the reviews they predict (Anki sorts by revlog id)."""
    by_card: dict[int, list[LoggedReview]] = defaultdict(list)
    for review in reviews:
        by_card[review.card_id].append(review)
    dated: list[tuple[datetime, Item]] = []
    count = 0
    for card_reviews in by_card.values():
        items, used = card_items(card_reviews, next_day_at)
        dated.extend(items)
        count += used
    dated.sort(key=lambda pair: pair[0])
    return Items([item for _, item in dated], count)


def _fsrs_item(reviews: Iterable[Review]) -> fsrs_rs_python.FSRSItem:
    return fsrs_rs_python.FSRSItem(
        [fsrs_rs_python.FSRSReview(rating, delta_t) for rating, delta_t in reviews]
    )


def retrievability(stability: float, elapsed: float, parameters: Sequence[float]) -> float:
    """FSRS-6's power forgetting curve: the chance of recall `elapsed` days after a review."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * elapsed / stability) ** decay


def predictions(parameters: Sequence[float], items: Sequence[Item]) -> list[float]:
    """Each item's predicted chance of recall (its last review) from the memory state after its history."""
    if not items:
        return []
    engine = fsrs_engine(tuple(parameters))
    states = engine.memory_state_batch([_fsrs_item(item[:-1]) for item in items])
    return [
        retrievability(state.stability, item[-1][1], parameters)
        for state, item in zip(states, items, strict=True)
    ]


def recency_weights(count: int) -> list[float]:
    """fsrs-rs's weights of items in time order: 0.25 for the oldest rising to 1 for the newest (cubic)."""
    span = max(count - 1, 1)
    return [0.25 + 0.75 * (index / span) ** 3 for index in range(count)]


def log_loss(predicted: Sequence[float], recalled: Sequence[bool], weights: Sequence[float]) -> float:
    """Weighted mean binary cross-entropy of the predictions against what happened."""
    total = 0.0
    for p, y, w in zip(predicted, recalled, weights, strict=True):
        p = min(max(p, 1e-7), 1 - 1e-7)
        total -= w * math.log(p if y else 1 - p)
    return total / sum(weights)


def _log_bin(value: float, base: float, scale: float) -> float:
    return scale * base ** math.floor(math.log(value, base)) if value > 0 else 0.0


def bin_of(item: Item) -> tuple[int, int, int]:
    """fsrs-rs FSRSItem::r_matrix_index: (delta_t, long-term reviews + 1, lapses) on logarithmic bins."""
    delta_t = item[-1][1]
    length = sum(1 for _, d in item if d > 0) + 1
    lapses = sum(1 for rating, d in item[:-1] if rating == 1 and d > 0)
    return (
        round(_log_bin(delta_t, 3.62, 2.48) * 100),
        round(_log_bin(length, 1.89, 1.99)),
        round(_log_bin(lapses, 1.73, 1.65)) if lapses else 0,
    )


def rmse_bins(
    items: Sequence[Item], predicted: Sequence[float], recalled: Sequence[bool], weights: Sequence[float]
) -> float:
    """Root mean square of (mean prediction − mean recall) over the bins of `bin_of`, each bin weighted by
    the sum of its items' weights."""
    sums: dict[tuple[int, int, int], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for item, p, y, w in zip(items, predicted, recalled, weights, strict=True):
        entry = sums[bin_of(item)]
        entry[0] += p
        entry[1] += float(y)
        entry[2] += 1
        entry[3] += w
    squares = sum((p / n - y / n) ** 2 * w for p, y, n, w in sums.values())
    return math.sqrt(squares / sum(weights))


def evaluate(parameters: Sequence[float], items: Sequence[Item]) -> Metrics:
    """Log loss and RMSE (bins) of `parameters` over `items` (see the module docstring)."""
    if not items:
        raise ValueError("no items to evaluate")
    predicted = predictions(parameters, items)
    recalled = [item[-1][0] > 1 for item in items]
    weights = recency_weights(len(items))
    return Metrics(log_loss(predicted, recalled, weights), rmse_bins(items, predicted, recalled, weights))


def fit(items: Sequence[Item]) -> tuple[float, ...]:
    """New parameters fitted from the defaults by fsrs-rs's optimiser (short-term memory on, as Anki)."""
    fitted = fsrs_engine(DEFAULT_PARAMETERS).compute_parameters([_fsrs_item(item) for item in items])
    if len(fitted) != len(DEFAULT_PARAMETERS) or not all(math.isfinite(w) for w in fitted):
        raise ValueError(f"the optimiser returned unusable parameters: {fitted!r}")
    return tuple(float(w) for w in fitted)


Progress = Callable[[int, int, str], None]
STEPS = 3


def optimise(
    data: Items,
    current: Sequence[float] = DEFAULT_PARAMETERS,
    progress: Progress = lambda done, total, message: None,
) -> Outcome:
    """Fit parameters to `data` and keep them only if their RMSE (bins) beats `current`'s.

    Raises NotEnoughReviews below MIN_ITEMS items. `progress(done, STEPS, message)` is called before
    each step (evaluating the current parameters, fitting, evaluating the new ones)."""
    if len(data.items) < MIN_ITEMS:
        raise NotEnoughReviews(len(data.items), data.reviews)
    current = tuple(float(w) for w in current)
    progress(0, STEPS, f"Evaluating your current parameters on {len(data.items)} reviews")
    before = evaluate(current, data.items)
    progress(1, STEPS, "Fitting new parameters to your reviews")
    fitted = fit(data.items)
    progress(2, STEPS, "Evaluating the new parameters")
    after = evaluate(fitted, data.items)
    updated = after.rmse_bins < before.rmse_bins
    return Outcome(fitted if updated else current, updated, before, after, len(data.items), data.reviews)
