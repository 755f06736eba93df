"""Security fixtures: a small realistic world (two courses, every question type, student A's records),
clients logged in as each role, and the URL of every route pointed at student A's / course 1's records.

The world is built through the services (no HTTP, no seed): building it takes well under a second, so
every security test can have its own on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule

from app.extensions import db
from app.jobs import jobs_folder
from app.models import Article, Attempt, Card, Course, Job, Question, Quiz, QuizItem, Response, User
from app.quizzes import service as quizzes
from app.study import service as study
from tests.factories import PASSWORD as PASSWORD  # the tests import it from here
from tests.factories import add_article, add_course, add_question, add_quiz, add_user

# The roles of the access matrix, in the order of its columns.
ROLES = ("anon", "student_a", "student_b", "teacher", "other_teacher", "admin")

ARTICLE_TEXT = """Kestrel Motors and Orinth Group signed a partnership in Vexport on 4 May 2024.

The deal values Kestrel Motors at 731.5 million dollars, according to the filing.

Kestrel Motors will supply drive units, smart cockpits and battery packs to Orinth Group.

Analysts expect the alliance to cut Orinth Group's development costs by a third.
"""

# Key strings: each appears in the answer key, explanation or quote of exactly one question and nowhere a
# student may see it before feedback is due (test_answer_keys searches every response for them).
EXPLANATION = "KEYSTRING-EXPLAIN-{}: the filing names the figure."
QUOTE_SID = "p2s1"
QUOTE = "The deal values Kestrel Motors at 731.5 million dollars, according to the filing."


def question_data() -> list[dict[str, Any]]:
    """One approved question of every type, in canonical form (the shape the bank and YAML use)."""
    source = {"article": "kestrel-orinth", "sentence_id": QUOTE_SID, "quote": QUOTE}
    base = {"topic": "key-figures", "status": "approved", "source": source}
    return [
        {
            **base,
            "id": "sec-mcq-001",
            "type": "mcq",
            "stem": "Where did Kestrel Motors and Orinth Group sign their partnership?",
            "options": ["Vexport", "Lumbria", "Sardova", "Pellith"],
            "answer": "Sardova",
        },
        {
            **base,
            "id": "sec-multi-001",
            "type": "multi",
            "stem": "Which products will Kestrel Motors supply to Orinth Group? Select all that apply.",
            "options": ["Drive units", "Smart cockpits", "Gearboxes", "Lidar sensors"],
            "answer": ["Gearboxes", "Lidar sensors"],
        },
        {
            **base,
            "id": "sec-tf-001",
            "type": "tf",
            "stem": "The deal was signed before 2024 began.",
            "answer": True,
        },
        {
            **base,
            "id": "sec-numeric-001",
            "type": "numeric",
            "stem": "At how many million dollars does the deal value Kestrel Motors?",
            "answer": {"value": 987.25, "tolerance": 0.5, "unit": "million dollars"},
        },
        {
            **base,
            "id": "sec-cloze-001",
            "type": "cloze",
            "stem": "The partners signed in {{1}} on {{2}}.",
            "answer": [["Quillonbay", "Quillon Bay"], ["Zephyrday"]],
        },
        {
            **base,
            "id": "sec-matching-001",
            "type": "matching",
            "stem": "Match each company with what it does in the deal.",
            "answer": [
                {"left": "Kestrel Motors", "right": "supplies drive units"},
                {"left": "Orinth Group", "right": "cuts development costs"},
                {"left": "Vexport", "right": "hosts the signing"},
            ],
        },
        {
            **base,
            "id": "sec-short-001",
            "type": "short",
            "stem": "Which document values the deal, according to the article?",
            "answer": ["Glimmerfile", "the Glimmerfile"],
        },
    ]


def key_strings(question: dict[str, Any]) -> list[str]:
    """Strings that reveal a question's key and may not appear while it is being answered.

    Options of mcq/multi and the sides of matching pairs are shown by design; which ones are right is
    checked by test_answer_keys' invariance test instead.
    """
    strings = [question["explanation"]] if question.get("explanation") else []
    answer = question["answer"]
    if question["type"] == "numeric":
        strings.append(f"{answer['value']:g}")
    elif question["type"] == "cloze":
        strings += [variant for variants in answer for variant in variants]
    elif question["type"] == "short":
        strings += answer
    return strings


# ---------------------------------------------------------------------------------------------- clients


class OwnUserClient(FlaskClient):
    """A test client whose requests never see another client's user or CSRF token (Flask-Login and
    Flask-WTF cache them in `g`, which pytest-flask's pushed context shares between clients)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
            g.pop("csrf_token", None)  # Flask-WTF's signed token of whichever session asked last
        return super().open(*args, **kwargs)


def client_for(app: Flask, user: User | None) -> OwnUserClient:
    """A fresh client, logged in as `user` (None: anonymous) without paying for a password check.

    The session is what a real login writes (user id with its session version, fresh, the strong
    session-protection identifier); tests of the login itself use the real form.
    """
    client = OwnUserClient(app, app.response_class, use_cookies=True)
    if user is not None:
        db.session.refresh(user)
        with app.test_request_context(environ_base=client.environ_base):
            identifier = app.login_manager._session_identifier_generator()
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
            sess["_id"] = identifier
    return client


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, f"no csrf-token meta tag on {path}"
    return match.group(1)


# ---------------------------------------------------------------------------------------------- world


@dataclass
class World:
    users: dict[str, User | None]
    course: Course
    other_course: Course
    article: Article
    questions: dict[str, Question]
    candidate: Question
    quiz: Quiz
    other_quiz: Quiz
    item: QuizItem
    attempt_done: Attempt
    attempt_open: Attempt
    practice: Attempt
    card: Card
    free: Question  # approved and in no quiz
    topic: str = "key-figures"
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.users[role]


ANSWERS = {
    "mcq": "Vexport",
    "multi": ["Drive units"],
    "tf": False,
    "numeric": "731.5",
    "cloze": ["Vexport", "4 May"],
    "matching": {"Kestrel Motors": "cuts development costs"},
    "short": "the filing",
}


def build_world(explanations: bool = True) -> World:
    users: dict[str, User | None] = {"anon": None}
    users["student_a"] = add_user("student_a")
    users["student_b"] = add_user("student_b")
    users["teacher"] = add_user("teacher", "instructor")
    users["other_teacher"] = add_user("other_teacher", "instructor")
    users["admin"] = add_user("admin", "admin")
    students = [users["student_a"], users["student_b"]]
    course = add_course(users["teacher"], "Course One", "COURSE11", students, "The first course.")
    other = add_course(users["other_teacher"], "Course Two", "COURSE22", description="Another course.")

    article = add_article(
        users["teacher"], ARTICLE_TEXT, "kestrel.txt", "Kestrel and Orinth", "kestrel-orinth", ["key-figures"]
    )
    questions = {}
    for data in question_data():
        if explanations:
            data["explanation"] = EXPLANATION.format(data["type"])
        questions[data["type"]] = add_question(data, article)
    candidate_data = {**question_data()[0], "id": "sec-candidate-001", "status": "candidate"}
    candidate = add_question(candidate_data, article, status="candidate")
    # In no quiz: what student A may study and practise while the quiz holds the others (exam integrity).
    free_data = {
        **question_data()[0],
        "id": "sec-free-001",
        "stem": "In which town did the partners sign, according to the article?",
    }
    if explanations:
        free_data["explanation"] = "The article names the town of the signing."
    free = add_question(free_data, article)

    quiz = add_quiz(
        users["teacher"],
        course,
        questions.values(),
        title="Deal quiz",
        attempts_allowed=0,
        description="About the deal.",
    )
    other_quiz = add_quiz(users["other_teacher"], other, [questions["mcq"]], title="Other quiz")

    student_a = users["student_a"]
    done = quizzes.start_attempt(quiz, student_a)
    quizzes.submit_attempt(done, {q.id: ANSWERS[t] for t, q in questions.items()})
    attempt_open = quizzes.start_attempt(quiz, student_a)
    practice = quizzes.start_practice(student_a, topic="key-figures", count=3)

    shown = study.next_card(student_a, study.everything())
    study.grade(student_a, shown.card.id, 3, uuid.uuid4().hex)
    card = db.session.get(Card, shown.card.id)
    return World(
        users=users,
        course=course,
        other_course=other,
        article=article,
        questions=questions,
        candidate=candidate,
        quiz=quiz,
        other_quiz=other_quiz,
        item=quiz.items[0],
        attempt_done=done,
        attempt_open=attempt_open,
        practice=practice,
        card=card,
        free=free,
    )


@pytest.fixture
def world(app) -> World:
    return build_world()


@pytest.fixture(scope="session")
def bare_app() -> Flask:
    """The app as the tests configure it, without a database: for checks of the URL map and of pages that
    never touch the database (a test that needs records uses `app` and `world`)."""
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing-not-secret",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


@pytest.fixture
def as_role(app, world) -> Callable[[str], OwnUserClient]:
    """A fresh client logged in as one of ROLES."""
    return lambda role: client_for(app, world.user(role))


# ---------------------------------------------------------------------------------------------- routes

# The record each URL parameter points at, unless ROUTE_ARGS says otherwise: student A's records and
# course 1's quiz, so that "student B", "instructor of another course" and "anonymous" are refused
# something that exists.
PARAM_DEFAULTS: dict[str, Callable[[World], Any]] = {
    "quiz_id": lambda w: w.quiz.id,
    "course_id": lambda w: w.course.id,
    "slug": lambda w: w.article.slug,
    "attempt_id": lambda w: w.attempt_done.id,
    "item_id": lambda w: w.item.id,
    "topic": lambda w: w.topic,
    "uid": lambda w: w.candidate.uid,
    "filename": lambda w: "style.css",
    # Student A's short answer in the submitted attempt (gradable by hand).
    "response_id": lambda w: db.session.scalar(
        select(Response.id).where(
            Response.attempt_id == w.attempt_done.id, Response.question_id == w.questions["short"].id
        )
    ),
    "user_id": lambda w: w.user("student_a").id,
    "launch_id": lambda w: "lti1p3-launch-expired",
    "platform_id": lambda w: 1,
    "score_id": lambda w: 1,
    "token": lambda w: "not-a-registration-token",
    "job_id": lambda w: student_a_job(w).id,
}


def student_a_job(world: World) -> Job:
    """A finished job of student A's with a file to download (made once per world)."""
    if "job" not in world.extra:
        job = Job(kind="export.bank", owner_id=world.user("student_a").id, state="done", params={})
        db.session.add(job)
        db.session.flush()
        path = jobs_folder() / str(job.id) / "result.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
        job.result_path = f"{job.id}/result.json"
        db.session.commit()
        world.extra["job"] = job
    return world.extra["job"]


# Per-route URL values (path parameters, and "?name" for query arguments) where the default is not the
# record that route is about.
ROUTE_ARGS: dict[str, dict[str, Callable[[World], Any]]] = {
    "quizzes.attempt": {"attempt_id": lambda w: w.attempt_open.id},
    "quizzes.post_attempt": {"attempt_id": lambda w: w.attempt_open.id},
    "quizzes.save": {"attempt_id": lambda w: w.attempt_open.id},
    "quizzes.flag": {"attempt_id": lambda w: w.attempt_open.id},
    "quizzes.summary": {"attempt_id": lambda w: w.attempt_open.id},
    "quizzes.practice_attempt": {"attempt_id": lambda w: w.practice.id},
    "quizzes.practice_answer": {"attempt_id": lambda w: w.practice.id},
    "study.index": {"?card": lambda w: w.card.id},  # student A's card: anyone else gets 404
    "courses.remove_student": {"user_id": lambda w: w.user("other_teacher").id},
    "study.next_json": {"?after": lambda w: w.card.id},  # the card after student A's card
    "bank.edit": {"uid": lambda w: w.questions["mcq"].uid},
    "bank.history": {"uid": lambda w: w.questions["mcq"].uid},
    "exports.index": {"?scope": lambda w: "quiz", "?id": lambda w: w.quiz.id},
    "exports.download": {"?scope": lambda w: "quiz", "?id": lambda w: w.quiz.id, "?format": lambda w: "json"},
}


def app_rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def route_methods(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods or () if m not in ("HEAD", "OPTIONS"))


def url_for_rule(rule: Rule, world: World) -> str:
    """The URL of `rule` pointing at the world's records (student A's / course 1's)."""
    overrides = ROUTE_ARGS.get(rule.endpoint, {})
    values = {}
    for name in rule.arguments:
        getter = overrides.get(name) or PARAM_DEFAULTS.get(name)
        assert getter is not None, (
            f"{rule.endpoint}: no value for URL parameter {name!r}; add it to PARAM_DEFAULTS"
        )
        values[name] = getter(world)
    query = {name[1:]: getter(world) for name, getter in overrides.items() if name.startswith("?")}
    path = rule.build(values, append_unknown=False)[1]
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query)
    return path


def state_changing(rule: Rule) -> list[str]:
    return [m for m in route_methods(rule) if m in ("POST", "PUT", "PATCH", "DELETE")]


def row_counts() -> dict[str, int]:
    """Rows in every table: the same before and after means a refused request wrote nothing."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
