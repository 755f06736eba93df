"""The optimiser core: Anki's training items, fsrs-rs's metrics, the threshold and the keep-or-update rule."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import fsrs_rs_python
import pytest

from app.study import optimize
from app.study.optimize import LoggedReview, Metrics, NotEnoughReviews
from app.study.scheduler import DEFAULT_PARAMETERS

NEXT_DAY = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)  # the end of "today's" study day


def days_ago(days: float) -> datetime:
    return NEXT_DAY - timedelta(days=days)


def test_items_follow_ankis_rules():
    # Anki's delta_t_is_correct case: learning 15 and 13 days ago, reviews 10 and 5 days ago.
    log = [
        LoggedReview(1, 3, days_ago(15), 0),
        LoggedReview(1, 3, days_ago(13), 1),
        LoggedReview(1, 3, days_ago(10), 2),
        LoggedReview(1, 3, days_ago(5), 2),
    ]
    data = optimize.training_items(log, NEXT_DAY)
    assert data.items == [((3, 0), (3, 2)), ((3, 0), (3, 2), (3, 3)), ((3, 0), (3, 2), (3, 3), (3, 5))]
    assert data.reviews == 4


def test_same_day_answers_stay_in_the_history_but_predict_nothing():
    log = [
        LoggedReview(7, 1, days_ago(3.5), 0),
        LoggedReview(7, 3, days_ago(3.4), 1),  # ten minutes later, same day: history only
        LoggedReview(7, 3, days_ago(1.5), 2),
    ]
    data = optimize.training_items(log, NEXT_DAY)
    assert data.items == [((1, 0), (3, 0), (3, 2))]
    assert data.reviews == 3


def test_a_card_without_learning_answers_is_ignored_and_items_are_in_time_order():
    log = [
        LoggedReview(1, 3, days_ago(9), 2),  # review answers only: no learning run, no items
        LoggedReview(1, 3, days_ago(2), 2),
        LoggedReview(2, 3, days_ago(8), 0),
        LoggedReview(2, 1, days_ago(1), 2),
        LoggedReview(3, 4, days_ago(7), 0),
        LoggedReview(3, 3, days_ago(4), 2),
    ]
    data = optimize.training_items(reversed(log), NEXT_DAY)
    assert data.items == [((4, 0), (3, 3)), ((3, 0), (1, 7))]
    assert data.reviews == 4


def test_metrics_on_a_tiny_known_log():
    """Two items computed by hand from the FSRS-6 formulas with the default parameters."""
    w = DEFAULT_PARAMETERS
    items = [((3, 0), (3, 1)), ((3, 0), (1, 4))]
    # After one Good, stability is w[2]; recall after t days is (1 + factor * t / S) ** -w[20].
    factor = 0.9 ** (-1 / w[20]) - 1
    r1 = (1 + factor * 1 / w[2]) ** -w[20]
    r2 = (1 + factor * 4 / w[2]) ** -w[20]
    weights = (0.25, 1.0)  # recency: the older item counts a quarter
    expected_loss = -(weights[0] * math.log(r1) + weights[1] * math.log(1 - r2)) / sum(weights)
    # Different delta_t bins (1 day in [1, 3.62), 4 days in [3.62, 13.1)): each bin holds one item.
    expected_rmse = math.sqrt((weights[0] * (r1 - 1) ** 2 + weights[1] * (r2 - 0) ** 2) / sum(weights))
    metrics = optimize.evaluate(w, items)
    assert metrics.log_loss == pytest.approx(expected_loss, rel=1e-6)
    assert metrics.rmse_bins == pytest.approx(expected_rmse, rel=1e-6)


def test_items_in_one_bin_average_before_the_square():
    items = [((3, 0), (3, 1)), ((3, 0), (1, 1))]  # same bin: delta_t 1, one long-term review, no lapse
    predicted = [0.9, 0.9]
    recalled = [True, False]
    rmse = optimize.rmse_bins(items, predicted, recalled, [1.0, 1.0])
    assert rmse == pytest.approx(0.4)  # mean prediction 0.9 against mean recall 0.5


def random_items(seed: int, count: int) -> list[optimize.Item]:
    rng = random.Random(seed)
    items: list[optimize.Item] = []
    while len(items) < count:
        history = [(rng.choice((1, 3, 3, 4)), 0)]
        if rng.random() < 0.5:
            history.append((3, 0))  # a same-day learning step
        for _ in range(rng.randint(1, 12)):
            history.append((rng.choice((1, 2, 3, 3, 3, 4)), rng.choice((0, 1, 2, 4, 9, 30, 90))))
            if history[-1][1] > 0:
                items.append(tuple(history))
    return items[:count]


def test_metrics_agree_with_fsrs_rs_evaluate():
    items = random_items(5, 1500)
    engine = fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS))
    reference = engine.evaluate([optimize._fsrs_item(item) for item in items])
    mine = optimize.evaluate(DEFAULT_PARAMETERS, items)
    assert mine.log_loss == pytest.approx(reference.log_loss, rel=1e-4)
    assert mine.rmse_bins == pytest.approx(reference.rmse_bins, rel=1e-4)


def test_too_few_items_is_refused_with_the_counts():
    data = optimize.Items(random_items(1, optimize.MIN_ITEMS - 1), reviews=700)
    with pytest.raises(NotEnoughReviews) as refused:
        optimize.optimise(data)
    assert f"at least {optimize.MIN_ITEMS}" in str(refused.value)
    assert f"you have {optimize.MIN_ITEMS - 1} of 700 reviews" in str(refused.value)


def test_new_parameters_replace_the_defaults_when_better():
    data = optimize.Items(random_items(2, 2000), reviews=2600)
    steps: list[tuple[int, int, str]] = []
    outcome = optimize.optimise(data, progress=lambda *step: steps.append(step))
    assert [done for done, _, _ in steps] == [0, 1, 2]
    assert outcome.updated
    assert outcome.after.rmse_bins < outcome.before.rmse_bins
    assert outcome.parameters != DEFAULT_PARAMETERS
    assert outcome.before == optimize.evaluate(DEFAULT_PARAMETERS, data.items)
    assert (outcome.items, outcome.reviews) == (2000, 2600)


def test_current_parameters_are_kept_when_the_fit_is_not_better(monkeypatch):
    data = optimize.Items(random_items(3, 500), reviews=800)
    fitted = optimize.fit(data.items)
    # The current parameters are the fit itself: a new fit from the defaults can do no better.
    monkeypatch.setattr(optimize, "fit", lambda items: DEFAULT_PARAMETERS)
    outcome = optimize.optimise(data, current=fitted)
    assert not outcome.updated
    assert outcome.parameters == fitted
    assert outcome.after == optimize.evaluate(DEFAULT_PARAMETERS, data.items)
    assert outcome.after.rmse_bins >= outcome.before.rmse_bins


def test_equal_metrics_keep_the_current_parameters(monkeypatch):
    data = optimize.Items(random_items(4, 400), reviews=400)
    monkeypatch.setattr(optimize, "fit", lambda items: DEFAULT_PARAMETERS)
    outcome = optimize.optimise(data, current=DEFAULT_PARAMETERS)
    assert outcome.before == outcome.after
    assert not outcome.updated


def test_metrics_are_plain_numbers():
    metrics = optimize.evaluate(DEFAULT_PARAMETERS, random_items(6, 50))
    assert isinstance(metrics, Metrics)
    assert 0 < metrics.log_loss < 5 and 0 <= metrics.rmse_bins <= 1
