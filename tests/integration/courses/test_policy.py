"""The permission policy (app/policy.py) as plain functions of (user, object), without HTTP; the access
matrix in tests/security checks every route against it."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from app import policy
from app.extensions import db
from app.models import Attempt, Quiz
from tests.factories import add_course, add_quiz, add_user


@pytest.fixture
def people(app):
    with app.app_context():
        teacher = add_user("teacher", "instructor")
        other_teacher = add_user("other_teacher", "instructor")
        student = add_user("student")
        outsider = add_user("outsider")
        admin = add_user("admin", "admin")
        course = add_course(teacher, "Course One", "COURSE11", [student])
        yield {
            "teacher": teacher,
            "other_teacher": other_teacher,
            "student": student,
            "outsider": outsider,
            "admin": admin,
            "course": course,
        }


def test_members_see_a_course_and_its_instructors_and_admins_manage_it(people):
    course = people["course"]
    assert [
        name
        for name in ("teacher", "student", "outsider", "admin")
        if policy.can_view_course(people[name], course)
    ] == [
        "teacher",
        "student",
        "admin",
    ]
    managers = ("teacher", "other_teacher", "student", "admin")
    assert [name for name in managers if policy.can_manage_course(people[name], course)] == [
        "teacher",
        "admin",
    ]


def test_a_draft_quiz_is_taken_only_by_who_edits_it_and_a_published_one_by_the_course(people):
    quiz = add_quiz(people["teacher"], people["course"], [], title="Draft", published=False)
    assert policy.can_edit_quiz(people["teacher"], quiz) and policy.can_take_quiz(people["teacher"], quiz)
    assert not policy.can_take_quiz(people["student"], quiz)
    quiz.published = True
    db.session.commit()
    assert policy.can_take_quiz(people["student"], quiz)
    assert not policy.can_take_quiz(people["outsider"], quiz)
    assert not policy.can_edit_quiz(people["student"], quiz) and not policy.can_grade(people["student"], quiz)
    assert not policy.can_export(people["other_teacher"], quiz) and policy.can_export(people["other_teacher"])
    assert not policy.can_export(people["student"])


def test_a_quiz_outside_any_course_belongs_to_its_owner(people):
    quiz = Quiz(title="Loose", owner_id=people["other_teacher"].id, course_id=None, published=True)
    db.session.add(quiz)
    db.session.commit()
    assert policy.can_edit_quiz(people["other_teacher"], quiz) and policy.can_edit_quiz(people["admin"], quiz)
    assert not policy.can_edit_quiz(people["teacher"], quiz)
    assert not policy.can_take_quiz(people["student"], quiz)


def test_an_attempt_is_seen_by_its_student_and_whoever_edits_its_quiz(people):
    quiz = add_quiz(people["teacher"], people["course"], [], title="Q")
    attempt = Attempt(quiz_id=quiz.id, user_id=people["student"].id, number=1, layout=[])
    db.session.add(attempt)
    db.session.commit()
    seen = [
        name
        for name in ("student", "teacher", "other_teacher", "outsider")
        if policy.can_see_attempt(people[name], attempt)
    ]
    assert seen == ["student", "teacher"]


def test_the_view_helpers_answer_404_then_403(app, people):
    course, quiz = people["course"], add_quiz(people["teacher"], people["course"], [], title="Q")
    with app.test_request_context():
        assert policy.course_or_abort(course.id, people["student"]) is course
        with pytest.raises(Forbidden):
            policy.course_or_abort(course.id, people["student"], manage=True)
        with pytest.raises(NotFound):
            policy.course_or_abort(course.id + 1000, people["admin"])
        assert policy.quiz_or_abort(quiz.id, people["teacher"], edit=True) is quiz
        with pytest.raises(Forbidden):
            policy.quiz_or_abort(quiz.id, people["student"], edit=True)
        with pytest.raises(NotFound):
            policy.quiz_or_abort(quiz.id + 1000)
