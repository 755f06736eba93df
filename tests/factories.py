"""Shared test factories: users, articles, questions, courses and quizzes written straight to the database.

Every suite builds its worlds from these (the root conftest's `make_user`/`make_course`, the security and
reliability worlds); each suite keeps only the data its tests are about (its article text, its questions,
the answers it expects). They need an app context and commit what they add.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from werkzeug.security import generate_password_hash

from app.articles import service as articles
from app.bank.convert import apply_canonical
from app.courses import service as courses
from app.extensions import db
from app.models import Article, Course, Question, Quiz, User
from app.qtypes.schema import parse_question
from app.quizzes import service as quizzes

PASSWORD = "casewise-demo"  # what the demo accounts and every factory user log in with


@cache
def password_hash(method: str = "scrypt", password: str = PASSWORD) -> str:
    return generate_password_hash(password, method)  # once per run: hashing is slow on purpose


def add_user(
    username: str,
    role: str = "student",
    display_name: str | None = None,
    *,
    password: str = PASSWORD,
    fast_login: bool = False,
) -> User:
    """A user with the fixture password. `fast_login`: a cheap PBKDF2 hash, for load tests that log many
    users in over HTTP and test something other than password hashing (werkzeug reads either kind)."""
    digest = password_hash("pbkdf2:sha256:1000" if fast_login else "scrypt", password)
    user = User(
        username=username,
        display_name=display_name or username.replace("_", " ").title(),
        password_hash=digest,
        role=role,
    )
    db.session.add(user)
    db.session.commit()
    return user


def add_article(
    owner: User, text: str, filename: str, title: str, slug: str, topics: Sequence[str]
) -> Article:
    meta = articles.ArticleMeta(title=title, topics=list(topics), slug=slug)
    return articles.add_article(text.encode(), filename, meta, owner)


def add_question(data: dict[str, Any], article: Article | None, status: str | None = None) -> Question:
    """Store a canonical question as the bank loader does (validated by the schema first); `status`
    overrides the one in `data` (approved when it names none)."""
    question = Question(origin="bank", checks={})
    apply_canonical(question, parse_question(data).model_dump(mode="json"), article)
    if status is not None:
        question.status = status
    db.session.add(question)
    db.session.commit()
    return question


def add_course(
    owner: User, title: str, code: str | None = None, students: Iterable[User] = (), description: str = ""
) -> Course:
    """A course taught by `owner` (a join code made up when `code` is None) with `students` enrolled."""
    course = courses.create_course(owner, title, description, code)
    for student in students:
        courses.join_course(student, course.join_code)
    return course


def add_quiz(teacher: User, course: Course | None, questions: Iterable[Question], **settings: Any) -> Quiz:
    """A published quiz with `questions` as fixed items; `settings` are QuizSettings fields (title…)."""
    values = {"title": "Quiz", "course": course, "published": True, **settings}
    quiz = quizzes.save_quiz(teacher, quizzes.QuizSettings(**values))
    quizzes.add_questions(quiz, [q.id for q in questions])
    return quiz
