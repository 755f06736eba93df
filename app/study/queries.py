"""The study queue's SQL: the queue heads with today's answers in one statement, what is left in another.

Core statements over the card, question and review_log tables, so the hot path builds no ORM objects.
Every part reads an index range and stops at a LIMIT, so the cost follows the daily limits, not the size
of the deck or of the review log (the query plans are in README.md). Each statement is built once per
deck shape with named parameters, compiled once per database (app/study/prepared.py) and run on the
session's connection, so a request spends no time rebuilding SQL or in the ORM's execution layer.

This module is the study repository: the hot path (pick, grade, undo, the day's count, card creation)
reads and writes the study tables only through the functions below.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    delete,
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

from app.models import Article, BankRevision, Card, Question, ReviewLog, StudyDay, StudyDeckChecked
from app.quizzes.integrity import not_held
from app.study.prepared import Driver, from_db_time
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
    card_t.c.interval_days,
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
# What a card's faces are made of: the question's columns that `canonical_fields` reads, and its article's slug.
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

    @property
    def key(self) -> str:
        """The deck as at most 64 characters (StudyDeckChecked.deck_key): its shape and parameters,
        hashed when a course's lists make them longer."""
        text = f"{self.shape}:{json.dumps(self.params, separators=(',', ':'))}" if self.params else self.shape
        if len(text) <= 64:
            return text
        return f"{self.shape}#{hashlib.sha256(text.encode()).hexdigest()[:48]}"


EVERYTHING = DeckFilter()

_statements: dict[tuple[str, str], Any] = {}


def _built(name: str, deck: DeckFilter, build: Callable[[ColumnElement[bool]], Any]) -> Any:
    """The statement `name` for the deck's shape, built on first use (a race builds it twice, harmlessly)."""
    key = (name, deck.shape)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build(deck.condition)
    return statement


def _run(d: Driver, statement: Any, deck: DeckFilter, params: dict[str, Any]) -> Any:
    """Run the deck's statement, compiled with the deck's values fixed (a course deck's lists expanded)."""
    return d.run(statement, params, deck.params)


# --- Rows -------------------------------------------------------------------------------------------

# Columns of FACE_NAMES that are JSON: parsed only for the card that is shown.
_FACE_JSON = frozenset({"tags", "answer", "options", "settings", "sentence_ids"})
_DUE, _LAST_REVIEW = 6, 7  # positions of the datetimes in CARD_COLUMNS


@dataclass(frozen=True)
class CardRow:
    """One card as the queue and the grade read it: its keys, its scheduling state and, when the
    statement read them (the queue heads do), its question's FACE_COLUMNS as the driver returned them."""

    id: int
    question_id: int
    data: CardData
    faces_row: tuple | None = None
    json_out: Callable[[Any], Any] | None = None

    @cached_property
    def question(self) -> dict[str, Any] | None:
        """The question's FACE_NAMES columns by name, JSON parsed; None when the statement did not read them."""
        if self.faces_row is None or self.json_out is None:
            return None
        return faces_dict(self.faces_row, self.json_out)


def faces_dict(values: Sequence[Any], json_out: Callable[[Any], Any]) -> dict[str, Any]:
    """A driver row of FACE_COLUMNS as a dict by FACE_NAMES, JSON columns parsed."""
    return {
        name: json_out(value) if name in _FACE_JSON else value
        for name, value in zip(FACE_NAMES, values, strict=True)
    }


def card_row(row: Sequence[Any], d: Driver, faces: bool = False) -> CardRow:
    """A driver row of CARD_COLUMNS (in that order) as a CardRow; with `faces`, FACE_COLUMNS follow them."""
    end = len(CARD_COLUMNS)
    data = CardData(
        row[2],
        row[3],
        row[4],
        row[5],
        from_db_time(row[_DUE]),
        from_db_time(row[_LAST_REVIEW]),
        row[8],
        row[9],
        row[10],
    )
    if not faces:
        return CardRow(row[0], row[1], data)
    return CardRow(row[0], row[1], data, tuple(row[end : end + len(FACE_NAMES)]), d.json_out)


def _not_held() -> ColumnElement[bool]:
    """Not a question of a quiz open to the user (:user_id): see app/quizzes/integrity.py."""
    return not_held(question_t.c.id, bindparam("user_id"))


def deck_cards(deck: ColumnElement[bool], *where: ColumnElement[bool]) -> Select:
    """The user's (:user_id) cards on approved questions of the deck, narrowed by `where`."""
    return (
        select(*CARD_COLUMNS)
        .select_from(_CARD_JOIN)
        .where(
            card_t.c.user_id == bindparam("user_id"),
            question_t.c.status == "approved",
            deck,
            _not_held(),
            *where,
        )
    )


def uncarded(deck: ColumnElement[bool]) -> Select:
    """Approved questions of the deck the user (:user_id) has no card for yet: the rest of the new queue."""
    has_card = exists().where(
        card_t.c.user_id == bindparam("user_id"), card_t.c.question_id == question_t.c.id
    )
    return select(question_t.c.id).where(question_t.c.status == "approved", deck, ~has_card, _not_held())


# --- The heads of the queues -------------------------------------------------------------------------


@dataclass(frozen=True)
class Heads:
    """The first card of each queue (None when empty) and the first question still without a card.

    `checked`: the student's StudyDeckChecked row for the deck matches `revision` (the bank revision
    the statement read), so no question of the deck is without a card and none was searched for.
    """

    learning: CardRow | None
    review: CardRow | None
    new: CardRow | None
    uncarded_question_id: int | None
    checked: bool = False
    revision: int = 0


def _wrapped(stmt: Select) -> Select:
    # Each head is its own ORDER BY ... LIMIT, wrapped so that UNION ALL accepts it on both databases.
    return select(stmt.subquery())


def _typed_null(column):
    # PostgreSQL types a bare NULL in a subquery as text, which UNION ALL cannot match with a number.
    return cast(null(), column.type).label(column.name)


bank_revision_t = BankRevision.__table__
deck_checked_t = StudyDeckChecked.__table__
study_day_t = StudyDay.__table__
# The bank's revision (0 before its first change through the ORM, e.g. a bank written by bare SQL).
BANK_REVISION = select(func.coalesce(func.max(bank_revision_t.c.revision), 0)).scalar_subquery()
# The student's marker for the deck (:deck_key) says it was fully carded at the current bank revision.
DECK_CHECKED = exists().where(
    deck_checked_t.c.user_id == bindparam("user_id"),
    deck_checked_t.c.deck_key == bindparam("deck_key"),
    deck_checked_t.c.revision == BANK_REVISION,
)
# Today's new-card budget is spent (:new_limit reached on the study day :day).
_NEW_SPENT = func.coalesce(
    select(study_day_t.c.new_done)
    .where(study_day_t.c.user_id == bindparam("user_id"), study_day_t.c.day == bindparam("day"))
    .scalar_subquery(),
    0,
) >= bindparam("new_limit", type_=Integer)


def _heads_statement(deck: ColumnElement[bool]):
    """One row per non-empty queue: learning (state 1), relearning (3), review due before :day_end (2),
    new (0), and, only when it can be needed, the first question of the deck without a card (card id
    NULL). Parameters: user_id, day, day_end, new_limit, deck_key and the deck's own."""
    by_due = (card_t.c.due, card_t.c.id)
    # The first new card's id, ordered like the heads so that both planners read ix_card_user_state_due:
    # as an EXISTS over the join (SQLite drops its ORDER BY), SQLite after ANALYZE walked every approved
    # question and looked each one's card up.
    first_new = deck_cards(deck, card_t.c.state == STATE_NEW).order_by(*by_due).limit(1)
    has_new = first_new.with_only_columns(card_t.c.id).correlate(None).scalar_subquery().is_not(None)

    def head(*where: ColumnElement[bool]) -> Select:
        # The card's question comes along: the card shown needs no second statement for its faces.
        # :exclude_id is the card on screen when the page asks what comes after it (0: none).
        not_on_screen = card_t.c.id != bindparam("exclude_id", type_=Integer)
        cards = deck_cards(deck, not_on_screen, *where).add_columns(*FACE_COLUMNS).select_from(_FACE_JOIN)
        return cards.order_by(*by_due).limit(1)

    parts = [
        head(card_t.c.state == STATE_LEARNING),
        head(card_t.c.state == STATE_RELEARNING),
        head(card_t.c.state == STATE_REVIEW, card_t.c.due < bindparam("day_end")),
        head(card_t.c.state == STATE_NEW),
        # The search for a question without a card reads the whole deck, so it runs only when a new
        # card may be needed and none exists: not while a new card exists (today's batch, see
        # service._materialise), not once today's new-card budget is spent, and not while the
        # student's marker says the deck is fully carded at this bank revision (the review phase).
        # So it runs about once per deck and day, never per card shown. The guard is the LIMIT,
        # which both databases check before reading a row; as a WHERE term, SQLite still walked
        # every approved question.
        uncarded(deck)
        .limit(
            case(
                (has_new, 0),
                (_NEW_SPENT, 0),
                (DECK_CHECKED, 0),
                else_=1,
            )
        )
        .with_only_columns(
            _typed_null(card_t.c.id),
            question_t.c.id.label("question_id"),
            *(_typed_null(column) for column in CARD_COLUMNS[2:]),
            *(_typed_null(column) for column in FACE_COLUMNS),
            maintain_column_froms=True,
        )
        .order_by(*DECK_ORDER),
    ]
    return union_all(*(_wrapped(part) for part in parts))


def _heads_from(rows, d: Driver) -> Heads:
    learning: CardRow | None = None
    review = new = None
    uncarded_id = None
    for row in rows:
        if row[0] is None:
            uncarded_id = row[1]  # None too on the all-NULL row of an empty outer join (read_pick)
            continue
        found = card_row(row, d, faces=True)
        state = found.data.state
        if state == STATE_REVIEW:
            review = found
        elif state == STATE_NEW:
            new = found
        elif learning is None or (found.data.due, found.id) < (learning.data.due, learning.id):
            learning = found  # the earlier of the learning and relearning heads
    return Heads(learning, review, new, uncarded_id)


# --- Today's answers and the heads: what choosing the next card needs -------------------------------


@dataclass(frozen=True)
class Today:
    """Answers in the study day so far: on cards that were new, on cards in review, and all of them."""

    new_done: int = 0
    reviews_done: int = 0
    done: int = 0


# The day's row, or zeros when the student has not answered yet today: an aggregate over at most one row
# always gives one row.
_TODAY = (
    select(
        func.coalesce(func.sum(study_day_t.c.new_done), 0).label("new"),
        func.coalesce(func.sum(study_day_t.c.reviews_done), 0).label("review"),
        func.coalesce(func.sum(study_day_t.c.done), 0).label("done"),
    )
    .where(study_day_t.c.user_id == bindparam("user_id"), study_day_t.c.day == bindparam("day"))
    .subquery("today")
)


def _pick_statement(deck: ColumnElement[bool]):
    heads = _heads_statement(deck).subquery("heads")
    # One row per head, each carrying today's answers and the deck's marker; with no head at all, one
    # row of those and NULLs.
    return select(
        _TODAY.c.new,
        _TODAY.c.review,
        _TODAY.c.done,
        BANK_REVISION.label("bank_revision"),
        DECK_CHECKED.label("deck_checked"),
        heads,
    ).select_from(_TODAY.outerjoin(heads, true()))


def pick_statement(deck: DeckFilter = EVERYTHING):
    """Today's answers (new, review, all) from study_day, the bank revision and the deck's marker, joined
    with every row of _heads_statement: all that choosing the next card needs, in one round trip.
    Parameters: user_id, day, day_end, new_limit, deck_key, exclude_id, the deck's."""
    return _built("pick", deck, _pick_statement)


def read_pick(
    d: Driver,
    user_id: int,
    deck: DeckFilter,
    day: date,
    day_end: datetime,
    new_limit: int,
    exclude_id: int = 0,
) -> tuple[Heads, Today]:
    params = {
        "exclude_id": exclude_id,
        "user_id": user_id,
        "day": d.day(day),
        "day_end": d.time(day_end),
        "new_limit": new_limit,
        "deck_key": deck.key,
    }
    rows = _run(d, pick_statement(deck), deck, params).fetchall()
    new_done, reviews_done, done = (int(value) for value in rows[0][:3])
    heads = _heads_from((row[5:] for row in rows), d)
    heads = replace(heads, revision=int(rows[0][3]), checked=bool(rows[0][4]))
    return heads, Today(new_done, reviews_done, done)


def _mark_statement(dialect_name: str):
    from sqlalchemy.dialects import postgresql, sqlite

    insert_for = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect_name]
    values = {name: bindparam(name) for name in ("user_id", "deck_key", "revision")}
    statement = insert_for(deck_checked_t).values(**values)
    return statement.on_conflict_do_update(
        index_elements=[deck_checked_t.c.user_id, deck_checked_t.c.deck_key],
        set_={"revision": statement.excluded.revision},
    )


_MARK = {name: _mark_statement(name) for name in ("sqlite", "postgresql")}


def _held_uncarded_statement(deck: ColumnElement[bool]) -> Select:
    has_card = exists().where(
        card_t.c.user_id == bindparam("user_id"), card_t.c.question_id == question_t.c.id
    )
    held = ~_not_held()
    return select(question_t.c.id).where(question_t.c.status == "approved", deck, ~has_card, held).limit(1)


def held_uncarded(d: Driver, user_id: int, deck: DeckFilter) -> bool:
    """Whether a question of the deck without a card of the user is held back by an open quiz."""
    statement = _built("held_uncarded", deck, _held_uncarded_statement)
    return _run(d, statement, deck, {"user_id": user_id}).fetchone() is not None


def mark_checked(d: Driver, user_id: int, deck: DeckFilter, revision: int) -> None:
    """Record that every approved question of the deck had a card at bank `revision` (not committed).

    Not while a question of the deck without a card is held back by an open quiz (exam integrity): the
    search skipped it, and once the quiz closes it must find it though the bank has not changed."""
    if held_uncarded(d, user_id, deck):
        return
    params = {"user_id": user_id, "deck_key": deck.key, "revision": revision}
    d.run(_MARK[d.dialect_key.partition("+")[0]], params)


_DONE_TODAY = select(_TODAY.c.new, _TODAY.c.review, _TODAY.c.done)


def done_today(d: Driver, user_id: int, day: date) -> Today:
    """The answers of the user's study day `day`, from its study_day row."""
    row = d.run(_DONE_TODAY, {"user_id": user_id, "day": d.day(day)}).fetchone()
    return Today(int(row[0]), int(row[1]), int(row[2]))


def _tally_statement(dialect_name: str):
    from sqlalchemy.dialects import postgresql, sqlite

    insert_for = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect_name]
    add = {name: bindparam(name, type_=Integer) for name in ("new_done", "reviews_done", "done")}
    statement = insert_for(study_day_t).values(user_id=bindparam("user_id"), day=bindparam("day"), **add)
    return statement.on_conflict_do_update(
        index_elements=[study_day_t.c.user_id, study_day_t.c.day],
        set_={name: study_day_t.c[name] + statement.excluded[name] for name in add},
    )


_TALLY = {name: _tally_statement(name) for name in ("sqlite", "postgresql")}
# Undo takes an answer back from its day; never below zero (a day counted before study_day existed).
_UNTALLY = (
    update(study_day_t)
    .where(study_day_t.c.user_id == bindparam("user_id"), study_day_t.c.day == bindparam("day"))
    .values(
        {
            study_day_t.c[name]: case(
                (
                    study_day_t.c[name] >= bindparam(f"take_{name}"),
                    study_day_t.c[name] - bindparam(f"take_{name}"),
                ),
                else_=0,
            )
            for name in ("new_done", "reviews_done", "done")
        }
    )
)


def _spent(state_before: int) -> dict[str, int]:
    return {
        "new_done": int(state_before == STATE_NEW),
        "reviews_done": int(state_before == STATE_REVIEW),
        "done": 1,
    }


def count_answer(d: Driver, user_id: int, day: date, state_before: int) -> None:
    """Add one answer, given on a card in `state_before`, to the user's study day (not committed)."""
    d.run(
        _TALLY[d.dialect_key.partition("+")[0]],
        {"user_id": user_id, "day": d.day(day), **_spent(state_before)},
    )


def uncount_answer(d: Driver, user_id: int, day: date, state_before: int) -> None:
    """Take one answer back from the user's study day (undo; not committed)."""
    taken = {f"take_{name}": value for name, value in _spent(state_before).items()}
    d.run(_UNTALLY, {"user_id": user_id, "day": d.day(day), **taken})


# --- What is left today: the numbers on the progress bar ----------------------------------------------


# Counts stop at this many cards per queue: a student who raised the limits to thousands sees "200+ left",
# and each request reads at most this many index entries. The default limits (20 new, 200 reviews) never
# reach it. What is shown next never depends on it: choosing reads only the heads and today's answers.
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
    # COUNT over at most :cap rows: 10,000 due cards cost what the daily limit allows, no more. Ordered by
    # the card index so that the planner walks the student's cards, not the approved questions.
    inner = stmt.with_only_columns(literal_column("1"), maintain_column_froms=True)
    inner = inner.order_by(card_t.c.due, card_t.c.id).limit(bindparam(cap, type_=Integer)).subquery()
    return select(func.count()).select_from(inner).scalar_subquery()


def _available_statement(deck: ColumnElement[bool]):
    def learning_due(state: int):
        due = deck_cards(deck, card_t.c.state == state, card_t.c.due <= bindparam("now"))
        return due.with_only_columns(func.count(), maintain_column_froms=True).scalar_subquery()

    review_due = deck_cards(deck, card_t.c.state == STATE_REVIEW, card_t.c.due < bindparam("day_end"))
    return select(
        _capped(deck_cards(deck, card_t.c.state == STATE_NEW), "new_cap").label("new_cards"),
        (learning_due(STATE_LEARNING) + learning_due(STATE_RELEARNING)).label("learning_due"),
        _capped(review_due, "review_cap").label("review_due"),
    )


def available_statement(deck: DeckFilter = EVERYTHING):
    """One row: new cards (capped at :new_cap), learning cards due by :now and review cards due before
    :day_end (capped at :review_cap). Parameters: user_id, now, day_end, new_cap, review_cap, the deck's.

    A cap at the daily limit never changes what `remaining_today` returns: it takes min(available, what
    the limit leaves), and that is at most the limit. A cap at COUNT_CAP changes only the number shown.
    """
    return _built("available", deck, _available_statement)


def _uncarded_count_statement(deck: ColumnElement[bool]):
    inner = uncarded(deck).limit(bindparam("new_cap", type_=Integer)).subquery()
    return select(func.count()).select_from(inner)


def read_counts(
    d: Driver,
    user_id: int,
    deck: DeckFilter,
    now: datetime,
    day_end: datetime,
    new_limit: int,
    review_limit: int,
    today: Today,
    heads: Heads,
) -> Counts:
    """What is available today, beside `today`'s answers; questions of the deck without a card count
    as new cards.

    Those are counted by a second statement, only while the new cards fall short of what the new-card
    limit leaves today (once today's batch exists, see service._materialise, never) and only when a
    question without a card may exist (the heads found one, or did not look because new cards exist).
    """
    new_cap, review_cap = min(new_limit, COUNT_CAP), min(review_limit, COUNT_CAP)
    params = {"user_id": user_id, "new_cap": new_cap}
    row = _run(
        d,
        available_statement(deck),
        deck,
        {"now": d.time(now), "day_end": d.time(day_end), "review_cap": review_cap, **params},
    ).fetchone()
    new_cards, learning, review = (int(value) for value in row)
    uncarded_possible = not heads.checked and (
        heads.new is not None or heads.uncarded_question_id is not None
    )
    if uncarded_possible and new_cards < min(new_cap, new_limit - today.new_done):
        statement = _built("uncarded_count", deck, _uncarded_count_statement)
        new_cards += int(_run(d, statement, deck, params).fetchone()[0])
    new_cards = min(new_cards, new_cap)
    capped = (new_cap < new_limit and new_cards == new_cap) or (
        review_cap < review_limit and review == review_cap
    )
    available = QueueCounts(new=new_cards, learning=learning, review=review)
    return Counts(available, today.new_done, today.reviews_done, today.done, capped)


def _next_uncarded_statement(deck: ColumnElement[bool]):
    # The bank revision comes along, read in the same snapshot as the search: a deck found fully
    # carded is marked at the revision that was searched (StudyDeckChecked), never at a later one.
    found = uncarded(deck).order_by(*DECK_ORDER).limit(bindparam("count", type_=Integer)).subquery()
    return select(BANK_REVISION, found.c.id).select_from(
        select(literal_column("1").label("one")).subquery().outerjoin(found, true())
    )


def next_uncarded(d: Driver, user_id: int, deck: DeckFilter, count: int) -> tuple[list[int], int]:
    """The ids of the first `count` questions of the deck, in deck order, the user has no card for,
    and the bank revision they were read at."""
    statement = _built("next_uncarded", deck, _next_uncarded_statement)
    rows = _run(d, statement, deck, {"user_id": user_id, "count": count}).fetchall()
    return [row[1] for row in rows if row[1] is not None], int(rows[0][0])


# --- Reading and writing one card ---------------------------------------------------------------------

_CARD_STATE = (
    "state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "interval_days",
)  # fmt: skip
INSERT_CARD = insert(card_t).values(
    {name: bindparam(name) for name in ("user_id", "question_id", "created_at", *_CARD_STATE)}
)


def insert_new_cards(d: Driver, user_id: int, question_ids: list[int], now: datetime) -> None:
    """New cards for `question_ids`, each due a microsecond after the one before, so the new queue
    (due, id) keeps the order given (not committed)."""
    rows = []
    for position, question_id in enumerate(question_ids):
        due = d.time(now + timedelta(microseconds=position))
        rows.append(
            {"user_id": user_id, "question_id": question_id, "created_at": d.time(now), "state": STATE_NEW,
             "step": None, "stability": None, "difficulty": None, "due": due, "last_review": None,
             "reps": 0, "lapses": 0, "interval_days": None}
        )  # fmt: skip
    d.run_many(INSERT_CARD, rows)


OWN_CARD = (
    select(*CARD_COLUMNS, question_t.c.status)
    .select_from(_CARD_JOIN)
    .where(card_t.c.id == bindparam("card_id"), card_t.c.user_id == bindparam("user_id"), _not_held())
)


def read_own_card(d: Driver, user_id: int, card_id: int) -> tuple[CardRow, str] | None:
    """The user's card and its question's status, or None (no such card, or another student's)."""
    row = d.run(OWN_CARD, {"card_id": card_id, "user_id": user_id}).fetchone()
    return None if row is None else (card_row(row, d), row[-1])


# The card's columns a review log row keeps as they were before the review (review_log.<name>_before).
PRIOR = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "interval_days")
_PRIOR_COLUMNS = tuple(log_t.c[f"{name}_before"] for name in PRIOR)
_AT = bindparam("reviewed_at", type_=log_t.c.reviewed_at.type)
# When the grade is scheduled: the page's time (:reviewed_at) unless it is before the card's last review
# (another window graded it since), then :now. Decided in SQL, where the card's last review is.
_SCHEDULED_AT = case(
    (or_(card_t.c.last_review.is_(None), card_t.c.last_review <= _AT), _AT),
    else_=bindparam("now", type_=log_t.c.reviewed_at.type),
)
# A grade's first statement: the log row, its prior state copied from the user's card on an approved
# question, and that prior state returned. No row: no such card, another student's, or retired.
LOG_GRADE = (
    insert(log_t)
    .from_select(
        ["user_id", "card_id", "request_id", "rating", "reviewed_at", "duration_ms", "created_at",
         *(column.name for column in _PRIOR_COLUMNS)],
        select(
            bindparam("user_id", type_=Integer), card_t.c.id, bindparam("request_id", type_=log_t.c.request_id.type),
            bindparam("rating", type_=Integer), _SCHEDULED_AT, bindparam("duration_ms", type_=Integer),
            bindparam("now", type_=log_t.c.created_at.type), *(card_t.c[name] for name in PRIOR),
        )
        .select_from(_CARD_JOIN)
        .where(
            card_t.c.id == bindparam("card_id", type_=Integer),
            card_t.c.user_id == bindparam("user_id", type_=Integer),
            question_t.c.status == "approved",
        ),
    )
    .returning(log_t.c.reviewed_at, *_PRIOR_COLUMNS)
)  # fmt: skip


def _prior(row: Sequence[Any]) -> CardData:
    """CardData from the PRIOR columns of a driver row, in that order."""
    state, step, stability, difficulty, due, last_review, reps, lapses, interval_days = row
    return CardData(
        state, step, stability, difficulty, from_db_time(due), from_db_time(last_review), reps, lapses,
        interval_days,
    )  # fmt: skip


def log_grade(
    d: Driver,
    user_id: int,
    card_id: int,
    request_id: str,
    rating: int,
    shown_at: datetime,
    now: datetime,
    duration_ms: int | None,
) -> tuple[datetime, CardData] | None:
    """Write the review log row of a grade (not committed): (when it is scheduled, the card before it),
    or None when the user has no such card on an approved question. A repeated (user, request_id)
    raises the driver's IntegrityError (Driver.integrity_errors)."""
    params = {
        "user_id": user_id, "card_id": card_id, "request_id": request_id, "rating": rating,
        "reviewed_at": d.time(shown_at), "now": d.time(now), "duration_ms": duration_ms,
    }  # fmt: skip
    row = d.run(LOG_GRADE, params).fetchone()
    return None if row is None else (from_db_time(row[0]), _prior(row[1:]))


# `reps` as read: when another window graded the card in between, this updates nothing.
UPDATE_GRADED_CARD = (
    update(card_t)
    .where(card_t.c.id == bindparam("card_pk"), card_t.c.reps == bindparam("reps_before"))
    .values({name: bindparam(f"new_{name}") for name in _CARD_STATE})
)


def save_grade(d: Driver, user_id: int, card_id: int, before: CardData, after: CardData, day: date) -> bool:
    """The card's new state and the day's count: a grade's second and third statements (not committed).
    False when the card's `reps` moved since the log row read it (graded in another window): roll back."""
    updated = d.run(
        UPDATE_GRADED_CARD, {"card_pk": card_id, "reps_before": before.reps, **_state_values(d, after)}
    )
    if updated.rowcount != 1:
        return False
    count_answer(d, user_id, day, before.state)
    return True


# The student's last answer is the latest log row written (the highest id), not the latest reviewed_at:
# reviewed_at is when the card's buttons were computed (its shown_at), and a card prefetched before the
# one on screen was answered has an earlier shown_at though it was answered later. The reviewed_at range
# keeps the read on ix_review_log_user_reviewed_state (a couple of days of answers, then a sort by id).
_LAST_ANSWER = (
    select(log_t.c.id, log_t.c.card_id, log_t.c.reviewed_at, *_PRIOR_COLUMNS)
    .where(log_t.c.user_id == bindparam("user_id"), log_t.c.reviewed_at >= bindparam("since"))
    .order_by(log_t.c.id.desc())
    .limit(1)
)


def last_answer(d: Driver, user_id: int, since: datetime) -> tuple[int, int, datetime, CardData] | None:
    """(log id, card id, reviewed_at, the card before that answer) of the user's last answer (the last
    log row written) among those scheduled at or after `since`."""
    row = d.run(_LAST_ANSWER, {"user_id": user_id, "since": d.time(since)}).fetchone()
    return None if row is None else (row[0], row[1], from_db_time(row[2]), _prior(row[3:]))


_RESTORE_CARD = (
    update(card_t)
    .where(card_t.c.id == bindparam("card_pk"), card_t.c.user_id == bindparam("user_id"))
    .values({name: bindparam(f"new_{name}") for name in _CARD_STATE})
)
_DELETE_LOG = delete(log_t).where(log_t.c.id == bindparam("log_id"))


def _state_values(d: Driver, data: CardData) -> dict[str, Any]:
    return {
        "new_state": data.state,
        "new_step": data.step,
        "new_stability": data.stability,
        "new_difficulty": data.difficulty,
        "new_due": d.time(data.due),
        "new_last_review": d.time(data.last_review),
        "new_reps": data.reps,
        "new_lapses": data.lapses,
        "new_interval_days": data.interval_days,
    }


def restore_card(d: Driver, user_id: int, card_id: int, data: CardData) -> None:
    d.run(_RESTORE_CARD, {"card_pk": card_id, "user_id": user_id, **_state_values(d, data)})


def delete_log(d: Driver, log_id: int) -> None:
    d.run(_DELETE_LOG, {"log_id": log_id})


EARLIER_ANSWER = select(log_t.c.card_id, log_t.c.rating, log_t.c.reviewed_at, *_PRIOR_COLUMNS).where(
    log_t.c.user_id == bindparam("user_id"), log_t.c.request_id == bindparam("request_id")
)


def earlier_answer(d: Driver, user_id: int, request_id: str) -> tuple[int, int, datetime, CardData] | None:
    """(card id, rating, reviewed_at, the card before it) of the user's answer to `request_id`, if any."""
    row = d.run(EARLIER_ANSWER, {"user_id": user_id, "request_id": request_id}).fetchone()
    if row is None:
        return None
    return row[0], row[1], from_db_time(row[2]), _prior(row[3:])


# A card's question read on its own (a card shown outside the queue, as after an undo).
QUESTION_ON_CARD = (
    select(*FACE_COLUMNS)
    .select_from(question_t.outerjoin(article_t, question_t.c.article_id == article_t.c.id))
    .where(question_t.c.id == bindparam("question_id"))
)


def read_faces(d: Driver, question_id: int) -> dict[str, Any]:
    row = d.run(QUESTION_ON_CARD, {"question_id": question_id}).fetchone()
    if row is None:
        raise LookupError(f"question {question_id} does not exist")
    return faces_dict(row, d.json_out)
