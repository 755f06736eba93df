"""The study service: decks, the next card by index, grading with idempotent retries, undo and settings.

Every function is scoped to one user and takes an optional `now` (tests inject it); each write is one
transaction committed here. The scheduling itself is the pure core in app/study/scheduler.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from app.bank.convert import to_canonical
from app.extensions import db
from app.models import Article, Card, Course, Enrolment, Question, QuizItem, ReviewLog, User
from app.models.quiz import Quiz
from app.study import queries
from app.study.cards import CardFaces, card_faces
from app.study.queries import EVERYTHING, CardRow, DeckFilter
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
# Stands in for "the next question of the deck without a card": cards are created only if it is picked.
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
    filter: DeckFilter = EVERYTHING

    @property
    def spec(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.key}"


def everything() -> Deck:
    return Deck("all", "", "Everything due")


def article_deck(slug: str) -> Deck:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise StudyError(404, f"There is no article {slug!r}.", "no_article")
    return Deck("article", slug, article.title, DeckFilter("article", (("deck_article_id", article.id),)))


def topic_deck(topic: str) -> Deck:
    if not db.session.scalar(select(exists().where(Question.topic == topic, Question.status == "approved"))):
        raise StudyError(404, f"No approved questions have the topic {topic!r}.", "no_topic")
    return Deck("topic", topic, f"Topic: {topic}", DeckFilter("topic", (("deck_topic", topic),)))


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
    used_articles = sorted(set(db.session.scalars(article_ids)))
    used_topics = sorted(set(db.session.scalars(topics)))
    deck_filter = EVERYTHING
    if used_articles or used_topics:
        params = (("deck_article_ids", tuple(used_articles)), ("deck_topics", tuple(used_topics)))
        deck_filter = DeckFilter("course", params)
    return Deck("course", str(course.id), course.title, deck_filter)


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


def _card_values(data: CardData) -> dict[str, Any]:
    return {
        "state": data.state,
        "step": data.step,
        "stability": data.stability,
        "difficulty": data.difficulty,
        "due": data.due,
        "last_review": data.last_review,
        "reps": data.reps,
        "lapses": data.lapses,
    }


def _commit() -> None:
    """Commit a study write without expiring the rest of the session.

    Study writes touch only card and review_log rows, through Core statements; the user and the
    questions the session holds are unchanged, so reloading them after every grade would be wasted
    queries. Card and ReviewLog objects someone loaded through the ORM are expired as usual.
    """
    session = db.session()
    written = [obj for obj in session.identity_map.values() if isinstance(obj, Card | ReviewLog)]
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    for obj in written:
        session.expire(obj)


def done_today(user: User, now: datetime) -> tuple[int, int, int]:
    """(new, review, total) answers today in the user's study day, from review_log by index."""
    start, end = day_bounds(study_day(now, user.timezone), user.timezone)
    return queries.done_today(user.id, start, end)


def limits_of(user: User) -> Limits:
    return Limits(new_per_day=user.new_per_day, reviews_per_day=user.reviews_per_day)


@dataclass(frozen=True)
class Queue:
    heads: QueueHeads
    remaining: QueueCounts
    done: int
    new_done: int
    day_end: datetime
    cards: dict[int, CardRow]  # the head cards by id, so the picked one needs no second read
    capped: bool  # a queue count stopped at queries.COUNT_CAP: `remaining` may be more


def _queue(user: User, deck: Deck, now: datetime) -> Queue:
    """The queue heads and today's counts, in one statement (see app/study/queries.py)."""
    tz = user.timezone
    day_start, day_end = day_bounds(study_day(now, tz), tz)
    limits = limits_of(user)
    heads, counts = queries.read_queue(
        user.id, deck.filter, now, day_start, day_end, limits.new_per_day, limits.reviews_per_day
    )
    cards = {row.id: row for row in (heads.learning, heads.review, heads.new) if row is not None}
    new: Candidate | None = None
    if heads.new is not None:
        new = Candidate(heads.new.id, heads.new.data)
    elif heads.uncarded_question_id is not None:
        new = Candidate(_UNCREATED, CardData.new(now))
    queue_heads = QueueHeads(
        learning=Candidate(heads.learning.id, heads.learning.data) if heads.learning else None,
        review=Candidate(heads.review.id, heads.review.data) if heads.review else None,
        new=new,
    )
    remaining = remaining_today(limits, counts.new_done, counts.reviews_done, counts.available)
    return Queue(queue_heads, remaining, counts.done, counts.new_done, day_end, cards, counts.capped)


def _materialise(user: User, deck: Deck, now: datetime, count: int) -> CardRow | None:
    """Create the cards of the next `count` questions of the deck (today's new-card budget) and
    return the first: the new queue then reads them by index, and the deck-wide search for questions
    without a card runs once per batch instead of once per card.

    Each card is due a microsecond after the one before, so the new queue (due, id) keeps deck order.
    """
    question_ids = queries.next_uncarded(user.id, deck.filter, count)
    rows = [
        {
            "user_id": user.id,
            "question_id": question_id,
            "created_at": now,
            **_card_values(CardData.new(now + timedelta(microseconds=position))),
        }
        for position, question_id in enumerate(question_ids)
    ]
    if rows:
        try:
            db.session.execute(queries.INSERT_CARD, rows)
            _commit()
        except IntegrityError:
            # Another window created cards of this deck at the same moment: use what is there now.
            db.session.rollback()
    _, day_end = day_bounds(study_day(now, user.timezone), user.timezone)
    return queries.read_heads(user.id, deck.filter, day_end).new


# --- The card on screen ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    rating: int
    label: str
    interval: str


@dataclass(frozen=True)
class Shown:
    """One card ready to render: the four buttons and today's progress.

    The question, its faces and its link into the article are read when the page first asks for them:
    choosing and grading a card never needs them.
    """

    card: CardRow
    buttons: list[Button]
    queue: str
    early: bool
    done: int
    remaining: int
    remaining_capped: bool = False  # "200+ left": the counts stop at queries.COUNT_CAP per queue

    @cached_property
    def question(self) -> SimpleNamespace:
        """The question's columns as attributes (a read-only view: no ORM object is built for a card)."""
        columns = self.card.question
        if columns is None:
            row = db.session.execute(queries.QUESTION_ON_CARD, {"question_id": self.card.question_id}).one()
            columns = dict(zip(queries.FACE_NAMES, row, strict=True))
        # `article` is what to_canonical falls back on without a slug: no article, no source link.
        return SimpleNamespace(**columns, id=self.card.question_id, article=None)

    @property
    def article_slug(self) -> str | None:
        return self.question.article_slug

    @property
    def sentence_id(self) -> str | None:
        return self.question.sentence_ids[0] if self.question.sentence_ids else None

    @cached_property
    def faces(self) -> CardFaces:
        return card_faces(to_canonical(self.question, self.article_slug))


@dataclass(frozen=True)
class Done:
    """Nothing to study now; `come_back_at` is when the next learning card is due today, if any."""

    done: int
    come_back_at: datetime | None
    timezone: str = "UTC"

    @property
    def come_back_local(self) -> datetime | None:
        """`come_back_at` on the student's clock (their study-settings time zone)."""
        return self.come_back_at.astimezone(ZoneInfo(self.timezone)) if self.come_back_at else None


LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def _shown(
    user: User,
    card: CardRow,
    queue: str,
    early: bool,
    done: int,
    remaining: int,
    now: datetime,
    capped: bool = False,
) -> Shown:
    data = card.data
    intervals = preview_intervals(data, max(now, data.last_review or now), user.desired_retention)
    return Shown(
        card=card,
        buttons=[Button(r, LABELS[r], format_interval(intervals[r])) for r in RATINGS],
        queue=queue,
        early=early,
        done=done,
        remaining=remaining,
        remaining_capped=capped,
    )


def _total(counts: QueueCounts) -> int:
    return counts.new + counts.learning + counts.review


def next_card(user: User, deck: Deck, now: datetime | None = None) -> Shown | Done:
    """The card to study next in `deck`, or Done. Cards of new questions are created when the new
    queue first needs one, for today's new-card budget only (see `_materialise`)."""
    now = _now(now)
    for _attempt in range(2):
        queue = _queue(user, deck, now)
        picked = pick_next(queue.heads, queue.remaining, now, queue.day_end)
        if picked is None:
            break
        if picked.card_id != _UNCREATED:
            card = queue.cards[picked.card_id]
        elif (card := _materialise(user, deck, now, max(1, user.new_per_day - queue.new_done))) is None:
            continue  # the deck changed in between (a question retired): read the queues again
        remaining = max(_total(queue.remaining), 1)
        return _shown(user, card, picked.queue, picked.early, queue.done, remaining, now, queue.capped)
    head = queue.heads.learning
    come_back = head.card.due if head is not None and head.card.due < queue.day_end else None
    return Done(queue.done, come_back, user.timezone)


def show_card(user: User, card_id: Any, now: datetime | None = None) -> Shown:
    """A given card of the user (after undo, the card just restored), whatever its queue position."""
    now = _now(now)
    card, status = _own_card(user, card_id)
    if status != "approved":
        raise StudyError(409, "This question has been retired and is no longer studied.", "retired")
    _, _, done = done_today(user, now)
    return _shown(user, card, "undo", False, done, 1, now)


# Card ids are INTEGER columns (32 bits on PostgreSQL, like app.security.IdConverter's limit): a larger
# number cannot name a card, and binding it would fail in the driver.
_MAX_ID = 2**31 - 1


def _own_card(user: User, card_id: Any) -> tuple[CardRow, str]:
    """The user's card `card_id` and its question's status; anything else is a 404."""
    try:
        card_id = int(card_id)
    except (TypeError, ValueError):
        card_id = 0
    row = None
    if 0 < card_id <= _MAX_ID:
        row = db.session.execute(queries.OWN_CARD, {"card_id": card_id, "user_id": user.id}).first()
    if row is None:  # another student's card looks exactly like a missing one
        raise StudyError(404, "There is no such card.", "no_card")
    return queries.card_row(row), row[-1]


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


def _duration(duration_ms: Any) -> int | None:
    try:
        return max(0, min(int(duration_ms), 86_400_000)) if duration_ms not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None


def _earlier_answer(user: User, request_id: str) -> Graded | None:
    """The answer already given to `request_id`, recomputed from its log (FSRS is deterministic here)."""
    row = db.session.execute(queries.EARLIER_ANSWER, {"user_id": user.id, "request_id": request_id}).first()
    if row is None:
        return None
    card_id, rating, reviewed_at, card_before = row
    after = review(CardData.from_dict(card_before), rating, reviewed_at, user.desired_retention)
    return Graded(card_id, rating, after.state, after.due, format_interval(after.due - reviewed_at), True)


def _check_due(user: User, card: CardData, deck: Deck, now: datetime) -> None:
    if card.state == STATE_NEW or card.due <= now:
        return
    _, day_end = day_bounds(study_day(now, user.timezone), user.timezone)
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
    """Grade a card in one transaction (card update + review log).

    A retried request_id returns the original result without grading again. The unique
    (user_id, request_id) decides: the log row goes in first, and a duplicate rolls everything back
    and answers from the earlier log, so the common case costs no lookup. A refused grade (not due,
    retired, not found) also answers from an earlier log when there is one: the retry of a grade that
    went through must not be refused because the card has moved on since.
    """
    now = _now(now)
    rating = parse_rating(rating)
    request_id = _check_request_id(request_id)
    try:
        card, status = _own_card(user, card_id)
        if status != "approved":
            raise StudyError(409, "This question has been retired and can no longer be graded.", "retired")
        _check_due(user, card.data, deck or everything(), now)
    except StudyError:
        if (earlier := _earlier_answer(user, request_id)) is not None:
            return earlier
        raise
    before = card.data
    after = review(before, rating, max(now, before.last_review or now), user.desired_retention)
    values = {
        "user_id": user.id,
        "card_id": card.id,
        "request_id": request_id,
        "rating": rating,
        "reviewed_at": now,
        "duration_ms": _duration(duration_ms),
        "state_before": before.state,
        "card_before": before.to_dict(),
    }
    try:
        db.session.execute(queries.INSERT_LOG, values)
        updated = db.session.execute(
            queries.UPDATE_GRADED_CARD,
            {"card_pk": card.id, "reps_before": before.reps, **_card_values(after)},
        )
        if updated.rowcount != 1:
            db.session.rollback()
            raise StudyError(409, "This card was just graded in another window; reload the page.", "conflict")
        _commit()
    except IntegrityError:
        db.session.rollback()
        if (earlier := _earlier_answer(user, request_id)) is None:
            raise
        return earlier
    return Graded(card.id, rating, after.state, after.due, format_interval(after.due - now), False)


def undo_last(user: User, now: datetime | None = None) -> int:
    """Undo the user's last review of today: restore the card from its snapshot, delete the log.

    Returns the restored card's id. Nothing to undo today raises a 409 StudyError.
    """
    now = _now(now)
    start, end = day_bounds(study_day(now, user.timezone), user.timezone)
    log, card_t = queries.log_t, queries.card_t
    row = db.session.execute(
        select(log.c.id, log.c.card_id, log.c.card_before)
        .where(log.c.user_id == user.id, log.c.reviewed_at >= start, log.c.reviewed_at < end)
        .order_by(log.c.reviewed_at.desc(), log.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise StudyError(409, "There is nothing to undo today.", "nothing_to_undo")
    log_id, card_id, card_before = row
    db.session.execute(
        update(card_t)
        .where(card_t.c.id == card_id, card_t.c.user_id == user.id)
        .values(_card_values(CardData.from_dict(card_before)))
    )
    db.session.execute(delete(log).where(log.c.id == log_id))
    _commit()
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
    stmt = queries.uncarded(queries.EVERYTHING.condition)
    stmt = stmt.with_only_columns(func.count(), maintain_column_froms=True)
    return db.session.scalar(stmt, {"user_id": user.id}) or 0


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
