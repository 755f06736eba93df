"""Attempts: start, autosave, form save and submit, lazy close at the deadline, what the attempt and review
pages show, and practice.

One transaction per operation. Autosave is one guarded UPSERT that writes only while the attempt is open
(on PostgreSQL under FOR SHARE of the attempt row); a form save, the submit and the lazy close take the
attempt row with a conditional UPDATE. So a save either lands before the submission grades it or is
refused, and the state changes once: a submit counts once."""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, TextClause, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.bank.convert import to_canonical
from app.extensions import db
from app.models import Attempt, Question, Quiz, Response, User, utcnow
from app.policy import can_edit_quiz, can_see_attempt, can_take_quiz
from app.qtypes.base import is_blank
from app.qtypes.feedback import answer_feedback, key_parts, marked_parts
from app.qtypes.reading import number_hint
from app.qtypes.registry import get_type
from app.qtypes.schema import parse_question
from app.qtypes.text import answer_text
from app.quizzes import analysis_version
from app.quizzes.builder import find_questions, layout_for
from app.quizzes.errors import (
    AnswerChecked,
    AttemptClosed,
    BadAnswer,
    NoSuchAttempt,
    NotAllowed,
    NotInAttempt,
    QuizError,
    StaleSave,
)
from app.quizzes.events import graded
from app.quizzes.grading import ANSWER_SHAPES, ResponseError, grade, validate_response
from app.quizzes.integrity import held_questions
from app.quizzes.overrides import Rules, deadline, rules_for

DONE_STATES = ("submitted", "finished")
TIMED_MODES = ("quiz", "preview")  # attempts at a quiz, autosaved and submitted the same way
PRACTICE_MAX = 30

_attempts = Attempt.__table__
_responses = Response.__table__


# ---------------------------------------------------------------- attempts


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def window_problem(quiz: Quiz, now: datetime, rules: Rules | None = None) -> str | None:
    """Why the quiz cannot be started now (before it opens, after it closes), or None; `rules` carries a
    student's own close date when they have an override."""
    opens_at = rules.opens_at if rules else quiz.opens_at
    closes_at = rules.closes_at if rules else quiz.closes_at
    if opens_at and now < opens_at:
        return f"This quiz opens on {opens_at:%Y-%m-%d %H:%M} UTC."
    if closes_at and now >= closes_at:
        return f"This quiz closed on {closes_at:%Y-%m-%d %H:%M} UTC."
    return None


def attempts_of(quiz: Quiz, user: User) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id, Attempt.mode == "quiz")
            .order_by(Attempt.number)
        )
    )


def start_attempt(quiz: Quiz, user: User, now: datetime | None = None) -> Attempt:
    """The user's attempt in progress (resumed), or a new one if the window and attempts allow it."""
    now = _now(now)
    if not can_take_quiz(user, quiz):
        raise NotAllowed("This quiz is not open to you.")
    existing = attempts_of(quiz, user)
    for attempt in existing:
        close_if_overdue(attempt, now)
        if attempt.state == "in_progress":
            return attempt
    if quiz.course is not None and quiz.course.archived_at is not None and not can_edit_quiz(user, quiz):
        raise QuizError("This course is archived: its quizzes take no new attempts.")
    rules = rules_for(quiz, user)
    problem = window_problem(quiz, now, rules)
    if problem:
        raise QuizError(problem)
    if rules.attempts_allowed and len(existing) >= rules.attempts_allowed:
        used = "the one attempt" if rules.attempts_allowed == 1 else f"all {rules.attempts_allowed} attempts"
        raise QuizError(f"You have used {used} allowed for this quiz.")
    if not quiz.items:
        raise QuizError("This quiz has no questions yet.")
    seed = secrets.randbits(31)
    attempt = Attempt(
        mode="quiz",
        quiz_id=quiz.id,
        user_id=user.id,
        number=len(existing) + 1,
        state="in_progress",
        layout=layout_for(quiz, seed),
        started_at=now,
        deadline_at=deadline(rules, now),
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Started twice at once (two tabs): the other request's attempt stands; resume it.
        db.session.rollback()
        for other in attempts_of(quiz, user):
            if other.state == "in_progress":
                return other
        raise
    return attempt


def start_preview(quiz: Quiz, user: User, now: datetime | None = None) -> Attempt:
    """An instructor's try of the quiz as a student sees it: the quiz's layout, shuffles and time limit,
    but whatever its window or publication, and never counted (mode 'preview'); an open one is resumed."""
    now = _now(now)
    if not can_edit_quiz(user, quiz):
        raise NotAllowed("Only the quiz's instructors can preview it.")
    if not quiz.items:
        raise QuizError("Add questions before previewing: this quiz has none.")
    previews = list(
        db.session.scalars(
            select(Attempt).where(
                Attempt.quiz_id == quiz.id, Attempt.user_id == user.id, Attempt.mode == "preview"
            )
        )
    )
    for attempt in previews:
        close_if_overdue(attempt, now)
        if attempt.state == "in_progress":
            return attempt
    limit = quiz.time_limit_s
    attempt = Attempt(
        mode="preview",
        quiz_id=quiz.id,
        user_id=user.id,
        number=-(len(previews) + 1),
        state="in_progress",
        layout=layout_for(quiz, secrets.randbits(31)),
        started_at=now,
        deadline_at=now + timedelta(seconds=limit) if limit else None,
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # started twice at once: the other request's preview stands; resume it
        db.session.rollback()
        for other in db.session.scalars(
            select(Attempt).where(
                Attempt.quiz_id == quiz.id,
                Attempt.user_id == user.id,
                Attempt.mode == "preview",
                Attempt.state == "in_progress",
            )
        ):
            return other
        raise
    return attempt


def get_attempt_for(attempt_id: int, user: User) -> Attempt | None:
    """The attempt if it is the user's own, or the user teaches its quiz's course; None otherwise (404)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        return None
    return attempt if can_see_attempt(user, attempt) else None


def _still_open(attempt_id: int, now: datetime) -> ColumnElement[bool]:
    """The attempt's row while it still takes answers: in progress and not past its deadline."""
    return and_(
        _attempts.c.id == attempt_id,
        _attempts.c.state == "in_progress",
        or_(_attempts.c.deadline_at.is_(None), _attempts.c.deadline_at > now),
    )


def _lock(attempt_id: int, now: datetime) -> bool:
    """Take the attempt's row lock if it is still open: True when the attempt is in progress and not overdue."""
    result = db.session.execute(
        update(_attempts).where(_still_open(attempt_id, now)).values(state=_attempts.c.state)
    )
    return result.rowcount == 1


def _lock_open(attempt: Attempt, now: datetime) -> None:
    """Take the attempt's row lock, or raise AttemptClosed (an overdue attempt is closed first)."""
    if not _lock(attempt.id, now):
        db.session.rollback()
        db.session.refresh(attempt)
        close_if_overdue(attempt, now)
        raise AttemptClosed(_closed_message(attempt))


def _closed_message(attempt: Attempt) -> str:
    if attempt.state == "finished":
        return "Time is up: this attempt was closed with the answers saved before the deadline."
    return "This attempt has been submitted; answers can no longer change."


def questions_by_id(ids: Iterable[int], *, with_articles: bool = False) -> dict[int, Question]:
    """The questions with these ids, by id (grading, the pages and the statistics read them this way);
    `with_articles` loads their articles too, in one more query rather than one per question."""
    query = select(Question).where(Question.id.in_(list(ids)))
    if with_articles:
        query = query.options(selectinload(Question.article))
    return {q.id: q for q in db.session.scalars(query)}


def canonical_by_id(questions: Mapping[int, Question]) -> dict[int, dict]:
    """Each question as the canonical dict the graders take."""
    return {qid: to_canonical(q) for qid, q in questions.items()}


def _layout_ids(attempt: Attempt) -> list[int]:
    return [entry["question_id"] for entry in attempt.layout]


def _validated(attempt: Attempt, question_id: Any, answer: Any, canonical: Mapping[int, dict]) -> Any:
    if not isinstance(question_id, int) or question_id not in _layout_ids(attempt):
        raise BadAnswer(f"Question {question_id!r} is not part of this attempt.", "question_id")
    try:
        return validate_response(canonical[question_id], answer)
    except ResponseError as exc:
        raise BadAnswer(str(exc), str(question_id)) from None


def _write(attempt_id: int, question_id: int, answer: Any, seq: int | None, now: datetime) -> None:
    """Store one answer inside the locked transaction; seq None means "newer than whatever is stored"."""
    where = [_responses.c.attempt_id == attempt_id, _responses.c.question_id == question_id]
    if seq is not None:
        # The usual case first: one conditional UPDATE; only when it touches nothing do we look why.
        newer = update(_responses).where(*where, _responses.c.seq < seq)
        if db.session.execute(newer.values(answer=answer, seq=seq, saved_at=now)).rowcount == 1:
            return
    stored = db.session.execute(select(_responses.c.seq).where(*where)).scalar()
    if stored is None:
        db.session.execute(
            insert(_responses).values(
                attempt_id=attempt_id, question_id=question_id, answer=answer, seq=seq or 1, saved_at=now
            )
        )
        return
    if seq is not None:
        raise StaleSave(
            f"A newer answer (save {stored}) is already stored; this one (save {seq}) was ignored."
        )
    db.session.execute(update(_responses).where(*where).values(answer=answer, seq=stored + 1, saved_at=now))


# The autosave hot path: one SELECT for what the checks need, one guarded UPSERT, one commit. Whatever can
# change while the answer is validated (the attempt's state and deadline, the stored seq) is checked again
# by the UPSERT itself, so a SELECT gone stale never lets a write through; it only decides what to say.
# (The layout, the owner and the mode never change after the start.)
_questions_table = Question.__table__
_INT_MAX = 2**31 - 1  # ids and seq are 32-bit integers on PostgreSQL
_SAVE_CONTEXT = (
    select(
        User,
        _attempts.c.mode,
        _attempts.c.state,
        _attempts.c.deadline_at,
        _attempts.c.layout,
        _questions_table.c.qtype,
        _questions_table.c.options,
        _questions_table.c.answer,
        _questions_table.c.settings,
    )
    .select_from(_attempts)
    .join(User, User.id == _attempts.c.user_id)
    .outerjoin(_questions_table, _questions_table.c.id == bindparam("question_id"))
    .where(_attempts.c.id == bindparam("attempt_id"))
)
# Hand-written rather than sqlalchemy.dialects.*.insert(...).on_conflict_do_update(): SQLAlchemy 2.0 never
# caches the compiled form of those dialect inserts, and compiling one costs more than running it. A text()
# statement with typed parameters is compiled once (PostgreSQL gets its ::JSON casts from the types).
_UPSERT_SQL = """\
INSERT INTO response (attempt_id, question_id, answer, seq, saved_at)
SELECT attempt.id, :question_id, :answer, :seq, :now FROM attempt
WHERE attempt.id = :attempt_id AND attempt.user_id = :user_id AND attempt.mode IN ('quiz', 'preview')
AND attempt.state = 'in_progress' AND (attempt.deadline_at IS NULL OR attempt.deadline_at > :now)
{lock}
ON CONFLICT (attempt_id, question_id) DO UPDATE
SET answer = excluded.answer, seq = excluded.seq, saved_at = excluded.saved_at
WHERE response.seq < excluded.seq AND response.fraction IS NULL"""
_UPSERTS: dict[str, TextClause] = {}


def _upsert_response(dialect: str) -> TextClause:
    """INSERT the answer, or UPDATE the stored one when its seq is lower, only while the attempt is open.

    The row it inserts is SELECTed FROM the attempt, so a closed, overdue or foreign attempt inserts
    nothing. On PostgreSQL that SELECT takes FOR SHARE on the attempt: the submit's UPDATE of the attempt
    waits for a save in flight (and its grading then sees the answer), and a save waits for a submit in
    flight (and then finds the attempt closed). SQLite has one writer at a time, which gives the same.
    """
    if dialect not in _UPSERTS:
        sql = _UPSERT_SQL.format(lock="FOR SHARE OF attempt" if dialect == "postgresql" else "")
        _UPSERTS[dialect] = text(sql).bindparams(
            bindparam("attempt_id", type_=_attempts.c.id.type),
            bindparam("user_id", type_=_attempts.c.user_id.type),
            bindparam("question_id", type_=_responses.c.question_id.type),
            bindparam("answer", type_=_responses.c.answer.type),
            bindparam("seq", type_=_responses.c.seq.type),
            bindparam("now", type_=_responses.c.saved_at.type),
        )
    return _UPSERTS[dialect]


def _whole_number(value: Any) -> bool:
    """A positive int that fits the 32-bit id and seq columns (bool is not a number here)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _INT_MAX


@dataclass(frozen=True)
class AutosaveContext:
    """What an autosave is checked against, read in one query by `autosave_context`."""

    attempt_id: int
    payload: dict | None
    question_id: int | None  # None when the payload names no plausible question id
    row: Any  # (owner User, mode, state, deadline_at, layout, qtype, options, answer, settings) or None


def autosave_context(attempt_id: int, payload: Any) -> AutosaveContext:
    """Read the attempt, the question the JSON payload names and the attempt's owner in one query.

    The owner is loaded as a User into the session, so when the owner is the one logged in, Flask-Login's
    user loader (db.session.get) finds them there and the request needs no query of its own for it.
    """
    payload = payload if isinstance(payload, dict) else None
    question_id = payload.get("question_id") if payload else None
    known_id = question_id if _whole_number(question_id) else None
    row = None
    if _whole_number(attempt_id):  # an id out of the column's range is no attempt, not a database error
        row = db.session.execute(_SAVE_CONTEXT, {"attempt_id": attempt_id, "question_id": known_id}).first()
    return AutosaveContext(attempt_id, payload, known_id, row)


def autosave(context: AutosaveContext, user_id: int, now: datetime | None = None) -> int:
    """Save one answer sent as JSON {question_id, answer, seq} to the user's attempt; returns the seq stored.

    Raises NoSuchAttempt (404) for an attempt that is not the user's, NotInAttempt (404) for a question
    the attempt does not hold, BadAnswer (422) for a malformed payload or answer, AttemptClosed (409)
    after the submission or the deadline, StaleSave (409) when an answer with the same or a higher seq is
    already stored (it is kept; this one is ignored).
    """
    now = _now(now)
    attempt_id, payload, known_id, row = context.attempt_id, context.payload, context.question_id, context.row
    if row is None or row.User.id != user_id or row.mode not in TIMED_MODES:
        raise NoSuchAttempt(f"There is no quiz attempt {attempt_id} of yours.")
    if payload is None:
        raise BadAnswer('Send JSON: {"question_id": …, "answer": …, "seq": …}.')
    seq = payload.get("seq")
    if not _whole_number(seq):
        raise BadAnswer(
            "seq must be a whole number from 1 up, increasing with each save of a question.", "seq"
        )
    if row.state != "in_progress" or (row.deadline_at is not None and now >= row.deadline_at):
        _raise_if_closed(attempt_id, now)
    if known_id is None or row.qtype is None or all(entry["question_id"] != known_id for entry in row.layout):
        shown = payload.get("question_id")
        raise NotInAttempt(f"Question {shown!r} is not part of this attempt.", "question_id")
    shape = {"type": row.qtype, "options": row.options, "answer": row.answer, **(row.settings or {})}
    try:
        clean = validate_response(shape, payload.get("answer"))
    except ResponseError as exc:
        raise BadAnswer(str(exc), str(known_id)) from None
    params = {
        "attempt_id": attempt_id,
        "user_id": user_id,
        "question_id": known_id,
        "answer": clean,
        "seq": seq,
        "now": now,
    }
    written = db.session.execute(_upsert_response(db.engine.dialect.name), params).rowcount
    if written == 1:
        db.session.commit()
        return seq
    db.session.rollback()
    _raise_if_closed(attempt_id, now)
    stored = db.session.execute(
        select(_responses.c.seq, _responses.c.fraction).where(
            _responses.c.attempt_id == attempt_id, _responses.c.question_id == known_id
        )
    ).first()
    if stored is not None and stored.fraction is not None:  # only a checked answer has one before submit
        raise AnswerChecked(CHECKED_MESSAGE)
    raise StaleSave(
        f"A newer answer (save {stored.seq if stored else 0}) is already stored; this one (save {seq}) was ignored."
    )


def _raise_if_closed(attempt_id: int, now: datetime) -> None:
    """Raise AttemptClosed if the attempt is submitted or overdue (closing it first if nobody has yet)."""
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if attempt is None:
        raise NoSuchAttempt(f"There is no quiz attempt {attempt_id} of yours.")
    close_if_overdue(attempt, now)
    if attempt.state != "in_progress":
        raise AttemptClosed(_closed_message(attempt))


def save_answer(
    attempt: Attempt, question_id: Any, answer: Any, seq: Any, now: datetime | None = None
) -> int:
    """autosave() for an Attempt in hand (the CLI, tests); `attempt` is refreshed when it was closed."""
    payload = {"question_id": question_id, "answer": answer, "seq": seq}
    try:
        return autosave(autosave_context(attempt.id, payload), attempt.user_id, now)
    except AttemptClosed:
        db.session.refresh(attempt)
        raise


def save_answers(
    attempt: Attempt,
    answers: Mapping[int, Any],
    seen: Mapping[int, int] | None = None,
    now: datetime | None = None,
    flags: Mapping[int, bool] | None = None,
) -> None:
    """Save a whole form (the no-JavaScript path) in one transaction; any bad answer writes nothing.

    `seen` is the seq of each question when the page was rendered: an answer is written only if nothing
    newer was stored since (a stale second tab never clobbers newer autosaves). None writes them all.
    `flags` sets or clears the review flag of the questions the form showed.
    """
    _save_all(attempt, answers, seen, _now(now), submit=False, flags=flags)


CHECKED_MESSAGE = "You checked this answer, so it is final; it can no longer change."


def gives_feedback_per_answer(attempt: Attempt) -> bool:
    """Whether the attempt's quiz shows feedback after each answer: a Check button under each question."""
    return (
        attempt.mode in TIMED_MODES
        and attempt.quiz is not None
        and attempt.quiz.feedback_timing == "immediate"
    )


def check_answer(attempt: Attempt, question_id: Any, now: datetime | None = None) -> float:
    """Grade one saved answer of an attempt in progress whose quiz gives feedback after each answer; the
    answer is then final (later saves of it are refused) and the review shows its feedback at once. Checking
    it again returns the same grade. The submission grades it again, to the same fraction.

    NotInAttempt (404) for a question the attempt does not hold; QuizError (400) when the quiz gives
    feedback only after submission or the question is graded by a person; BadAnswer (422) when nothing is
    saved for it yet; AttemptClosed (409) after the submission or the deadline."""
    now = _now(now)
    if not gives_feedback_per_answer(attempt):
        raise QuizError("This quiz shows feedback after you submit, not after each answer.", "check")
    if not _whole_number(question_id) or question_id not in _layout_ids(attempt):
        raise NotInAttempt(f"Question {question_id!r} is not part of this attempt.", "check")
    question = canonical_by_id(questions_by_id([question_id]))[question_id]
    if not get_type(question["type"]).auto_graded:
        raise QuizError("An essay is graded by your instructor after you submit; it has no check.", "check")
    attempt_id = attempt.id
    _lock_open(attempt, now)
    where = (_responses.c.attempt_id == attempt_id, _responses.c.question_id == question_id)
    row = db.session.execute(select(_responses.c.answer, _responses.c.fraction).where(*where)).first()
    if row is None or is_blank(row.answer):
        db.session.rollback()
        message = "Answer the question before checking it."
        raise BadAnswer(message, str(question_id), {str(question_id): message})
    if row.fraction is not None:
        db.session.rollback()
        return row.fraction
    fraction = grade(question, row.answer).fraction
    db.session.execute(update(_responses).where(*where).values(fraction=fraction))
    db.session.commit()
    return fraction


def submit_attempt(
    attempt: Attempt,
    answers: Mapping[int, Any] | None = None,
    seen: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> bool:
    """Submit (saving `answers` first, as save_answers) and grade; True if this call submitted it, False if
    it was already closed. Counted once: the state changes only WHERE state = 'in_progress'."""
    return _save_all(attempt, answers or {}, seen, _now(now), submit=True)


def _merged_flags(attempt_id: int, layout_ids: list[int], flags: Mapping[int, bool]) -> list[int]:
    stored = set(
        db.session.execute(select(_attempts.c.flagged).where(_attempts.c.id == attempt_id)).scalar() or []
    )
    return [qid for qid in layout_ids if flags.get(qid, qid in stored)]


def set_flag(attempt: Attempt, question_id: Any, flagged: Any, now: datetime | None = None) -> list[int]:
    """Flag (or unflag) one question of an attempt in progress for review; returns the flagged ids in order.

    NotInAttempt (404) for a question the attempt does not hold, BadAnswer (422) when `flagged` is not a
    boolean, AttemptClosed (409) once the attempt is submitted or overdue."""
    now = _now(now)
    layout_ids = _layout_ids(attempt)
    if attempt.mode != "quiz" or not _whole_number(question_id) or question_id not in layout_ids:
        raise NotInAttempt(f"Question {question_id!r} is not part of this attempt.", "question_id")
    if not isinstance(flagged, bool):
        raise BadAnswer("flagged must be true or false.", "flagged")
    attempt_id = attempt.id
    _lock_open(attempt, now)
    result = _merged_flags(attempt_id, layout_ids, {question_id: flagged})
    db.session.execute(update(_attempts).where(_attempts.c.id == attempt_id).values(flagged=result))
    db.session.commit()
    db.session.refresh(attempt)
    return result


def _save_all(
    attempt: Attempt,
    answers: Mapping[int, Any],
    seen: Mapping[int, int] | None,
    now: datetime,
    submit: bool,
    flags: Mapping[int, bool] | None = None,
) -> bool:
    close_if_overdue(attempt, now)
    if attempt.state != "in_progress":
        if submit:
            return False
        raise AttemptClosed(_closed_message(attempt))
    canonical = canonical_by_id(questions_by_id(_layout_ids(attempt)))
    errors: dict[str, str] = {}
    clean: dict[int, Any] = {}
    for qid, raw in answers.items():
        if seen is not None and qid not in seen:
            continue
        try:
            clean[qid] = _validated(attempt, qid, raw, canonical)
        except BadAnswer as exc:
            errors[str(qid)] = str(exc)
    if errors:
        raise BadAnswer("Some answers could not be read; fix the ones marked and save again.", errors=errors)
    attempt_id = attempt.id
    if submit:
        result = db.session.execute(
            update(_attempts).where(_still_open(attempt_id, now)).values(state="submitted", submitted_at=now)
        )
        locked = result.rowcount == 1
    else:
        locked = _lock(attempt_id, now)
    if not locked:
        db.session.rollback()
        db.session.refresh(attempt)
        close_if_overdue(attempt, now)
        if submit:
            return False
        raise AttemptClosed(_closed_message(attempt))
    rows = db.session.execute(
        select(_responses.c.question_id, _responses.c.seq, _responses.c.fraction).where(
            _responses.c.attempt_id == attempt_id
        )
    ).all()
    stored = {row.question_id: row.seq for row in rows}
    checked = {row.question_id for row in rows if row.fraction is not None}  # final once checked
    for qid, value in clean.items():
        if value is None and qid not in stored:
            # Nothing typed and nothing stored: no row. A row would take save number 1, and another tab's
            # first autosave of that question (also number 1) would then be refused as stale.
            continue
        if qid not in checked and (seen is None or (qid in seen and stored.get(qid, 0) <= seen[qid])):
            _write(attempt_id, qid, value, None, now)
    if flags is not None:
        merged = _merged_flags(attempt_id, _layout_ids(attempt), flags)
        db.session.execute(update(_attempts).where(_attempts.c.id == attempt_id).values(flagged=merged))
    if submit:
        _grade_into(attempt_id, attempt.layout, canonical)
    db.session.commit()
    db.session.refresh(attempt)
    if submit:
        graded(attempt_id)
    return True


def _grade_into(attempt_id: int, layout: list[dict], canonical: Mapping[int, dict]) -> None:
    """Grade every saved response of the attempt and store fractions, score and max score (same transaction).

    A response a person must grade (an essay) keeps a NULL fraction and counts in `attempt.ungraded`.
    """
    saved = dict(
        db.session.execute(
            select(_responses.c.question_id, _responses.c.answer).where(_responses.c.attempt_id == attempt_id)
        ).all()
    )
    for qid, fraction in graded_fractions(layout, saved, canonical).items():
        db.session.execute(
            update(_responses)
            .where(_responses.c.attempt_id == attempt_id, _responses.c.question_id == qid)
            .values(fraction=fraction)
        )
    rescore(attempt_id, layout)


def graded_fractions(
    layout: list[dict], saved: Mapping[int, Any], canonical: Mapping[int, dict]
) -> dict[int, float | None]:
    """The fraction the submission gives each saved answer (question id -> answer), None where a person
    grades it (an essay). Pure: the submit stores these, a page showing an overdue attempt only reads them."""
    out: dict[int, float | None] = {}
    for entry in layout:
        qid = entry["question_id"]
        if qid in saved:
            result = grade(canonical[qid], saved[qid])
            out[qid] = None if result.pending else result.fraction
    return out


def scored(layout: list[dict], fractions: Mapping[int, float | None]) -> tuple[float, float, int]:
    """(score, max score, responses waiting for a person) from the responses' fractions. Pure."""
    known = [
        fractions[e["question_id"]] * e["points"]
        for e in layout
        if fractions.get(e["question_id"]) is not None
    ]
    ungraded = sum(1 for e in layout if e["question_id"] in fractions and fractions[e["question_id"]] is None)
    return math.fsum(known), math.fsum(e["points"] for e in layout), ungraded


def rescore(attempt_id: int, layout: list[dict]) -> None:
    """The attempt's score from its responses' fractions (automatic or by hand) and how many still wait for
    a person; the caller commits. While `ungraded` is above 0 the score is what is known so far."""
    # A blank answer was graded 0 on submission, so a NULL fraction here is a response waiting for a person.
    fractions = dict(
        db.session.execute(
            select(_responses.c.question_id, _responses.c.fraction).where(
                _responses.c.attempt_id == attempt_id
            )
        ).all()
    )
    score, max_score, ungraded = scored(layout, fractions)
    db.session.execute(
        update(_attempts)
        .where(_attempts.c.id == attempt_id)
        .values(score=score, max_score=max_score, ungraded=ungraded)
    )
    # Every grading goes through here (submit, an overdue close, grading by hand): the item analysis is stale.
    analysis_version.bump_for_attempt(db.session(), attempt_id)


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """In progress but past its deadline: closed in all but the database until the next write closes it."""
    return (
        attempt.state == "in_progress"
        and attempt.deadline_at is not None
        and _now(now) >= attempt.deadline_at
    )


def close_if_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """Finish an attempt past its deadline with what was saved; True if this call closed it. Writes: only
    the write paths (a save, the submit, a start, grading, gradebook actions) and `close_overdue` call it."""
    now = _now(now)
    if not is_overdue(attempt, now):
        return False
    attempt_id = attempt.id
    result = db.session.execute(
        update(_attempts)
        .where(_attempts.c.id == attempt_id, _attempts.c.state == "in_progress")
        .values(state="finished", submitted_at=attempt.deadline_at)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    _grade_into(attempt_id, attempt.layout, canonical_by_id(questions_by_id(_layout_ids(attempt))))
    db.session.commit()
    db.session.refresh(attempt)
    graded(attempt_id)
    return True


def close_overdue(
    now: datetime | None = None, *, quiz_id: int | None = None, user_id: int | None = None
) -> int:
    """Close every attempt past its deadline (of one quiz, of one user), each in its own transaction (grade
    passback fires for each); the number closed. `flask quiz close-overdue`, the `quiz.close_overdue` job
    and the gradebook's override actions run it."""
    now = _now(now)
    query = select(Attempt.id).where(
        Attempt.mode.in_(TIMED_MODES),
        Attempt.state == "in_progress",
        Attempt.deadline_at.is_not(None),
        Attempt.deadline_at <= now,
    )
    if quiz_id is not None:
        query = query.where(Attempt.quiz_id == quiz_id)
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    ids = list(db.session.scalars(query.order_by(Attempt.id)))
    closed = 0
    for attempt_id in ids:
        attempt = db.session.get(Attempt, attempt_id)
        if attempt is not None and close_if_overdue(attempt, now):
            closed += 1
    return closed


@dataclass(frozen=True)
class Projection:
    """How an overdue attempt reads until it is closed: what closing it would store."""

    fractions: dict[int, float | None]
    score: float
    max_score: float
    ungraded: int


def project_overdue(attempts: Iterable[Attempt], now: datetime | None = None) -> dict[int, Projection]:
    """Show the overdue attempts among `attempts` as closed, without writing: each is set, as if loaded
    from the database, to state 'finished', submitted at its deadline, with the score its saved answers
    get from the same graders the submit uses (its loaded responses get their fractions too). Nothing is
    flushed: the next write (or `close_overdue`) stores the same. Returns the projections by attempt id,
    for callers that read responses or scores as plain columns. Two queries when any is overdue, none
    otherwise."""
    now = _now(now)
    overdue = [a for a in attempts if is_overdue(a, now)]
    if not overdue:
        return {}
    canonical = canonical_by_id(questions_by_id({qid for a in overdue for qid in _layout_ids(a)}))
    responses: dict[int, list[Response]] = {a.id: [] for a in overdue}
    for response in db.session.scalars(select(Response).where(Response.attempt_id.in_(list(responses)))):
        responses[response.attempt_id].append(response)
    out = {}
    for attempt in overdue:
        saved = {r.question_id: r.answer for r in responses[attempt.id]}
        fractions = graded_fractions(attempt.layout, saved, canonical)
        score, max_score, ungraded = scored(attempt.layout, fractions)
        for response in responses[attempt.id]:
            set_committed_value(response, "fraction", fractions.get(response.question_id))
        for name, value in (
            ("state", "finished"),
            ("submitted_at", attempt.deadline_at),
            ("score", score),
            ("max_score", max_score),
            ("ungraded", ungraded),
        ):
            set_committed_value(attempt, name, value)
        out[attempt.id] = Projection(fractions, score, max_score, ungraded)
    return out


# ---------------------------------------------------------------- what the pages show


@dataclass
class ShownQuestion:
    """A question as the attempt page shows it: no answer key, no explanation, options in attempt order."""

    id: int
    number: int
    qtype: str
    stem: str
    points: float
    options: list[str] = field(default_factory=list)
    lefts: list[str] = field(default_factory=list)
    blanks: int = 0
    unit: str = ""
    word_limit: int | None = None
    saved: Any = None
    seq: int = 0
    saved_ms: int = 0  # when the stored answer was saved, ms since the epoch (0: none); drafts compare to it
    flagged: bool = False
    page: int = 1

    @property
    def answer_shape(self) -> str:
        return ANSWER_SHAPES.get(self.qtype, "")

    @property
    def number_hint(self) -> str:
        return number_hint(self.unit)

    @property
    def auto_graded(self) -> bool:
        """Graded by the app (every type but the essay): such an answer can be checked before submitting."""
        return get_type(self.qtype).auto_graded

    @property
    def answered(self) -> bool:
        return self.saved is not None  # stored answers are validated: a blank one is stored as None


def _layout_rows(
    attempt: Attempt,
    questions: Mapping[int, Question] | None = None,
    responses: Mapping[int, Response] | None = None,
) -> Iterator[tuple[int, dict, Question, Response | None]]:
    """The attempt's questions in layout order: number, layout entry, question and saved response (or None).

    A caller going through many attempts passes the questions (by id) and this attempt's responses (by
    question id) it loaded for all of them at once."""
    if questions is None:
        questions = questions_by_id(_layout_ids(attempt))
    if responses is None:
        responses = {
            r.question_id: r
            for r in db.session.scalars(select(Response).where(Response.attempt_id == attempt.id))
        }
    for number, entry in enumerate(attempt.layout, start=1):
        question = questions[entry["question_id"]]
        yield number, entry, question, responses.get(question.id)


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Whole seconds until the attempt's deadline (0 when past), None without one: the page's countdown
    runs from this, so a wrong clock in the browser does not move the deadline."""
    if attempt.deadline_at is None:
        return None
    return max(0, math.ceil((attempt.deadline_at - _now(now)).total_seconds()))


def per_page(attempt: Attempt) -> int:
    """Questions per page of this attempt (0: all on one page): a preview pages as a student's attempt does;
    practice is always one page."""
    return attempt.quiz.per_page if attempt.mode in TIMED_MODES and attempt.quiz is not None else 0


def page_count(attempt: Attempt) -> int:
    size = per_page(attempt)
    return max(1, math.ceil(len(attempt.layout) / size)) if size else 1


def epoch_ms(moment: datetime | None = None) -> int:
    """Milliseconds since the epoch of a moment (now by default), as the browser's Date.now() counts."""
    return int(_now(moment).timestamp() * 1000)


def shown_questions(attempt: Attempt) -> list[ShownQuestion]:
    """Every question of the attempt as the attempt page shows it, with its page and review flag."""
    shown = []
    size = per_page(attempt)
    flagged = set(attempt.flagged or [])
    for number, entry, q, response in _layout_rows(attempt):
        item = ShownQuestion(
            q.id,
            number,
            q.qtype,
            q.stem,
            entry["points"],
            saved=response.answer if response else None,
            seq=response.seq if response else 0,
            saved_ms=epoch_ms(response.saved_at) if response else 0,
            flagged=q.id in flagged,
            page=(number - 1) // size + 1 if size else 1,
        )
        for attr, value in (
            get_type(q.qtype).shown(list(q.options or []), q.answer, entry.get("order"), q.settings).items()
        ):
            setattr(item, attr, value)
        shown.append(item)
    return shown


def review_allowed(
    attempt: Attempt, viewer: User, now: datetime | None = None, *, editor: bool | None = None
) -> bool:
    """Feedback per the quiz's setting; teachers of the course always see it once the attempt is closed.

    `editor`: whether the viewer may edit the attempt's quiz, when the caller already knows (one query for
    many attempts); None asks."""
    if attempt.state not in DONE_STATES:
        return False
    if attempt.mode == "practice" or attempt.quiz is None:
        return True
    if editor if editor is not None else can_edit_quiz(viewer, attempt.quiz):
        return True
    if attempt.quiz.feedback_timing == "after_close":
        closes = attempt.quiz.closes_at  # none (a quiz saved before this was refused): it never closes
        return closes is not None and _now(now) >= closes
    return True


@dataclass
class ReviewedQuestion:
    number: int
    question: Question
    points: float
    answer: Any
    fraction: float | None
    correct_text: str
    article_slug: str | None
    sentence_id: str | None
    comment: str = ""
    graded_by_hand: bool = False
    answer_feedback: list[str] = field(
        default_factory=list
    )  # what the answer given earns (app.qtypes.feedback)
    # Multi and matching: the answer's options or pairs each marked right, and the key one part a line.
    marked: list[tuple[str, bool]] = field(default_factory=list)
    correct_parts: list[str] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """Answered but waiting for a person to grade it (an essay)."""
        return (
            self.fraction is None
            and self.answer is not None
            and not get_type(self.question.qtype).auto_graded
        )

    @property
    def earned(self) -> float:
        return (self.fraction or 0.0) * self.points

    @property
    def right(self) -> bool:
        return self.fraction is not None and self.fraction >= 1.0


def reviewed_questions(
    attempt: Attempt,
    questions: Mapping[int, Question] | None = None,
    responses: Mapping[int, Response] | None = None,
) -> list[ReviewedQuestion]:
    """The attempt's questions with answers, grades and keys (see _layout_rows for the preloaded maps)."""
    if questions is None:
        questions = questions_by_id(_layout_ids(attempt), with_articles=True)
    reviewed = []
    for number, entry, q, response in _layout_rows(attempt, questions, responses):
        canonical = to_canonical(q)
        reviewed.append(
            ReviewedQuestion(
                number=number,
                question=q,
                points=entry["points"],
                answer=response.answer if response else None,
                fraction=response.fraction if response else None,
                correct_text=answer_text(parse_question(canonical)),
                article_slug=q.article.slug if q.article else None,
                sentence_id=q.sentence_ids[0] if q.sentence_ids else None,
                comment=(response.comment or "") if response else "",
                graded_by_hand=bool(response and response.manual_points is not None),
                answer_feedback=answer_feedback(
                    canonical,
                    response.answer if response else None,
                    bool(response and (response.fraction or 0) >= 1),
                ),
                marked=marked_parts(canonical, response.answer if response else None),
                correct_parts=key_parts(canonical),
            )
        )
    return reviewed


def answer_display(answer: Any) -> str:
    """A stored answer as one line of text for the review page and the gradebook."""
    if answer is None:
        return "(no answer)"
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, list):
        return " | ".join(str(a) for a in answer)
    if isinstance(answer, dict):
        return " | ".join(f"{k} → {v}" for k, v in answer.items())
    return str(answer)


# ---------------------------------------------------------------- practice


def start_practice(user: User, topic: str = "", article: str = "", count: int = 5) -> Attempt:
    """A practice attempt over `count` approved questions of an article or topic, shuffled by its own id."""
    if not 1 <= count <= PRACTICE_MAX:
        raise QuizError(f"Practise between 1 and {PRACTICE_MAX} questions.", "count")
    # Practice gives feedback at once, so it draws only types graded automatically (no essays), and
    # never a question of a quiz the student can take now (exam integrity).
    matching = [
        q.id
        for q in find_questions(topic=topic, article=article, limit=10_000)
        if get_type(q.qtype).auto_graded
    ]
    held = set(db.session.scalars(held_questions(user.id)))
    pool = [qid for qid in matching if qid not in held]
    if not pool:
        if matching:
            raise QuizError(
                "These questions are in a quiz you can take now; practise them after it closes, "
                "or choose another article or topic.",
                "topic",
            )
        raise QuizError("No approved questions match; choose another article or topic.", "topic")
    attempt = Attempt(mode="practice", quiz_id=None, user_id=user.id, number=1, layout=[])
    db.session.add(attempt)
    db.session.flush()
    rng = random.Random(attempt.id)
    chosen = rng.sample(sorted(pool), min(count, len(pool)))
    attempt.layout = [
        {"question_id": qid, "points": 1.0, "order": None, "seed": attempt.id} for qid in chosen
    ]
    db.session.commit()
    return attempt


def answer_practice(attempt: Attempt, question_id: Any, answer: Any, now: datetime | None = None) -> float:
    """Grade one practice answer at once (first answer counts); submits when every question is answered."""
    now = _now(now)
    if attempt.mode != "practice" or attempt.state != "in_progress":
        raise AttemptClosed("This practice session is over; start a new one.")
    if question_id in set(db.session.scalars(held_questions(attempt.user_id))):
        # A session started before the quiz opened: its feedback would give the quiz's answers away.
        raise QuizError(
            "This question is now in a quiz you can take; practise it after the quiz closes.", "question_id"
        )
    canonical = canonical_by_id(questions_by_id([question_id] if isinstance(question_id, int) else []))
    clean = _validated(attempt, question_id, answer, canonical)
    fraction = grade(canonical[question_id], clean).fraction
    attempt_id = attempt.id
    if not _lock(attempt_id, now):
        db.session.rollback()
        raise AttemptClosed("This practice session is over; start a new one.")
    try:
        _write(attempt_id, question_id, clean, 1, now)
    except StaleSave:
        db.session.rollback()
        raise StaleSave("You already answered this question in this session.") from None
    db.session.execute(
        update(_responses)
        .where(_responses.c.attempt_id == attempt_id, _responses.c.question_id == question_id)
        .values(fraction=fraction)
    )
    answered = db.session.execute(
        select(func.count()).select_from(_responses).where(_responses.c.attempt_id == attempt_id)
    ).scalar_one()
    if answered >= len(attempt.layout):
        totals = db.session.execute(
            select(func.coalesce(func.sum(_responses.c.fraction), 0.0)).where(
                _responses.c.attempt_id == attempt_id
            )
        ).scalar_one()
        db.session.execute(
            update(_attempts)
            .where(_attempts.c.id == attempt_id)
            .values(state="submitted", submitted_at=now, score=float(totals), max_score=float(answered))
        )
    db.session.commit()
    db.session.refresh(attempt)
    return fraction
