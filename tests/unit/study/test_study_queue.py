"""Daily limits and the choice of the next card (app.study.scheduler)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.study.scheduler import (
    STATE_LEARNING,
    STATE_RELEARNING,
    STATE_REVIEW,
    Candidate,
    CardData,
    Limits,
    NextCard,
    QueueCounts,
    QueueHeads,
    pick_next,
    remaining_today,
)

NOW = datetime(2026, 7, 15, 14, 0, tzinfo=UTC)
DAY_END = datetime(2026, 7, 16, 4, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
PLENTY = QueueCounts(new=10, learning=10, review=10)


def learning(card_id: int, due: datetime, state: int = STATE_LEARNING) -> Candidate:
    return Candidate(card_id, CardData(state, 0, 2.3, 5.0, due, due - 10 * MIN, 1, 0))


def reviewing(card_id: int, due: datetime) -> Candidate:
    return Candidate(card_id, CardData(STATE_REVIEW, None, 10.0, 5.0, due, due - timedelta(days=10), 3, 0))


def new(card_id: int) -> Candidate:
    return Candidate(card_id, CardData.new(NOW - timedelta(days=30)))


# --- remaining_today ---------------------------------------------------------------------------------


def test_limits_default_like_anki():
    assert Limits() == Limits(new_per_day=20, reviews_per_day=200, learn_ahead=timedelta(minutes=20))


def test_nothing_done_yet_shows_up_to_the_limits():
    left = remaining_today(Limits(), 0, 0, QueueCounts(new=50, learning=3, review=30))
    assert left == QueueCounts(new=20, learning=3, review=30)


def test_fewer_cards_than_the_limits():
    assert remaining_today(Limits(), 0, 0, QueueCounts(new=4, learning=0, review=7)) == QueueCounts(4, 0, 7)


def test_new_cards_done_today_use_up_the_new_limit():
    assert remaining_today(Limits(), 15, 0, QueueCounts(50, 0, 0)).new == 5
    assert remaining_today(Limits(), 20, 0, QueueCounts(50, 0, 0)).new == 0


def test_new_limit_zero_gives_no_new_cards():
    assert remaining_today(Limits(new_per_day=0), 0, 0, QueueCounts(50, 2, 5)) == QueueCounts(0, 2, 5)


def test_reviews_exhausted_leaves_only_learning():
    assert remaining_today(Limits(), 0, 200, QueueCounts(50, 4, 80)) == QueueCounts(
        new=0, learning=4, review=0
    )


def test_reviews_take_the_review_limit_before_new_cards():
    limits = Limits(new_per_day=20, reviews_per_day=200)
    assert remaining_today(limits, 0, 0, QueueCounts(50, 0, 300)) == QueueCounts(
        new=0, learning=0, review=200
    )
    assert remaining_today(limits, 0, 0, QueueCounts(50, 0, 190)) == QueueCounts(
        new=10, learning=0, review=190
    )


def test_new_cards_done_count_against_the_review_limit():
    limits = Limits(new_per_day=20, reviews_per_day=10)
    assert remaining_today(limits, 5, 3, QueueCounts(50, 0, 5)) == QueueCounts(new=0, learning=0, review=2)


def test_limits_lowered_after_studying_never_go_negative():
    left = remaining_today(Limits(new_per_day=5, reviews_per_day=10), 8, 30, QueueCounts(50, 1, 50))
    assert left == QueueCounts(new=0, learning=1, review=0)


def test_learning_cards_are_never_limited():
    assert remaining_today(Limits(0, 0), 0, 0, QueueCounts(0, 500, 0)).learning == 500


def test_negative_limits_are_rejected():
    with pytest.raises(ValueError, match="daily limits must be >= 0"):
        Limits(new_per_day=-1)


# --- pick_next ---------------------------------------------------------------------------------------


def test_due_learning_card_comes_first():
    heads = QueueHeads(learning=learning(1, NOW - MIN), review=reviewing(2, NOW - 5 * MIN), new=new(3))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(1, "learning")


def test_relearning_card_is_in_the_learning_queue():
    heads = QueueHeads(learning=learning(1, NOW, STATE_RELEARNING), review=reviewing(2, NOW - MIN))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(1, "learning")


def test_review_before_new_when_no_learning_card_is_due():
    heads = QueueHeads(learning=learning(1, NOW + 5 * MIN), review=reviewing(2, NOW - MIN), new=new(3))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(2, "review")


def test_review_due_later_today_is_shown_now():
    heads = QueueHeads(review=reviewing(2, DAY_END - MIN), new=new(3))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(2, "review")


def test_review_due_after_the_day_ends_waits():
    heads = QueueHeads(review=reviewing(2, DAY_END), new=new(3))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(3, "new")


def test_new_card_when_nothing_else_is_due():
    assert pick_next(QueueHeads(new=new(3)), PLENTY, NOW, DAY_END) == NextCard(3, "new")


def test_new_limit_zero_shows_no_new_card():
    left = remaining_today(Limits(new_per_day=0), 0, 0, QueueCounts(new=1, learning=0, review=0))
    assert pick_next(QueueHeads(new=new(3)), left, NOW, DAY_END) is None


def test_reviews_exhausted_shows_only_learning():
    left = remaining_today(Limits(), 0, 200, QueueCounts(new=5, learning=1, review=5))
    heads = QueueHeads(learning=learning(1, NOW - MIN), review=reviewing(2, NOW - MIN), new=new(3))
    assert pick_next(heads, left, NOW, DAY_END) == NextCard(1, "learning")
    after = QueueHeads(learning=learning(1, NOW + 60 * MIN), review=reviewing(2, NOW - MIN), new=new(3))
    assert pick_next(after, left, NOW, DAY_END) is None


def test_learning_card_due_within_learn_ahead_is_shown_early_when_nothing_else():
    heads = QueueHeads(learning=learning(1, NOW + 15 * MIN))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(1, "learning", early=True)


def test_learn_ahead_limit_is_inclusive_at_20_minutes():
    heads = QueueHeads(learning=learning(1, NOW + 20 * MIN))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(1, "learning", early=True)


def test_learning_card_due_beyond_learn_ahead_waits():
    heads = QueueHeads(learning=learning(1, NOW + 25 * MIN))
    assert pick_next(heads, PLENTY, NOW, DAY_END) is None


def test_learn_ahead_is_configurable():
    heads = QueueHeads(learning=learning(1, NOW + 25 * MIN))
    picked = pick_next(heads, PLENTY, NOW, DAY_END, learn_ahead=Limits(learn_ahead=30 * MIN).learn_ahead)
    assert picked == NextCard(1, "learning", early=True)
    assert pick_next(heads, PLENTY, NOW, DAY_END, learn_ahead=timedelta(0)) is None


def test_learn_ahead_only_after_reviews_and_new_cards():
    heads = QueueHeads(learning=learning(1, NOW + 15 * MIN), new=new(3))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(3, "new")
    heads = QueueHeads(learning=learning(1, NOW + 15 * MIN), review=reviewing(2, NOW - MIN))
    assert pick_next(heads, PLENTY, NOW, DAY_END) == NextCard(2, "review")


def test_nothing_left_is_none():
    assert pick_next(QueueHeads(), PLENTY, NOW, DAY_END) is None
    heads = QueueHeads(review=reviewing(2, NOW), new=new(3))
    assert pick_next(heads, QueueCounts(0, 0, 0), NOW, DAY_END) is None


def test_a_study_session_drains_the_queues_in_order():
    # Simulates the service: answer each pick, then fetch the heads again.
    learning_due = [learning(10, NOW - 2 * MIN), learning(11, NOW - MIN)]
    reviews = [reviewing(20, NOW - 3 * MIN), reviewing(21, NOW + 60 * MIN), reviewing(22, DAY_END + MIN)]
    new_cards = [new(30), new(31), new(32)]
    limits, new_done, reviews_done, seen = Limits(new_per_day=2, reviews_per_day=10), 0, 0, []
    while True:
        due_reviews = [r for r in reviews if r.card.due < DAY_END]
        available = QueueCounts(len(new_cards), len(learning_due), len(due_reviews))
        heads = QueueHeads(
            learning=learning_due[0] if learning_due else None,
            review=due_reviews[0] if due_reviews else None,
            new=new_cards[0] if new_cards else None,
        )
        picked = pick_next(heads, remaining_today(limits, new_done, reviews_done, available), NOW, DAY_END)
        if picked is None:
            break
        seen.append(picked.card_id)
        queue = {"learning": learning_due, "review": reviews, "new": new_cards}[picked.queue]
        queue.pop(0)
        new_done += picked.queue == "new"
        reviews_done += picked.queue == "review"
    assert seen == [10, 11, 20, 21, 30, 31]


@pytest.mark.parametrize(
    ("field", "candidate"),
    [("learning", reviewing(1, NOW)), ("review", new(1)), ("new", learning(1, NOW))],
)
def test_head_from_the_wrong_queue_is_rejected(field, candidate):
    with pytest.raises(ValueError, match=f"the {field} head \\(card 1\\)"):
        QueueHeads(**{field: candidate})


def test_pick_next_rejects_naive_now():
    with pytest.raises(ValueError, match="timezone-aware"):
        pick_next(QueueHeads(), PLENTY, datetime(2026, 7, 15, 14, 0), DAY_END)
