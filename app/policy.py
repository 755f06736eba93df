"""Who may see or edit what: one place for the permission rules, as plain functions of (user, object).

Services and views ask this module instead of importing each other's checks (a quiz's rules used to live in
the quizzes service and borrow the course's from the courses service, which made the two packages import each
other). It sits below every feature package: it reads the models and nothing else of `app`.

The rules:

- see a course: its members (students and instructors) and admins;
- manage a course (roster, settings, gradebook, LTI links, course stats): its instructors and admins;
- edit a quiz (settings, items, results, grading, export): admins, the course's instructors, or the owner
  of a quiz outside any course;
- take a quiz: whoever edits it (a preview), or members of its course once it is published;
- see an attempt: its student, and whoever edits its quiz;
- edit or export the bank: instructors and admins.

The `*_or_abort` helpers are for views: 404 when the object does not exist, 403 when the rule says no.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Attempt, Course, Enrolment, Quiz, QuizItem, User


def membership(user: User, course: Course) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id == user.id)
    )


def can_view_course(user: User, course: Course) -> bool:
    return user.is_admin or membership(user, course) is not None


def can_manage_course(user: User, course: Course) -> bool:
    if user.is_admin:
        return True
    enrolment = membership(user, course)
    return enrolment is not None and enrolment.role == "instructor"


def can_edit_quiz(user: User, quiz: Quiz) -> bool:
    if user.is_admin:
        return True
    if quiz.course is None:
        return quiz.owner_id == user.id
    return can_manage_course(user, quiz.course)


def editable_quiz_ids(user: User, quizzes: Iterable[Quiz]) -> set[int]:
    """The ids of these quizzes `user` may edit (can_edit_quiz for each), in one query for them all."""
    quizzes = list(quizzes)
    if user.is_admin:
        return {q.id for q in quizzes}
    teaching = set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.user_id == user.id,
                Enrolment.role == "instructor",
                Enrolment.course_id.in_({q.course_id for q in quizzes if q.course_id is not None}),
            )
        )
    )
    return {
        q.id
        for q in quizzes
        if (q.course_id in teaching if q.course_id is not None else q.owner_id == user.id)
    }


def can_take_quiz(user: User, quiz: Quiz) -> bool:
    if can_edit_quiz(user, quiz):
        return True
    return quiz.published and quiz.course is not None and can_view_course(user, quiz.course)


def can_see_attempt(user: User, attempt: Attempt) -> bool:
    """The student's own attempt, or one of a quiz the user edits (results, grading)."""
    if attempt.user_id == user.id:
        return True
    return attempt.quiz is not None and can_edit_quiz(user, attempt.quiz)


def can_grade(user: User, quiz: Quiz) -> bool:
    return can_edit_quiz(user, quiz)


def can_edit_bank(user: User) -> bool:
    return bool(user.is_instructor)


def can_export(user: User, quiz: Quiz | None = None) -> bool:
    """The bank (quiz None) for instructors; a quiz only for whoever edits it."""
    if quiz is None:
        return can_edit_bank(user)
    return can_edit_quiz(user, quiz)


# ---------------------------------------------------------------- for views: 404, then 403


def course_or_abort(course_id: int, user: User, *, manage: bool = False) -> Course:
    """The course to show (`manage`: to change); 404 if there is none, 403 if the user may not."""
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    allowed = can_manage_course(user, course) if manage else can_view_course(user, course)
    if not allowed:
        abort(403)
    return course


def quiz_or_abort(quiz_id: int, user: User | None = None, *, edit: bool = False) -> Quiz:
    """The quiz (`edit`: to change, so `user` must edit it); 404 if there is none, 403 if not allowed.
    Its items with their questions come in one more query: the builder, the checks before publishing and
    the statistics read them all."""
    quiz = db.session.get(Quiz, quiz_id, options=[selectinload(Quiz.items).selectinload(QuizItem.question)])
    if quiz is None:
        abort(404)
    if edit and (user is None or not can_edit_quiz(user, quiz)):
        abort(403)
    return quiz
