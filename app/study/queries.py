"""The study queue's SQL: the heads of every queue in one statement, today's counts in another.

Core statements over the card, question and review_log tables, so the hot path builds no ORM objects.
Every part reads an index range and stops at a LIMIT, so the cost follows the daily limits, not the size
of the deck or of the review log (the query plans are in README.md). Each statement is built once per
deck shape with named parameters and reused, so a request spends no time rebuilding SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.engine import Row

from app.extensions import db
from app.models import Article, Card, Question, ReviewLog
from app.study.scheduler import (
    STATE_LEARNING,
    STATE_NEW,
    STATE_RELEARNING,
    STATE_REVIEW,
    CardData,
    QueueCounts,
)

card_t = Card.__table__
question_t = Question.__table__
log_t = ReviewLog.__table__

CARD_COLUMNS = (
    card_t.c.id,
    card_t.c.question_id,
    card_t.c.state,
    card_t.c.step,
    card_t.c.stability,
    card_t.c.difficulty,
    card_t.c.due,
    card_t.c.last_review,
    card_t.c.reps,
    card_t.c.lapses,
)
_CARD_JOIN = card_t.join(question_t, card_t.c.question_id == question_t.c.id)
# Deck order for questions without a card: by article, where the quoted sentence sits in it, then uid.
# Nulls sort last explicitly because SQLite and PostgreSQL disagree on where NULL goes.
DECK_ORDER = (
    question_t.c.article_id.is_(None),
    question_t.c.article_id,
    question_t.c.source_start.is_(None),
    question_t.c.source_start,
    question_t.c.uid,
)

article_t = Article.__table__
# What a card's faces are made of: the question's columns that `to_canonical` reads, and its article's slug.
# Labelled "face_<name>": the card has columns of the same names (id, difficulty).
FACE_NAMES = (
    "uid", "qtype", "stem", "explanation", "topic", "difficulty", "tags", "status", "answer", "options",
    "settings", "sentence_ids", "quote", "source_start", "source_end", "article_slug",
)  # fmt: skip
FACE_COLUMNS = (
    *(question_t.c[name].label(f"face_{name}") for name in FACE_NAMES[:-1]),
    article_t.c.slug.label("face_article_slug"),
)
_FACE_JOIN = _CARD_JOIN.outerjoin(article_t, question_t.c.article_id == article_t.c.id)

# --- Decks as conditions on `question` --------------------------------------------------------------

# One condition per deck shape, with named parameters: the statements below are built once per shape.
DECK_CONDITIONS: dict[str, ColumnElement[bool]] = {
    "all": true(),
    "article": question_t.c.article_id == bindparam("deck_article_id"),
    "topic": question_t.c.topic == bindparam("deck_topic"),
    "course": or_(
        question_t.c.article_id.in_(bindparam("deck_article_ids", expanding=True)),
        question_t.c.topic.in_(bindparam("deck_topics", expanding=True)),
    ),
}


@dataclass(frozen=True)
class DeckFilter:
    """Which approved questions a deck holds: a shape of DECK_CONDITIONS and the values of its parameters."""

    shape: str = "all"
    params: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.shape not in DECK_CONDITIONS:
            raise ValueError(f"deck shape must be one of {sorted(DECK_CONDITIONS)}, got {self.shape!r}")

    @property
    def condition(self) -> ColumnElement[bool]:
        return DECK_CONDITIONS[self.shape]


EVERYTHING = DeckFilter()

_statements: dict[tuple[str, str], Any] = {}


def _built(name: str, deck: DeckFilter, build: Callable[[ColumnElement[bool]], Any]) -> Any:
    """The statement `name` for the deck's shape, built on first use (a race builds it twice, harmlessly)."""
    key = (name, deck.shape)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build(deck.condition)
    return statement


def _run(statement: Any, deck: DeckFilter, **params: Any):
    return db.session.execute(statement, {**params, **dict(deck.params)})


# --- Rows -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRow:
    """One card as the queue and the grade read it: its keys, its scheduling state and, when the
    statement read them (the queue heads do), its question's FACE_COLUMNS by name."""

    id: int
    question_id: int
    data: CardData
    question: dict[str, Any] | None = None


def card_row(row: Row | tuple, faces: bool = False) -> CardRow:
    """A row of CARD_COLUMNS (in that order) as a CardRow; with `faces`, FACE_COLUMNS follow them."""
    end = len(CARD_COLUMNS)
    question = dict(zip(FACE_NAMES, row[end : end + len(FACE_NAMES)], strict=True)) if faces else None
    return CardRow(row[0], row[1], CardData(*row[2:end]), question)


def deck_cards(deck: ColumnElement[bool], *where: ColumnElement[bool]) -> Select:
    """The user's (:user_id) cards on approved questions of the deck, narrowed by `where`."""
    return (
        select(*CARD_COLUMNS)
        .select_from(_CARD_JOIN)
        .where(card_t.c.user_id == bindparam("user_id"), question_t.c.status == "approved", deck, *where)
    )


def uncarded(deck: ColumnElement[bool]) -> Select:
    """Approved questions of the deck the user (:user_id) has no card for yet: the rest of the new queue."""
    has_card = exists().where(
        card_t.c.user_id == bindparam("user_id"), card_t.c.question_id == question_t.c.id
    )
    return select(question_t.c.id).where(question_t.c.status == "approved", deck, ~has_card)


# --- The heads of the queues -------------------------------------------------------------------------


@dataclass(frozen=True)
class Heads:
    """The first card of each queue (None when empty) and the first question still without a card."""

    learning: CardRow | None
    review: CardRow | None
    new: CardRow | None
    uncarded_question_id: int | None


def _first(stmt: Select) -> Select:
    # Each head is its own ORDER BY ... LIMIT 1, wrapped so that UNION ALL accepts it on both databases.
    return select(stmt.limit(1).subquery())


def _typed_null(column):
    # PostgreSQL types a bare NULL in a subquery as text, which UNION ALL cannot match with a number.
    return cast(null(), column.type).label(column.name)


def _heads_statement(deck: ColumnElement[bool]):
    by_due = (card_t.c.due, card_t.c.id)
    new_cards = deck_cards(deck, card_t.c.state == STATE_NEW)

    def head(*where: ColumnElement[bool]) -> Select:
        # The card's question comes along: the card shown needs no second statement for its faces.
        cards = deck_cards(deck, *where).add_columns(*FACE_COLUMNS).select_from(_FACE_JOIN)
        return cards.order_by(*by_due)

    parts = [
        head(card_t.c.state == STATE_LEARNING),
        head(card_t.c.state == STATE_RELEARNING),
        head(card_t.c.state == STATE_REVIEW, card_t.c.due < bindparam("day_end")),
        head(card_t.c.state == STATE_NEW),
        # Only while the deck has no new card: the search for a question without a card reads the
        # whole deck, so it runs once per batch of new cards (see service._materialise), not per card.
        uncarded(deck)
        .where(~new_cards.correlate(None).exists())
        .with_only_columns(
            _typed_null(card_t.c.id),
            question_t.c.id.label("question_id"),
            *(_typed_null(column) for column in CARD_COLUMNS[2:]),
            *(_typed_null(column) for column in FACE_COLUMNS),
            maintain_column_froms=True,
        )
        .order_by(*DECK_ORDER),
    ]
    return union_all(*(_first(part) for part in parts))


def heads_statement(deck: DeckFilter = EVERYTHING):
    """One statement, one row per non-empty queue: learning (state 1), relearning (3), review due
    before :day_end (2), new (0), and, when there is no new card, the first question of the deck
    without a card (card id NULL). Parameters: user_id, day_end and the deck's own."""
    return _built("heads", deck, _heads_statement)


def _heads_from(rows) -> Heads:
    learning: CardRow | None = None
    review = new = None
    uncarded_id = None
    for row in rows:
        if row[0] is None:
            uncarded_id = row[1]  # None too on the all-NULL row of an empty outer join (read_queue)
            continue
        found = card_row(row, faces=True)
        state = found.data.state
        if state == STATE_REVIEW:
            review = found
        elif state == STATE_NEW:
            new = found
        elif learning is None or (found.data.due, found.id) < (learning.data.due, learning.id):
            learning = found  # the earlier of the learning and relearning heads
    return Heads(learning, review, new, uncarded_id)


def read_heads(user_id: int, deck: DeckFilter, day_end: datetime) -> Heads:
    return _heads_from(_run(heads_statement(deck), deck, user_id=user_id, day_end=day_end))


# --- Today's counts ----------------------------------------------------------------------------------


# Counts stop at this many cards per queue: a student who raised the limits to thousands sees "200+ left",
# and each request reads at most this many index entries. The default limits (20 new, 200 reviews) never
# reach it. What is shown next never depends on it: pick_next only asks whether a queue is empty.
COUNT_CAP = 200


@dataclass(frozen=True)
class Counts:
    """What is available now (each queue capped at its daily limit and COUNT_CAP) and what was answered
    today. `capped`: a count stopped at COUNT_CAP, so there may be more than `available` says."""

    available: QueueCounts
    new_done: int  # answers today on cards that were new
    reviews_done: int  # answers today on cards that were in review
    done: int  # every answer today, learning steps included
    capped: bool = False


def _capped(stmt: Select, cap: str):
    # COUNT over at most :cap rows: 10,000 due cards cost what the daily limit allows, no more.
    inner = stmt.with_only_columns(literal_column("1"), maintain_column_froms=True)
    inner = inner.limit(bindparam(cap, type_=Integer)).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


def _sum_if(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _today_subquery():
    return (
        select(
            func.count().label("done"),
            _sum_if(log_t.c.state_before == STATE_NEW).label("new"),
            _sum_if(log_t.c.state_before == STATE_REVIEW).label("review"),
        )
        .where(
            log_t.c.user_id == bindparam("user_id"),
            log_t.c.reviewed_at >= bindparam("day_start"),
            log_t.c.reviewed_at < bindparam("day_end"),
        )
        .subquery()
    )


def _counts_statement(deck: ColumnElement[bool]):
    today = _today_subquery()

    def learning_due(state: int):
        due = deck_cards(deck, card_t.c.state == state, card_t.c.due <= bindparam("now"))
        return due.with_only_columns(func.count(), maintain_column_froms=True).scalar_subquery()

    review_due = deck_cards(deck, card_t.c.state == STATE_REVIEW, card_t.c.due < bindparam("day_end"))
    return select(
        _capped(deck_cards(deck, card_t.c.state == STATE_NEW), "new_cap").label("new_cards"),
        (learning_due(STATE_LEARNING) + learning_due(STATE_RELEARNING)).label("learning_due"),
        _capped(review_due, "review_cap").label("review_due"),
        today.c.new.label("new_done"),
        today.c.review.label("reviews_done"),
        today.c.done.label("done"),
    ).select_from(today)


def counts_statement(deck: DeckFilter = EVERYTHING):
    """One row: new cards (capped at :new_cap), learning cards due by :now, review cards due before
    :day_end (capped at :review_cap), and the answers in [:day_start, :day_end) by the state their
    card was in. Parameters: user_id, now, day_start, day_end, new_cap, review_cap and the deck's own.

    A cap at the daily limit never changes what `remaining_today` returns: it takes min(available, what
    the limit leaves), and that is at most the limit. A cap at COUNT_CAP changes only the number shown.
    """
    return _built("counts", deck, _counts_statement)


def _uncarded_count_statement(deck: ColumnElement[bool]):
    inner = uncarded(deck).limit(bindparam("new_cap", type_=Integer)).subquery()
    return select(func.count()).select_from(inner)


def _queue_statement(deck: ColumnElement[bool]):
    counts = _counts_statement(deck).subquery("counts")
    heads = _heads_statement(deck).subquery("heads")
    # One row per head, each carrying the counts; with no head at all, one row of counts and NULLs.
    return select(counts, heads).select_from(counts.outerjoin(heads, true()))


def queue_statement(deck: DeckFilter = EVERYTHING):
    """counts_statement's row joined with every row of heads_statement: the whole queue in one round
    trip. Parameters: those of both."""
    return _built("queue", deck, _queue_statement)


def read_queue(
    user_id: int,
    deck: DeckFilter,
    now: datetime,
    day_start: datetime,
    day_end: datetime,
    new_limit: int,
    review_limit: int,
) -> tuple[Heads, Counts]:
    """The queue heads and today's counts; questions of the deck without a card count as new cards.

    Those are counted by a second statement, only while the new cards fall short of what the new-card
    limit leaves today (once today's batch exists, see service._materialise, never) and only when a
    question without a card may exist (the heads found one, or did not look because new cards exist).
    """
    new_cap, review_cap = min(new_limit, COUNT_CAP), min(review_limit, COUNT_CAP)
    params = {"user_id": user_id, "new_cap": new_cap}
    rows = _run(
        queue_statement(deck),
        deck,
        now=now,
        day_start=day_start,
        day_end=day_end,
        review_cap=review_cap,
        **params,
    ).all()
    new_cards, learning, review, new_done, reviews_done, done = (int(v) for v in rows[0][:6])
    heads = _heads_from(row[6:] for row in rows)
    uncarded_possible = heads.new is not None or heads.uncarded_question_id is not None
    if uncarded_possible and new_cards < min(new_cap, new_limit - new_done):
        statement = _built("uncarded_count", deck, _uncarded_count_statement)
        new_cards += int(_run(statement, deck, **params).scalar_one())
    new_cards = min(new_cards, new_cap)
    capped = (new_cap < new_limit and new_cards == new_cap) or (
        review_cap < review_limit and review == review_cap
    )
    counts = Counts(
        QueueCounts(new=new_cards, learning=learning, review=review), new_done, reviews_done, done, capped
    )
    return heads, counts


def _next_uncarded_statement(deck: ColumnElement[bool]):
    return uncarded(deck).order_by(*DECK_ORDER).limit(bindparam("count", type_=Integer))


def next_uncarded(user_id: int, deck: DeckFilter, count: int) -> list[int]:
    """The ids of the first `count` questions of the deck, in deck order, the user has no card for."""
    statement = _built("next_uncarded", deck, _next_uncarded_statement)
    return list(_run(statement, deck, user_id=user_id, count=count).scalars())


_DONE_TODAY = (lambda today: select(today.c.new, today.c.review, today.c.done))(_today_subquery())


def done_today(user_id: int, day_start: datetime, day_end: datetime) -> tuple[int, int, int]:
    """(new, review, total) answers in [day_start, day_end), by index on review_log(user_id, reviewed_at)."""
    row = db.session.execute(
        _DONE_TODAY, {"user_id": user_id, "day_start": day_start, "day_end": day_end}
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


# --- Reading and writing one card ---------------------------------------------------------------------

OWN_CARD = (
    select(*CARD_COLUMNS, question_t.c.status)
    .select_from(_CARD_JOIN)
    .where(card_t.c.id == bindparam("card_id"), card_t.c.user_id == bindparam("user_id"))
)
# Values are given at execution: one dict per row, keyed by column name.
INSERT_CARD = insert(card_t)
INSERT_LOG = insert(log_t)
# `reps` as read: when another window graded the card in between, this updates nothing.
UPDATE_GRADED_CARD = update(card_t).where(
    card_t.c.id == bindparam("card_pk"), card_t.c.reps == bindparam("reps_before")
)
EARLIER_ANSWER = select(log_t.c.card_id, log_t.c.rating, log_t.c.reviewed_at, log_t.c.card_before).where(
    log_t.c.user_id == bindparam("user_id"), log_t.c.request_id == bindparam("request_id")
)


# A card's question read on its own (a card shown outside the queue, as after an undo).
QUESTION_ON_CARD = (
    select(*FACE_COLUMNS)
    .select_from(question_t.outerjoin(article_t, question_t.c.article_id == article_t.c.id))
    .where(question_t.c.id == bindparam("question_id"))
)
