"""Exam integrity: while a quiz is published in a course a student belongs to and has not closed, its
fixed questions are out of that student's study decks and practice (README "Exam integrity").

One SQL definition, used by the study queues (app/study/queries.py, with the user id as a bind parameter)
and by practice, so the two can never disagree. "Now" is the database's clock, so the prepared study
statements need no new parameter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, true

from app.models import Enrolment, Quiz, QuizItem

_quiz = Quiz.__table__
_item = QuizItem.__table__
_enrolment = Enrolment.__table__


def held_questions(user_id: Any) -> Select:
    """Ids of the questions in a quiz `user_id` can take now or later: published, in a course they are a
    student of, not yet closed. `user_id` is a value or a bind parameter."""
    return (
        select(_item.c.question_id)
        .join(_quiz, _quiz.c.id == _item.c.quiz_id)
        .join(_enrolment, _enrolment.c.course_id == _quiz.c.course_id)
        .where(
            _enrolment.c.user_id == user_id,
            _enrolment.c.role == "student",
            _quiz.c.published == true(),
            _item.c.question_id.is_not(None),
            or_(_quiz.c.closes_at.is_(None), _quiz.c.closes_at > func.current_timestamp()),
        )
    )


def held_quizzes(user_id: Any) -> Select:
    """Ids of the quizzes that hold questions back from `user_id` (those of `held_questions`)."""
    return held_questions(user_id).with_only_columns(_item.c.quiz_id).distinct()


def not_held(question_id: ColumnElement[Any], user_id: Any) -> ColumnElement[bool]:
    """The condition "this question is not held from `user_id` by an open quiz"."""
    return question_id.not_in(held_questions(user_id))
