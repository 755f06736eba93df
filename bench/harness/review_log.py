"""A deterministic synthetic review log for the optimiser: the bench's 10k reviews and the tests' student.

Each card is learned (Again or Good, then Good ten minutes later), then reviewed at growing intervals;
whether the student recalls is drawn from a forgetting curve with a per-card "true" stability, so the
log has the structure FSRS fits (recall falls with elapsed time, stability grows after a success and
drops after a lapse) and the fitted parameters beat the defaults. Same arguments, same log.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.study.optimize import LoggedReview
from app.study.scheduler import STATE_LEARNING, STATE_NEW, STATE_RELEARNING, STATE_REVIEW


def synthetic_reviews(count: int, cards: int, end: datetime, seed: int = 2026) -> list[LoggedReview]:
    """`count` reviews over card ids 1..`cards` (spread evenly), each card's last one in the three weeks
    before `end`, oldest first."""
    rng = random.Random(seed)
    per_card = [count // cards + (1 if index < count % cards else 0) for index in range(cards)]
    log: list[LoggedReview] = []
    for card_id, reviews in enumerate(per_card, start=1):
        if reviews == 0:
            continue
        at = end  # moved below so that the card's last review falls in the last three weeks
        card_log: list[LoggedReview] = []
        true_stability = rng.uniform(0.5, 4.0)
        state = STATE_NEW
        interval = 1.0
        for n in range(reviews):
            if state in (STATE_NEW, STATE_LEARNING):
                rating = rng.choice((1, 3)) if state == STATE_NEW else 3
                card_log.append(LoggedReview(card_id, rating, at, state))
                state = STATE_LEARNING if (state == STATE_NEW) else STATE_REVIEW
                at += timedelta(minutes=10) if state == STATE_LEARNING else timedelta(days=interval)
                continue
            elapsed = interval
            recalled = rng.random() < (1 + elapsed / (9 * true_stability)) ** -1
            rating = (rng.choice((2, 3, 3, 3, 4)) if recalled else 1) if n else 3
            card_log.append(LoggedReview(card_id, rating, at, state))
            if rating == 1:
                true_stability = max(0.3, true_stability * 0.4)
                state = STATE_RELEARNING
                interval = max(1.0, interval * 0.3)
                at += timedelta(minutes=10)
                continue
            if state == STATE_RELEARNING:
                state = STATE_REVIEW
            true_stability *= rng.uniform(1.8, 3.0)
            interval = max(1.0, min(true_stability * rng.uniform(0.6, 1.3), 90.0))
            at += timedelta(days=round(interval), hours=rng.randint(-3, 3))
        shift = card_log[-1].reviewed_at - end + timedelta(days=rng.randint(1, 21), hours=rng.randint(0, 12))
        log.extend(LoggedReview(r.card_id, r.rating, r.reviewed_at - shift, r.state_before) for r in card_log)
    return sorted(log, key=lambda r: r.reviewed_at)


def store_reviews(user_id: int, question_ids: list[int], reviews: list[LoggedReview]) -> int:
    """Write `reviews` as `user_id`'s cards (synthetic card id n → the n-th question) and review log, in
    the current session's transaction (the caller commits). Returns the number of log rows."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import Card, ReviewLog

    cards = sorted({r.card_id for r in reviews})
    if len(cards) > len(question_ids):
        raise ValueError(f"{len(cards)} cards need as many questions; got {len(question_ids)}")
    last = {r.card_id: r.reviewed_at for r in reviews}
    ids = {}
    for card in cards:
        row = Card(user_id=user_id, question_id=question_ids[card - 1], state=STATE_REVIEW,
                   stability=5.0, difficulty=5.0, due=last[card], last_review=last[card], reps=1,
                   created_at=last[card])  # fmt: skip
        db.session.add(row)
        db.session.flush()
        ids[card] = row.id
    db.session.execute(
        insert(ReviewLog),
        [
            {
                "user_id": user_id,
                "card_id": ids[r.card_id],
                "request_id": f"synthetic-{n}",
                "rating": r.rating,
                "reviewed_at": r.reviewed_at,
                "state_before": r.state_before,
                "due_before": r.reviewed_at,
                "reps_before": 0,
                "lapses_before": 0,
                "created_at": r.reviewed_at,
            }  # fmt: skip
            for n, r in enumerate(reviews)
        ],
    )
    return len(reviews)
