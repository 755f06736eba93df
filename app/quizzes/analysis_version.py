"""A quiz's analysis version: a counter bumped in the same transaction as any write the item analysis reads.

The stored analysis (`QuizAnalysis`) holds the version it was computed at, so the analysis page reads one
row to know whether it is current instead of aggregating the quiz's responses. The writes it covers:
grading an attempt (submit, closing an overdue attempt, grading by hand, all through
`app.quizzes.attempts.rescore`), any ORM change to a finished attempt, a response or a quiz item, and an
edit of a question a quiz holds or an attempt answered (this module's `before_flush` listener). Starting
an attempt and saving answers during it do not: the analysis reads finished attempts only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask
from sqlalchemy import event, inspect, select, union, update
from sqlalchemy.orm import Session

from app.models import Attempt, Question, Quiz, QuizItem, Response

_quiz = Quiz.__table__
_item = QuizItem.__table__
_attempt = Attempt.__table__
_response = Response.__table__


def bump(session: Session, quiz_ids: Iterable[int | None]) -> None:
    """Add one to these quizzes' analysis versions (None, a practice attempt's quiz, is skipped)."""
    ids = sorted({quiz_id for quiz_id in quiz_ids if quiz_id is not None})
    if ids:
        session.connection().execute(
            update(_quiz).where(_quiz.c.id.in_(ids)).values(analysis_version=_quiz.c.analysis_version + 1)
        )


def bump_for_attempt(session: Session, attempt_id: int) -> None:
    """Add one to the version of the quiz this attempt belongs to (none for a practice attempt)."""
    quiz_of = select(_attempt.c.quiz_id).where(_attempt.c.id == attempt_id).scalar_subquery()
    session.connection().execute(
        update(_quiz).where(_quiz.c.id == quiz_of).values(analysis_version=_quiz.c.analysis_version + 1)
    )


def bump_for_questions(session: Session, question_ids: Iterable[int]) -> None:
    """Add one to the version of every quiz that holds one of these questions or has a response to one."""
    ids = sorted(set(question_ids))
    if not ids:
        return
    holders = union(
        select(_item.c.quiz_id).where(_item.c.question_id.in_(ids)),
        select(_attempt.c.quiz_id)
        .join(_response, _response.c.attempt_id == _attempt.c.id)
        .where(_response.c.question_id.in_(ids)),
    )
    session.connection().execute(
        update(_quiz)
        .where(_quiz.c.id.in_(select(holders.subquery().c.quiz_id)))
        .values(analysis_version=_quiz.c.analysis_version + 1)
    )


def _was_candidate(question: Question) -> bool:
    """Still a candidate before this flush: never drawable, so no quiz or attempt can hold it."""
    history = inspect(question).attrs["status"].history
    before = history.deleted[0] if history.deleted else question.status
    return before == "candidate"


def _may_be_analysed(session: Session, attempt: Attempt) -> bool:
    """An attempt the analysis reads: finished, or leaving or losing that state. One started or changed
    while in progress is not (every student starting a quiz at once would all write the quiz's row)."""
    if attempt in session.deleted:
        return True
    history = inspect(attempt).attrs["state"].history
    states = {attempt.state, *history.deleted}
    return states != {"in_progress"} and states != {None}


def _quiz_of_item(item: QuizItem) -> int | None:
    if item.quiz_id is not None:
        return item.quiz_id
    quiz = inspect(item).attrs["quiz"].loaded_value
    return quiz.id if isinstance(quiz, Quiz) else None


def bump_on_change(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush that adds, changes or deletes an attempt, a response or a quiz item, or edits a
    question some quiz reads, bump the quizzes concerned in the same transaction."""
    quiz_ids: set[int | None] = set()
    attempt_ids: set[int] = set()
    question_ids: set[int] = set()
    changed = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    for obj in changed:
        if isinstance(obj, QuizItem):
            quiz_ids.add(_quiz_of_item(obj))
            if obj in session.dirty:  # moved from another quiz: that one changed too
                quiz_ids.update(inspect(obj).attrs["quiz_id"].history.deleted)
        elif isinstance(obj, Attempt) and _may_be_analysed(session, obj):
            quiz_ids.add(obj.quiz_id)
        elif isinstance(obj, Response) and obj.attempt_id is not None:
            attempt_ids.add(obj.attempt_id)
        elif isinstance(obj, Question) and obj.id is not None and not _was_candidate(obj):
            question_ids.add(obj.id)
    if attempt_ids:
        quiz_ids.update(
            session.connection()
            .execute(select(_attempt.c.quiz_id).where(_attempt.c.id.in_(sorted(attempt_ids))))
            .scalars()
        )
    bump(session, quiz_ids)
    bump_for_questions(session, question_ids)


def init_app(_app: Flask) -> None:
    if not event.contains(Session, "before_flush", bump_on_change):
        event.listen(Session, "before_flush", bump_on_change)
