"""Operations: /healthz answers without the database, /readyz names the part that is down, and a locked
SQLite database or a lost PostgreSQL connection is a 503 with Retry-After, never a 500."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, event, text

from app import create_app
from app.errors import NOT_CHANGED, unavailable_kind
from app.extensions import db
from tests.security.conftest import client_for, world  # noqa: F401 - the security world, as a fixture

BROKEN_DB = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=1"


def _app(**overrides):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing-not-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            **overrides,
        }
    )


def test_healthz_needs_no_database_and_readyz_names_what_is_down():
    down = _app(SQLALCHEMY_DATABASE_URI=BROKEN_DB, REDIS_URL="redis://127.0.0.1:1/0")
    client = down.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("error:")
    assert body["checks"]["redis"].startswith("error:")
    assert body["message"] == "Not ready: database, redis unreachable."


def test_readyz_is_ready_with_the_database_and_redis(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    app.config["REDIS_URL"] = None
    only_db = app.test_client().get("/readyz").get_json()
    assert only_db["status"] == "ok" and only_db["checks"]["redis"].startswith("not configured")


def test_a_locked_sqlite_database_is_a_503_with_retry_after(tmp_path):
    """A second writer holds the write lock past a short busy timeout: the autosave is refused with 503,
    Retry-After and a certain "nothing saved", and goes through once the lock is released."""
    from tests.security.conftest import build_world

    path = tmp_path / "locked.db"
    application = _app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with application.app_context():
        db.create_all()
        world = build_world()
        question = world.questions["short"]
        url = f"/quizzes/attempts/{world.attempt_open.id}/save"
        client = client_for(application, world.user("student_a"))

        # The busy timeout set by app/database.py is 10 s; the blocking writer shortens the wait for the test.
        @event.listens_for(db.engine, "connect")
        def _short_wait(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA busy_timeout=200")

        db.engine.dispose()
        blocker = sqlite3.connect(path, timeout=0)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            response = client.post(url, json={"question_id": question.id, "answer": "the filing", "seq": 7})
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "2"
            error = response.get_json()["error"]
            assert error["code"] == "database_locked"
            assert error["message"].endswith(NOT_CHANGED.strip())
        finally:
            blocker.rollback()
            blocker.close()
        retried = client.post(url, json={"question_id": question.id, "answer": "the filing", "seq": 7})
        assert retried.status_code == 200, retried.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_lost_postgres_connection_is_a_503_without_a_promise(app, world, backend):  # noqa: F811
    """The server ends the session's connection between two requests: the next save is a 503 with
    Retry-After and no claim that nothing was saved (a commit may have been in flight); the one after it
    reconnects and saves."""
    qid = world.questions["short"].id
    url = f"/quizzes/attempts/{world.attempt_open.id}/save"
    client = client_for(app, world.user("student_a"))
    assert client.post(url, json={"question_id": qid, "answer": "one", "seq": 1}).status_code == 200
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    killer = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        conn.commit()
    killer.dispose()
    # The session still holds the connection it read the pid on: no pre-ping can save this request.
    response = client.post(url, json={"question_id": qid, "answer": "two", "seq": 2})
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "2"
    error = response.get_json()["error"]
    assert error["code"] == "database_lost"
    assert "Nothing" not in error["message"]
    db.session.remove()
    again = client.post(url, json={"question_id": qid, "answer": "three", "seq": 3})
    assert again.status_code == 200, again.get_data(as_text=True)


def test_other_database_errors_stay_500s():
    assert unavailable_kind(sqlite3.OperationalError("database is locked")) == "locked"
    assert unavailable_kind(sqlite3.OperationalError("no such table: quiz")) is None
    assert unavailable_kind(ValueError("x")) is None
