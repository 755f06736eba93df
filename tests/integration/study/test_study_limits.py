"""Daily limits and the 4 AM rollover in the student's zone, through the service with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

from app.auth.service import find_user
from app.extensions import db
from app.models import Article, Card, Question
from app.study import service

# 2025-03-10 in New York is EDT (UTC-4): 08:00 UTC is 04:00 local, the start of the next study day.
BEFORE_ROLLOVER = datetime(2025, 3, 10, 7, 59, tzinfo=UTC)
AFTER_ROLLOVER = datetime(2025, 3, 10, 8, 1, tzinfo=UTC)
EVENING = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)  # 21:00 local on March 9


def test_one_new_card_per_study_day_rolls_over_at_4am_local(app, seeded):
    user = find_user("student")
    service.update_settings(user, 0.9, 1, 200, "America/New_York")
    deck = service.article_deck("faw-leapmotor-mou")
    first = service.next_card(user, deck, now=EVENING)
    assert isinstance(first, service.Shown) and first.queue == "new"
    service.grade(user, first.card.id, 4, "r1", deck=deck, now=EVENING)
    assert isinstance(service.next_card(user, deck, now=EVENING), service.Done)
    assert isinstance(service.next_card(user, deck, now=BEFORE_ROLLOVER), service.Done)
    second = service.next_card(user, deck, now=AFTER_ROLLOVER)
    assert isinstance(second, service.Shown) and second.queue == "new"
    assert second.card.question_id != first.card.question_id


def test_zero_new_cards_shows_nothing_new(app, seeded):
    user = find_user("student")
    service.update_settings(user, 0.9, 0, 200, "UTC")
    assert isinstance(service.next_card(user, service.everything(), now=EVENING), service.Done)


def test_learning_card_comes_back_early_only_when_nothing_else_is_left(app, seeded):
    user = find_user("student")
    service.update_settings(user, 0.9, 1, 200, "UTC")
    deck = service.article_deck("faw-leapmotor-mou")
    first = service.next_card(user, deck, now=EVENING)
    service.grade(user, first.card.id, 3, "r1", deck=deck, now=EVENING)  # learning, due in 10 minutes
    early = service.next_card(user, deck, now=EVENING)
    assert isinstance(early, service.Shown) and early.early and early.card.id == first.card.id
    graded = service.grade(user, first.card.id, 3, "r2", deck=deck, now=EVENING)
    assert graded.state == 2


def test_new_cards_are_created_for_todays_budget_only_in_deck_order(app, seeded):
    user = find_user("student")
    service.update_settings(user, 0.9, 3, 200, "UTC")
    deck = service.article_deck("faw-leapmotor-mou")
    assert db.session.scalar(db.select(db.func.count()).select_from(Card)) == 0
    first = service.next_card(user, deck, now=EVENING)
    again = service.next_card(user, deck, now=EVENING)
    assert again.card.id == first.card.id
    cards = db.session.scalars(db.select(Card).order_by(Card.due, Card.id)).all()
    assert len(cards) == 3  # the day's new-card limit, not the whole deck
    expected = db.session.scalars(
        db.select(Question.id)
        .join(Article, Question.article_id == Article.id)
        .where(Article.slug == "faw-leapmotor-mou", Question.status == "approved")
        .order_by(Question.source_start.is_(None), Question.source_start, Question.uid)
        .limit(3)
    ).all()
    assert [c.question_id for c in cards] == expected
    assert first.card.id == cards[0].id
    service.grade(user, first.card.id, 4, "r1", deck=deck, now=EVENING)
    second = service.next_card(user, deck, now=EVENING)
    assert second.card.id == cards[1].id
    assert (second.question.source_start or 0) >= (first.question.source_start or 0)
    assert db.session.scalar(db.select(db.func.count()).select_from(Card)) == 3
