"""Quiz fixtures: the seeded demo course, and quizzes built from the seed bank through the service."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.service import find_user
from app.courses.service import find_by_code
from app.extensions import db
from app.models import Course, Question, Quiz, User
from app.quizzes import service


@dataclass
class Demo:
    instructor: User
    student: User
    student2: User
    course: Course


@pytest.fixture
def demo(seeded) -> Demo:
    return Demo(
        find_user("instructor"), find_user("student"), find_user("student2"), find_by_code("FAWDEMO8")
    )


def first_of(qtype: str) -> Question:
    return db.session.scalars(
        select(Question).where(Question.qtype == qtype, Question.status == "approved").order_by(Question.uid)
    ).first()


@pytest.fixture
def make_quiz(demo):
    def factory(types=("mcq", "numeric", "short"), **settings) -> Quiz:
        values = {"title": "Deal facts", "course": demo.course, "published": True, **settings}
        quiz = service.save_quiz(demo.instructor, service.QuizSettings(**values))
        service.add_questions(quiz, [first_of(t).id for t in types])
        return quiz

    return factory


class OwnUserClient(FlaskClient):
    """A test client whose requests never see another client's user.

    pytest-flask keeps one app context (and so one `g`) for the whole test, and Flask-Login caches the
    user in `g`; with two clients in one test the second would act as the first without this.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def login_client(app, username: str):
    """A separate test client logged in as `username` (its own cookie jar)."""
    client = OwnUserClient(app, app.response_class, use_cookies=True)
    response = client.post("/login", data={"username": username, "password": "casewise-demo"})
    assert response.status_code == 302, response.data
    return client
