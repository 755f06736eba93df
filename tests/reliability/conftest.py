"""Reliability fixtures: a realistic world built through the services, extra fresh databases (migrated like
production), row-by-row table snapshots, and gunicorn on loopback through the benchmark harness.

Every database and process a fixture creates, it removes in a finally block (processes by PID).
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import re
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import JSON, Engine, Text, cast, create_engine, select

from app import create_app
from app.extensions import db
from app.models import Article, Attempt, Course, Question, Quiz, User, utcnow
from app.quizzes import service as quizzes
from app.study import service as study
from tests.conftest import IN_CI, PgDatabase, require_postgres
from tests.factories import PASSWORD as PASSWORD  # the tests import it from here
from tests.factories import add_article, add_course, add_question, add_quiz, add_user

ARTICLE_TEXT = """Harrow Cycles and Quenby Motors agreed a joint venture in Tallin Bay on 2 March 2025.

The venture is worth 412.5 million euros, according to the companies' statement.

Harrow Cycles will build electric drive trains and Quenby Motors will sell the bikes in 14 countries.

Analysts warn that the venture depends on battery supplies from a single plant.
"""
QUOTE = "The venture is worth 412.5 million euros, according to the companies' statement."


def question_data(prefix: str = "rel") -> list[dict[str, Any]]:
    """Approved questions of several types, canonical form; explanations carry unique marker strings."""
    source = {"article": "harrow-quenby", "sentence_id": "p2s1", "quote": QUOTE}
    base = {"topic": "key-figures", "status": "approved", "source": source}
    data = [
        {
            "type": "mcq",
            "stem": "Where did the partners agree the venture?",
            "options": ["Tallin Bay", "Orsk", "Bremmel", "Vantor"],
            "answer": "Tallin Bay",
        },
        {
            "type": "multi",
            "stem": "What will each partner do? Select all that apply.",
            "options": ["Build drive trains", "Sell the bikes", "Mine lithium", "Run the plant"],
            "answer": ["Build drive trains", "Sell the bikes"],
        },
        {"type": "tf", "stem": "The venture was agreed in 2025.", "answer": True},
        {
            "type": "numeric",
            "stem": "How many million euros is the venture worth?",
            "answer": {"value": 412.5, "tolerance": 0.5, "unit": "million euros"},
        },
        {
            "type": "short",
            "stem": "Which document gives the value?",
            "answer": ["the statement", "statement"],
        },
        {
            "type": "cloze",
            "stem": "The bikes will be sold in {{1}} countries.",
            "answer": [["14", "fourteen"]],
        },
    ]
    return [
        {**base, **item, "id": f"{prefix}-{item['type']}-{n:03d}", "explanation": f"EXPL-{prefix}-{n}"}
        for n, item in enumerate(data, start=1)
    ]


def mcq_data(count: int, prefix: str = "bulk") -> list[dict[str, Any]]:
    """`count` plain mcq questions (for the load tests, which need many and grade nothing by hand)."""
    return [
        {
            "id": f"{prefix}-mcq-{n:03d}",
            "type": "mcq",
            "stem": f"Question {n}: which option is the right one?",
            "options": [f"Option A{n}", f"Option B{n}", f"Option C{n}", f"Option D{n}"],
            "answer": f"Option B{n}",
            "topic": "key-figures",
            "status": "approved",
            "explanation": f"EXPL-{prefix}-{n}",
        }
        for n in range(1, count + 1)
    ]


ANSWERS = {
    "mcq": "Tallin Bay",
    "multi": ["Build drive trains"],
    "tf": False,
    "numeric": "412.5",
    "short": "statement",
    "cloze": ["fourteen"],
}


def answer_all(attempt: Attempt, questions: list[Question], marker: str = "", first_seq: int = 1) -> None:
    """Autosave an answer to every question; short answers carry `marker` so a test can look for them."""
    for seq, question in enumerate(questions, start=first_seq):
        answer = f"{marker} statement".strip() if question.qtype == "short" else ANSWERS[question.qtype]
        quizzes.save_answer(attempt, question.id, answer, seq)


def study_some(user: User, reviews: int, start) -> list[str]:
    """Grade `reviews` cards through the study service (a new card each time); returns the request ids."""
    request_ids = []
    for n in range(reviews):
        now = start + timedelta(minutes=n)
        shown = study.next_card(user, study.everything(), now)
        assert isinstance(shown, study.Shown), "the world needs more approved questions"
        request_id = f"{user.username}-review-{n}-{uuid.uuid4().hex[:8]}"
        study.grade(user, shown.card.id, 1 + n % 4, request_id, 1500 + n, now=now)
        request_ids.append(request_id)
    return request_ids


@dataclass
class World:
    teacher: User
    students: list[User]
    course: Course
    article: Article
    questions: list[Question]
    quiz: Quiz  # feedback after submission: the review is open once submitted
    hidden_quiz: Quiz  # feedback after close, closing next week: the review is not open yet
    request_ids: dict[str, list[str]] = field(default_factory=dict)
    attempts: dict[str, list[int]] = field(default_factory=dict)


def build_world(students: int = 2) -> World:
    """Users, a course, an article, questions of every common type, cards with review logs, a submitted
    quiz attempt with responses, an attempt whose review is not open yet, one in progress, and practice."""
    teacher = add_user("teacher", "instructor")
    users = [add_user(f"student{n}") for n in range(1, students + 1)]
    course = add_course(teacher, "Ventures 101", "VENTURE1", users, "Joint ventures.")
    article = add_article(
        teacher, ARTICLE_TEXT, "harrow.txt", "Harrow and Quenby", "harrow-quenby", ["key-figures"]
    )
    questions = [add_question(data, article) for data in question_data("rel")]
    hidden_data = [d for d in question_data("hid") if d["type"] in ("mcq", "numeric", "short")]
    hidden_questions = [add_question(data, article) for data in hidden_data]
    # In no quiz, so studied and practised while the quizzes are open (their own questions are held back).
    for data in question_data("free"):
        add_question(data, article)
    quiz = add_quiz(
        teacher,
        course,
        questions,
        title="Venture quiz",
        feedback_timing="after_submission",
        attempts_allowed=0,
    )
    hidden_quiz = add_quiz(
        teacher,
        course,
        hidden_questions,
        title="Closed-book check",
        feedback_timing="after_close",
        closes_at=utcnow() + timedelta(days=7),
    )
    world = World(teacher, users, course, article, questions, quiz, hidden_quiz)
    start = utcnow() - timedelta(days=2)
    for user in users:
        world.request_ids[user.username] = study_some(user, 4, start)
        done = quizzes.start_attempt(quiz, user)
        answer_all(done, questions, marker=f"ANS-{user.username}")
        assert quizzes.submit_attempt(done)
        hidden = quizzes.start_attempt(hidden_quiz, user)
        answer_all(hidden, hidden_questions, marker=f"HID-{user.username}")
        assert quizzes.submit_attempt(hidden)
        open_attempt = quizzes.start_attempt(quiz, user)
        quizzes.save_answer(open_attempt, questions[0].id, ANSWERS["mcq"], 1)
        practice = quizzes.start_practice(user, topic="key-figures", count=3)
        first = practice.layout[0]["question_id"]
        quizzes.answer_practice(practice, first, _practice_answer(first))
        world.attempts[user.username] = [done.id, hidden.id, open_attempt.id, practice.id]
    return world


def _practice_answer(question_id: int) -> Any:
    question = db.session.get(Question, question_id)
    return ANSWERS[question.qtype]


# ---------------------------------------------------------------------------------------------- databases


def app_for(url: str) -> Flask:
    """An app on `url` with the test settings of tests/conftest.py."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing-not-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


def migrate(application: Flask) -> None:
    """The reviewed migrations, as `flask db upgrade` runs them in production."""
    with application.app_context():
        flask_migrate.upgrade()


def dispose(application: Flask) -> None:
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def fresh_url(backend, tmp_path) -> Iterator:
    """A factory of empty databases on the test's backend (or the one named): a SQLite file in tmp_path
    or a throwaway PostgreSQL database, dropped after the test."""
    created: list[PgDatabase] = []

    def make(name: str = "fresh", on: str | None = None) -> str:
        kind = on or backend
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        require_postgres()
        database = PgDatabase()
        url = database.create()
        created.append(database)
        return url

    try:
        yield make
    finally:
        for database in created:
            database.drop()


def table_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, by primary key; JSON columns also as their stored text and NULL-ness, so
    SQL NULL and JSON null are told apart."""
    snapshot = {}
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            extras = []
            for column in table.columns:
                if isinstance(column.type, JSON):
                    extras.append(column.is_(None))
            query = select(*table.columns, *extras).order_by(*table.primary_key.columns)
            snapshot[table.name] = [tuple(row) for row in conn.execute(query)]
    return snapshot


def json_texts(engine: Engine) -> dict[str, list[tuple]]:
    """The stored text of every JSON value (same-backend comparisons only: whitespace is backend-specific)."""
    out = {}
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [cast(c, Text) for c in table.columns if isinstance(c.type, JSON)]
            if columns:
                query = select(*columns).order_by(*table.primary_key.columns)
                out[table.name] = [tuple(row) for row in conn.execute(query)]
    return out


def engine_for(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


# ---------------------------------------------------------------------------------------------- servers


def require_gunicorn() -> None:
    if importlib.util.find_spec("gunicorn") is None:
        reason = "gunicorn is not installed (pip install -r requirements.txt)"
        if IN_CI:
            pytest.fail(f"CI must run the gunicorn tests, but {reason}")
        pytest.skip(reason)


def worker_pids(master: int) -> set[int]:
    """gunicorn's workers: the children of the master process, from /proc."""
    pids: set[int] = set()
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        try:
            pids |= {int(pid) for pid in children.read_text().split()}
        except OSError:
            continue
    return pids


# gunicorn's access log names the worker that served each request: "<pid> status method path".
ACCESS_LOG_ARGS = "--access-logfile - --access-logformat '%(p)s %(s)s %(m)s %(U)s'"
_ACCESS_LINE = re.compile(r"^<(\d+)> (\d{3}) ([A-Z]+) (\S+)$")


def server_env(url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The harness's production-like environment for gunicorn (CSRF on, plain HTTP on loopback), with an
    access log naming the worker of every request."""
    from bench.harness.server import app_env

    return app_env(url, uuid.uuid4().hex * 2, {"GUNICORN_CMD_ARGS": ACCESS_LOG_ARGS, **(extra or {})})


def served(log_path: Path) -> list[tuple[int, int, str, str]]:
    """(worker pid, status, method, path) of every request in the access log so far."""
    out = []
    for line in log_path.read_text(errors="replace").splitlines():
        match = _ACCESS_LINE.match(line.strip())
        if match:
            out.append((int(match[1]), int(match[2]), match[3], match[4]))
    return out


def wait_until_every_worker_serves(port: int, log_path: Path, workers: int = 2, limit: float = 60.0) -> None:
    """gunicorn forks its workers before they import the app: send /healthz on new connections until each
    worker has answered, so no test starts while one worker is still booting."""
    stop_at = time.monotonic() + limit
    while time.monotonic() < stop_at:
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(4)]
        try:
            for conn in conns:
                conn.request("GET", "/healthz")
            for conn in conns:
                conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass  # a worker being killed drops its connections: the load goes on
        finally:
            for conn in conns:
                conn.close()
        if len({pid for pid, *_ in served(log_path)}) >= workers:
            return
        time.sleep(0.1)
    raise AssertionError(f"not every one of {workers} workers answered within {limit:.0f}s")


def socket_count(pid: int) -> int:
    """Open sockets of a process (its listening socket and client connections), from /proc."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            continue
    return count


def stop_server(server) -> None:
    """Stop the harness's gunicorn by its PID: SIGINT first (quick shutdown; the test is over, and a
    graceful one waits for idle keep-alive connections), then the harness's stop, which reaps every PID."""
    process = server.process
    if process is not None and process.poll() is None:
        os.kill(process.pid, signal.SIGINT)
    server.stop()
