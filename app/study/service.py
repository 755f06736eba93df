"""The study service: decks, the next card by index, grading with idempotent retries, undo and settings.

Every function is scoped to one user and takes an optional `now` (tests inject it); each write is one
transaction committed here. The scheduling itself is the pure core in app/study/scheduler.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from app.bank.convert import to_canonical
from app.extensions import db
from app.models import Article, Card, Course, Enrolment, Question, QuizItem, ReviewLog, User
from app.models.quiz import Quiz
from app.study.cards import CardFaces, card_faces
from app.study.scheduler import (
    LEARN_AHEAD,
    RATINGS,
    STATE_LEARNING,
    STATE_NEW,
    STATE_RELEARNING,
    STATE_REVIEW,
    Candidate,
    CardData,
    Limits,
    QueueCounts,
    QueueHeads,
    day_bounds,
    format_interval,
    pick_next,
    preview_intervals,
    remaining_today,
    review,
    study_day,
)

REQUEST_ID_MAX = 64
# Stands in for "the first question of the deck without a card": the card is created only if picked.
_UNCREATED = -1


class StudyError(Exception):
    """A refused study action: an HTTP status, a message for the student, a stable code for the API."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


# --- Decks -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deck:
    """What to study: everything ("all"), one article (its slug), one topic, or one course (its id).

    `spec` ("all", "article:<slug>", "topic:<topic>", "course:<id>") travels in the grade form, so the
    server rebuilds the deck to redirect to and to check learn-ahead, without trusting a URL.
    """

    kind: str
    key: str
    title: str
    condition: ColumnElement[bool]

    @property
    def spec(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.key}"


def everything() -> Deck:
    return Deck("all", "", "Everything due", true())


def article_deck(slug: str) -> Deck:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise StudyError(404, f"There is no article {slug!r}.", "no_article")
    return Deck("article", slug, article.title, Question.article_id == article.id)


def topic_deck(topic: str) -> Deck:
    if not db.session.scalar(select(exists().where(Question.topic == topic, Question.status == "approved"))):
        raise StudyError(404, f"No approved questions have the topic {topic!r}.", "no_topic")
    return Deck("topic", topic, f"Topic: {topic}", Question.topic == topic)


def course_deck(user: User, course_id: int) -> Deck:
    """The approved questions of the articles (fixed items) and topics (random draws) the course's
    quizzes use; a course without quizzes studies the whole approved bank."""
    from app.courses.service import can_view

    course = db.session.get(Course, course_id)
    if course is None:
        raise StudyError(404, "There is no such course.", "no_course")
    if not can_view(user, course):
        raise StudyError(403, "You are not a member of this course.", "not_member")
    in_course = QuizItem.quiz_id.in_(select(Quiz.id).where(Quiz.course_id == course.id))
    article_ids = select(Question.article_id).join(QuizItem, QuizItem.question_id == Question.id)
    article_ids = article_ids.where(in_course, Question.article_id.is_not(None))
    topics = select(QuizItem.draw_topic).where(in_course, QuizItem.draw_topic.is_not(None))
    used_articles = set(db.session.scalars(article_ids))
    used_topics = set(db.session.scalars(topics))
    condition: ColumnElement[bool] = true()
    if used_articles or used_topics:
        condition = or_(Question.article_id.in_(used_articles), Question.topic.in_(used_topics))
    return Deck("course", str(course.id), course.title, condition)


def deck_from_spec(user: User, spec: str) -> Deck:
    kind, _, key = (spec or "all").partition(":")
    if kind == "article" and key:
        return article_deck(key)
    if kind == "topic" and key:
        return topic_deck(key)
    if kind == "course" and key.isdigit():
        return course_deck(user, int(key))
    return everything()


# --- Reading the queues ----------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def to_data(card: Card) -> CardData:
    return CardData(
        card.state,
        card.step,
        card.stability,
        card.difficulty,
        card.due,
        card.last_review,
        card.reps,
        card.lapses,
    )


def _apply(card: Card, data: CardData) -> None:
    card.state, card.step, card.stability, card.difficulty = (
        data.state,
        data.step,
        data.stability,
        data.difficulty,
    )
    card.due, card.last_review, card.reps, card.lapses = data.due, data.last_review, data.reps, data.lapses


def _deck_cards(user: User, deck: Deck, *where: ColumnElement[bool]):
    return (
        select(Card)
        .join(Question, Card.question_id == Question.id)
        .where(Card.user_id == user.id, Question.status == "approved", deck.condition, *where)
    )


def _head(user: User, deck: Deck, *where: ColumnElement[bool]) -> Card | None:
    # ORDER BY due LIMIT 1 on ix_card_user_state_due: one index range per queue, whatever the deck size.
    return db.session.scalar(_deck_cards(user, deck, *where).order_by(Card.due, Card.id).limit(1))


def _count(user: User, deck: Deck, *where: ColumnElement[bool]) -> int:
    return db.session.scalar(_deck_cards(user, deck, *where).with_only_columns(func.count())) or 0


def _uncarded(user: User, deck: Deck):
    has_card = exists().where(Card.user_id == user.id, Card.question_id == Question.id)
    return select(Question).where(Question.status == "approved", deck.condition, ~has_card)


def _first_uncarded(user: User, deck: Deck) -> Question | None:
    # Deck order: by article, then where the quoted sentence sits in it, then uid. Nulls sort last
    # explicitly because SQLite and PostgreSQL disagree on where NULL goes.
    order = (
        Question.article_id.is_(None),
        Question.article_id,
        Question.source_start.is_(None),
        Question.source_start,
        Question.uid,
    )
    return db.session.scalar(_uncarded(user, deck).order_by(*order).limit(1))


def done_today(user: User, now: datetime) -> tuple[int, int, int]:
    """(new, review, total) answers today in the user's study day, from review_log by index."""
    start, end = day_bounds(study_day(now, user.timezone), user.timezone)
    rows = db.session.execute(
        select(ReviewLog.state_before, func.count())
        .where(ReviewLog.user_id == user.id, ReviewLog.reviewed_at >= start, ReviewLog.reviewed_at < end)
        .group_by(ReviewLog.state_before)
    ).all()
    by_state = {state: count for state, count in rows}
    return by_state.get(STATE_NEW, 0), by_state.get(STATE_REVIEW, 0), sum(by_state.values())


def limits_of(user: User) -> Limits:
    return Limits(new_per_day=user.new_per_day, reviews_per_day=user.reviews_per_day)


@dataclass(frozen=True)
class Queue:
    heads: QueueHeads
    remaining: QueueCounts
    done: int
    day_end: datetime
    uncarded: Question | None


def _queue(user: User, deck: Deck, now: datetime) -> Queue:
    _, day_end = day_bounds(study_day(now, user.timezone), user.timezone)
    learning = [
        card
        for state in (STATE_LEARNING, STATE_RELEARNING)
        if (card := _head(user, deck, Card.state == state)) is not None
    ]
    learning_head = min(learning, key=lambda c: (c.due, c.id), default=None)
    review_head = _head(user, deck, Card.state == STATE_REVIEW, Card.due < day_end)
    new_head = _head(user, deck, Card.state == STATE_NEW)
    uncarded = None
    new_candidate = Candidate(new_head.id, to_data(new_head)) if new_head is not None else None
    if new_candidate is None and (uncarded := _first_uncarded(user, deck)) is not None:
        new_candidate = Candidate(_UNCREATED, CardData.new(now))
    available = QueueCounts(
        new=_count(user, deck, Card.state == STATE_NEW)
        + (db.session.scalar(_uncarded(user, deck).with_only_columns(func.count())) or 0),
        learning=_count(user, deck, Card.state.in_((STATE_LEARNING, STATE_RELEARNING)), Card.due <= now),
        review=_count(user, deck, Card.state == STATE_REVIEW, Card.due < day_end),
    )
    new_done, reviews_done, done = done_today(user, now)
    heads = QueueHeads(
        learning=Candidate(learning_head.id, to_data(learning_head)) if learning_head else None,
        review=Candidate(review_head.id, to_data(review_head)) if review_head else None,
        new=new_candidate,
    )
    return Queue(
        heads, remaining_today(limits_of(user), new_done, reviews_done, available), done, day_end, uncarded
    )


def _create_card(user: User, question: Question, now: datetime) -> Card:
    card = Card(user_id=user.id, question_id=question.id)
    _apply(card, CardData.new(now))
    card.created_at = now
    db.session.add(card)
    try:
        db.session.commit()
    except IntegrityError:
        # Two tabs showed the same new card at once: the first insert stands, use its row.
        db.session.rollback()
        card = db.session.scalar(select(Card).where(Card.user_id == user.id, Card.question_id == question.id))
        if card is None:
            raise
    return card


# --- The card on screen ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    rating: int
    label: str
    interval: str


@dataclass(frozen=True)
class Shown:
    """One card ready to render: its faces, the four buttons and today's progress."""

    card: Card
    question: Question
    faces: CardFaces
    buttons: list[Button]
    queue: str
    early: bool
    done: int
    remaining: int
    article_slug: str | None
    sentence_id: str | None


@dataclass(frozen=True)
class Done:
    """Nothing to study now; `come_back_at` is when the next learning card is due today, if any."""

    done: int
    come_back_at: datetime | None


LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def _shown(
    user: User, card: Card, queue: str, early: bool, done: int, remaining: int, now: datetime
) -> Shown:
    question = card.question
    faces = card_faces(to_canonical(question))
    intervals = preview_intervals(to_data(card), max(now, card.last_review or now), user.desired_retention)
    return Shown(
        card=card,
        question=question,
        faces=faces,
        buttons=[Button(r, LABELS[r], format_interval(intervals[r])) for r in RATINGS],
        queue=queue,
        early=early,
        done=done,
        remaining=remaining,
        article_slug=question.article.slug if question.article is not None else None,
        sentence_id=question.sentence_ids[0] if question.sentence_ids else None,
    )


def _total(counts: QueueCounts) -> int:
    return counts.new + counts.learning + counts.review


def next_card(user: User, deck: Deck, now: datetime | None = None) -> Shown | Done:
    """The card to study next in `deck` (creating it lazily when it is a new question), or Done."""
    now = _now(now)
    queue = _queue(user, deck, now)
    picked = pick_next(queue.heads, queue.remaining, now, queue.day_end)
    if picked is None:
        head = queue.heads.learning
        come_back = head.card.due if head is not None and head.card.due < queue.day_end else None
        return Done(queue.done, come_back)
    if picked.card_id == _UNCREATED:
        assert queue.uncarded is not None
        card = _create_card(user, queue.uncarded, now)
    else:
        card = db.session.get(Card, picked.card_id)
    remaining = max(_total(queue.remaining), 1)
    return _shown(user, card, picked.queue, picked.early, queue.done, remaining, now)


def show_card(user: User, card_id: int, now: datetime | None = None) -> Shown:
    """A given card of the user (after undo, the card just restored), whatever its queue position."""
    now = _now(now)
    card = _own_card(user, card_id)
    if card.question.status != "approved":
        raise StudyError(409, "This question has been retired and is no longer studied.", "retired")
    _, _, done = done_today(user, now)
    return _shown(user, card, "undo", False, done, 1, now)


def _own_card(user: User, card_id: Any) -> Card:
    try:
        card_id = int(card_id)
    except (TypeError, ValueError):
        raise StudyError(404, "There is no such card.", "no_card") from None
    card = db.session.scalar(select(Card).where(Card.id == card_id, Card.user_id == user.id))
    if card is None:  # another student's card looks exactly like a missing one
        raise StudyError(404, "There is no such card.", "no_card")
    return card


# --- Grading and undo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graded:
    card_id: int
    rating: int
    state: int
    due: datetime
    interval: str
    replayed: bool  # True when this answers a retried request that was already graded

    def to_dict(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "rating": self.rating,
            "state": self.state,
            "due": self.due.isoformat(),
            "interval": self.interval,
            "replayed": self.replayed,
        }


def parse_rating(value: Any) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if rating not in RATINGS or str(value).strip() not in {str(r) for r in RATINGS}:
        raise StudyError(422, "The grade must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).", "bad_rating")
    return rating


def _check_request_id(request_id: Any) -> str:
    text = str(request_id or "").strip()
    if not text or len(text) > REQUEST_ID_MAX:
        raise StudyError(
            422,
            f"request_id is required (at most {REQUEST_ID_MAX} characters); reload the page.",
            "bad_request_id",
        )
    return text


def _from_log(user: User, log: ReviewLog) -> Graded:
    # FSRS is deterministic here (no fuzz), so the original answer is recomputed from the snapshot.
    after = review(CardData.from_dict(log.card_before), log.rating, log.reviewed_at, user.desired_retention)
    return Graded(
        log.card_id, log.rating, after.state, after.due, format_interval(after.due - log.reviewed_at), True
    )


def _earlier_answer(user: User, request_id: str) -> ReviewLog | None:
    return db.session.scalar(
        select(ReviewLog).where(ReviewLog.user_id == user.id, ReviewLog.request_id == request_id)
    )


def _check_due(user: User, card: Card, deck: Deck, now: datetime) -> None:
    _, day_end = day_bounds(study_day(now, user.timezone), user.timezone)
    if card.state == STATE_NEW or card.due <= now:
        return
    if card.state == STATE_REVIEW and card.due < day_end:
        return
    if card.state in (STATE_LEARNING, STATE_RELEARNING) and card.due <= now + LEARN_AHEAD:
        queue = _queue(user, deck, now)
        picked = pick_next(queue.heads, queue.remaining, now, queue.day_end)
        if picked is not None and picked.early:
            return
    raise StudyError(409, "This card is not due yet.", "not_due")


def grade(
    user: User,
    card_id: Any,
    rating: Any,
    request_id: Any,
    duration_ms: Any = None,
    deck: Deck | None = None,
    now: datetime | None = None,
) -> Graded:
    """Grade a card in one transaction (card update + review log). A retried request_id returns the
    original result without grading again; the unique (user_id, request_id) settles concurrent retries."""
    now = _now(now)
    rating = parse_rating(rating)
    request_id = _check_request_id(request_id)
    earlier = _earlier_answer(user, request_id)
    if earlier is not None:
        return _from_log(user, earlier)
    card = _own_card(user, card_id)
    if card.question.status != "approved":
        raise StudyError(409, "This question has been retired and can no longer be graded.", "retired")
    _check_due(user, card, deck or everything(), now)
    try:
        duration = max(0, min(int(duration_ms), 86_400_000)) if duration_ms not in (None, "") else None
    except (TypeError, ValueError):
        duration = None
    before = to_data(card)
    after = review(before, rating, max(now, before.last_review or now), user.desired_retention)
    db.session.add(
        ReviewLog(
            user_id=user.id,
            card_id=card.id,
            request_id=request_id,
            rating=rating,
            reviewed_at=now,
            duration_ms=duration,
            state_before=before.state,
            card_before=before.to_dict(),
        )
    )
    _apply(card, after)
    card_pk = card.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = _earlier_answer(user, request_id)
        if earlier is None:
            raise
        return _from_log(user, earlier)
    return Graded(card_pk, rating, after.state, after.due, format_interval(after.due - now), False)


def undo_last(user: User, now: datetime | None = None) -> int:
    """Undo the user's last review of today: restore the card from its snapshot, delete the log.

    Returns the restored card's id. Nothing to undo today raises a 409 StudyError.
    """
    now = _now(now)
    start, end = day_bounds(study_day(now, user.timezone), user.timezone)
    log = db.session.scalar(
        select(ReviewLog)
        .where(ReviewLog.user_id == user.id, ReviewLog.reviewed_at >= start, ReviewLog.reviewed_at < end)
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
    )
    if log is None:
        raise StudyError(409, "There is nothing to undo today.", "nothing_to_undo")
    card = db.session.scalar(select(Card).where(Card.id == log.card_id, Card.user_id == user.id))
    card_id = log.card_id
    _apply(card, CardData.from_dict(log.card_before))
    db.session.delete(log)
    db.session.commit()
    return card_id


# --- Settings --------------------------------------------------------------------------------------


def update_settings(
    user: User, retention: float, new_per_day: int, reviews_per_day: int, timezone: str
) -> None:
    """Save validated study settings (the form validates; the CHECK constraints back it up)."""
    user.desired_retention = float(retention)
    user.new_per_day = int(new_per_day)
    user.reviews_per_day = int(reviews_per_day)
    user.timezone = timezone
    db.session.commit()


# --- Rows for the statistics ------------------------------------------------------------------------


def my_card_rows(user: User) -> list[tuple[int, datetime]]:
    """(state, due) of every card of the user."""
    return [
        tuple(row) for row in db.session.execute(select(Card.state, Card.due).where(Card.user_id == user.id))
    ]


def my_log_rows(user: User, since: datetime) -> list[tuple[datetime, int, int]]:
    """(reviewed_at, rating, state_before) of the user's reviews since `since`."""
    rows = db.session.execute(
        select(ReviewLog.reviewed_at, ReviewLog.rating, ReviewLog.state_before).where(
            ReviewLog.user_id == user.id, ReviewLog.reviewed_at >= since
        )
    )
    return [tuple(row) for row in rows]


def uncarded_count(user: User) -> int:
    return db.session.scalar(_uncarded(user, everything()).with_only_columns(func.count())) or 0


def course_topic_rows(course: Course, since: datetime) -> list[tuple[str, int, int, int]]:
    """Per topic, over the course's students only: (topic, reviews, review-state reviews, of which passed)."""
    students = select(Enrolment.user_id).where(Enrolment.course_id == course.id, Enrolment.role == "student")
    mature = ReviewLog.state_before == STATE_REVIEW
    rows = db.session.execute(
        select(
            Question.topic,
            func.count(),
            func.sum(case((mature, 1), else_=0)),
            func.sum(case((and_(mature, ReviewLog.rating > 1), 1), else_=0)),
        )
        .join(Card, ReviewLog.card_id == Card.id)
        .join(Question, Card.question_id == Question.id)
        .where(ReviewLog.user_id.in_(students), ReviewLog.reviewed_at >= since)
        .group_by(Question.topic)
        .order_by(Question.topic)
    )
    return [(topic, int(n), int(m or 0), int(p or 0)) for topic, n, m, p in rows]


def course_student_count(course: Course) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(Enrolment.course_id == course.id, Enrolment.role == "student")
        )
        or 0
    )


def since_days(now: datetime | None, days: int) -> datetime:
    return _now(now) - timedelta(days=days)


def deck_choices() -> dict[str, list[tuple[str, str, int]]]:
    """Decks with approved questions: articles as (slug, title, count) and topics as (topic, topic, count)."""
    approved = Question.status == "approved"
    articles = db.session.execute(
        select(Article.slug, Article.title, func.count(Question.id))
        .join(Question, Question.article_id == Article.id)
        .where(approved)
        .group_by(Article.id, Article.slug, Article.title)
        .order_by(Article.title)
    )
    topics = db.session.execute(
        select(Question.topic, func.count()).where(approved).group_by(Question.topic).order_by(Question.topic)
    )
    return {
        "articles": [(slug, title, int(n)) for slug, title, n in articles],
        "topics": [(topic, topic, int(n)) for topic, n in topics],
    }
