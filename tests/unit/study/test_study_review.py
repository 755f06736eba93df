"""FSRS review, preview, replay, snapshots and interval labels (app.study.scheduler)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.study.scheduler import (
    DEFAULT_PARAMETERS,
    STATE_LEARNING,
    STATE_NEW,
    STATE_RELEARNING,
    STATE_REVIEW,
    CardData,
    check_retention,
    format_interval,
    fsrs_engine,
    preview_intervals,
    replay,
    review,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
DAY = timedelta(days=1)


def new_card() -> CardData:
    return CardData.new(T0)


def learning_card() -> CardData:
    return review(new_card(), 3, T0)  # Good on a new card: learning step 1 (10 min)


def review_card() -> CardData:
    card = learning_card()
    return review(card, 3, card.due)  # Good on the last step graduates it


def relearning_card() -> CardData:
    card = review_card()
    return review(card, 1, card.due)  # Again on a review card: a lapse


def test_fixture_cards_are_in_the_states_they_claim():
    assert [c.state for c in (new_card(), learning_card(), review_card(), relearning_card())] == [
        STATE_NEW,
        STATE_LEARNING,
        STATE_REVIEW,
        STATE_RELEARNING,
    ]


def test_new_card_is_due_at_creation_with_no_memory_state():
    card = CardData.new(T0)
    assert card == CardData(STATE_NEW, None, None, None, T0, None, 0, 0)


# (builder, rating, expected state, expected step, expected interval or None for "whole days")
TRANSITIONS = [
    (new_card, 1, STATE_LEARNING, 0, 1 * MIN),
    (new_card, 2, STATE_LEARNING, 0, 5.5 * MIN),
    (new_card, 3, STATE_LEARNING, 1, 10 * MIN),
    (new_card, 4, STATE_REVIEW, None, None),
    (learning_card, 1, STATE_LEARNING, 0, 1 * MIN),
    (learning_card, 2, STATE_LEARNING, 1, 10 * MIN),
    (learning_card, 3, STATE_REVIEW, None, None),
    (learning_card, 4, STATE_REVIEW, None, None),
    (review_card, 1, STATE_RELEARNING, 0, 10 * MIN),
    (review_card, 2, STATE_REVIEW, None, None),
    (review_card, 3, STATE_REVIEW, None, None),
    (review_card, 4, STATE_REVIEW, None, None),
    (relearning_card, 1, STATE_RELEARNING, 0, 10 * MIN),
    (relearning_card, 2, STATE_RELEARNING, 0, 15 * MIN),
    (relearning_card, 3, STATE_REVIEW, None, None),
    (relearning_card, 4, STATE_REVIEW, None, None),
]


@pytest.mark.parametrize(
    ("build", "rating", "state", "step", "interval"),
    TRANSITIONS,
    ids=[f"{b.__name__}-{r}" for b, r, *_ in TRANSITIONS],
)
def test_each_rating_from_each_state(build, rating, state, step, interval):
    card = build()
    now = card.due
    after = review(card, rating, now)
    assert (after.state, after.step) == (state, step)
    assert after.last_review == now
    assert after.reps == card.reps + 1
    assert after.stability is not None and after.difficulty is not None
    if interval is None:  # whole study days: due at the 4 AM rollover (UTC here), a day or more later
        assert after.due.time() == datetime.min.time().replace(hour=4)
        assert (after.due - timedelta(hours=4)).date() > (now - timedelta(hours=4)).date()
    else:
        assert after.due - now == interval


@pytest.mark.parametrize("build", [new_card, learning_card, review_card, relearning_card])
@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_only_a_review_card_graded_again_counts_a_lapse(build, rating):
    card = build()
    after = review(card, rating, card.due)
    lapsed = card.state == STATE_REVIEW and rating == 1
    assert after.lapses == card.lapses + (1 if lapsed else 0)


def test_relearning_card_carries_its_lapse_and_repeated_failures_add_more():
    card = relearning_card()
    assert (card.reps, card.lapses) == (3, 1)
    card = review(card, 3, card.due)  # back to review
    card = review(card, 1, card.due)  # fails again
    assert (card.state, card.lapses) == (STATE_RELEARNING, 2)


def test_review_intervals_grow_with_the_rating():
    card = review_card()
    gaps = [review(card, r, card.due).due - card.due for r in (2, 3, 4)]
    assert gaps == sorted(gaps) and len(set(gaps)) == 3


def test_reviews_are_deterministic():
    def run() -> CardData:
        card = new_card()
        for rating in (3, 3, 2, 1, 3, 4, 3):
            card = review(card, rating, card.due + 3 * MIN)
        return card

    assert run() == run()


def test_the_fsrs_engine_is_built_once_per_parameter_set():
    assert fsrs_engine(DEFAULT_PARAMETERS) is fsrs_engine(DEFAULT_PARAMETERS)
    other = (*DEFAULT_PARAMETERS[:3], DEFAULT_PARAMETERS[3] + 1.0, *DEFAULT_PARAMETERS[4:])  # Easy's first S
    assert fsrs_engine(other) is not fsrs_engine()
    assert review(new_card(), 4, T0, parameters=other).stability != review(new_card(), 4, T0).stability


@pytest.mark.parametrize("retention", [0.69, 0.98, 2, 0, -0.9, math.nan, math.inf])
def test_retention_out_of_bounds_is_rejected(retention):
    with pytest.raises(ValueError, match=r"between 0\.70 and 0\.97"):
        check_retention(retention)
    with pytest.raises(ValueError, match="desired retention"):
        review(new_card(), 3, T0, desired_retention=retention)


@pytest.mark.parametrize("retention", [0.70, 0.97])
def test_retention_bounds_are_accepted(retention):
    assert review(review_card(), 3, review_card().due, desired_retention=retention).state == STATE_REVIEW


def test_higher_desired_retention_gives_shorter_intervals():
    card = review_card()
    now = card.due + 5 * DAY
    gaps = [review(card, 3, now, desired_retention=r).due - now for r in (0.7, 0.8, 0.9, 0.97)]
    assert gaps == sorted(gaps, reverse=True) and len(set(gaps)) == 4


@pytest.mark.parametrize("rating", [0, 5, -1, True, 3.5, "3"])
def test_invalid_rating_is_rejected(rating):
    with pytest.raises(ValueError, match="rating must be"):
        review(new_card(), rating, T0)


def test_naive_now_is_rejected():
    with pytest.raises(ValueError, match="now must be a timezone-aware"):
        review(new_card(), 3, datetime(2026, 3, 1, 12, 0))


def test_naive_card_datetimes_are_rejected():
    with pytest.raises(ValueError, match="due must be a timezone-aware"):
        CardData.new(datetime(2026, 3, 1, 12, 0))
    with pytest.raises(ValueError, match="last_review must be a timezone-aware"):
        CardData(STATE_REVIEW, None, 3.0, 5.0, T0, datetime(2026, 3, 1), 1, 0)


def test_review_dated_before_the_last_review_is_rejected():
    card = learning_card()
    with pytest.raises(ValueError, match="before the card's last review"):
        review(card, 3, T0 - MIN)


def test_any_aware_timezone_is_accepted_and_stored_as_utc():
    paris = T0.astimezone(ZoneInfo("Europe/Paris"))
    from_paris = review(CardData.new(paris), 3, paris)
    assert from_paris == review(new_card(), 3, T0)
    assert from_paris.due.tzinfo is UTC and from_paris.last_review.tzinfo is UTC


@pytest.mark.parametrize("state", [-1, 4])
def test_unknown_state_is_rejected(state):
    with pytest.raises(ValueError, match="card state must be one of"):
        CardData(state, None, None, None, T0, None, 0, 0)


def test_preview_matches_review_for_every_rating():
    for card in (new_card(), learning_card(), review_card(), relearning_card()):
        now = card.due + 2 * MIN
        preview = preview_intervals(card, now)
        assert set(preview) == {1, 2, 3, 4}
        for rating, gap in preview.items():
            assert review(card, rating, now).due - now == gap


def test_preview_of_a_new_card_shows_anki_like_buttons():
    labels = {r: format_interval(gap) for r, gap in preview_intervals(new_card(), T0).items()}
    assert labels == {1: "1m", 2: "6m", 3: "10m", 4: "8d"}


LOG = [(3, T0), (3, T0 + 10 * MIN), (3, T0 + 3 * DAY), (1, T0 + 14 * DAY), (2, T0 + 14 * DAY + 11 * MIN)]


def sequential(log: list[tuple[int, datetime]], retention: float = 0.9) -> CardData:
    card = CardData.new(log[0][1])
    for rating, at in log:
        card = review(card, rating, at, retention)
    return card


def test_replay_equals_sequential_review():
    assert replay(LOG) == sequential(LOG)
    assert replay(LOG).lapses == 1 and replay(LOG).reps == len(LOG)


def test_replay_sorts_the_log_by_time():
    assert replay(list(reversed(LOG))) == sequential(LOG)


def test_replay_uses_the_given_retention():
    assert replay(LOG, 0.8) == sequential(LOG, 0.8)
    graduated = LOG[:3]  # ends in review, where retention sets the interval
    assert replay(graduated, 0.8).due > replay(graduated, 0.95).due


def test_replay_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no reviews to replay"):
        replay([])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([1, 2, 3, 4]), st.integers(min_value=0, max_value=60 * 24 * 90)),
        min_size=1,
        max_size=12,
    )
)
def test_replay_of_any_log_equals_grading_it_in_order(steps):
    at, log = T0, []
    for rating, gap_minutes in steps:
        at += timedelta(minutes=gap_minutes)
        log.append((rating, at))
    ours = replay(log)
    assert ours == sequential(log)
    assert ours.reps == len(log) and ours.last_review == log[-1][1]


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (timedelta(0), "<1m"),
        (timedelta(seconds=59), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=2.5), "3m"),
        (timedelta(minutes=5.5), "6m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=59, seconds=29), "59m"),
        (timedelta(minutes=59, seconds=30), "1h"),
        (timedelta(hours=1), "1h"),
        (timedelta(minutes=90), "2h"),
        (timedelta(hours=23), "23h"),
        (timedelta(hours=23, minutes=30), "1d"),
        (timedelta(days=3), "3d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=30), "1mo"),
        (timedelta(days=36), "1.2mo"),
        (timedelta(days=330), "11mo"),
        (timedelta(days=359), "1y"),
        (timedelta(days=365), "1y"),
        (timedelta(days=766), "2.1y"),
        (timedelta(days=36500), "100y"),
    ],
)
def test_format_interval(delta, label):
    assert format_interval(delta) == label


def test_format_interval_rejects_negative():
    with pytest.raises(ValueError, match="must not be negative"):
        format_interval(timedelta(seconds=-1))
