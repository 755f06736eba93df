"""Shared fixtures: the app on SQLite and on PostgreSQL, clients, the CLI runner, and factories.

Every test that uses `app` runs twice: once on a fresh SQLite file and once on a fresh PostgreSQL
database (skipped with a printed reason when PostgreSQL is unreachable, except in CI where it must run).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db as _db

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _pg_unavailable() -> str | None:
    try:
        engine = create_engine(pg_base_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: no usable PostgreSQL here
        return f"PostgreSQL not reachable at {make_url(pg_base_url()).render_as_string(hide_password=True)}: {exc}"
    return None


def require_postgres() -> None:
    reason = _pg_unavailable()
    if reason:
        if IN_CI:
            pytest.fail(f"CI must run the PostgreSQL tests, but {reason}")
        pytest.skip(reason)


class PgDatabase:
    """A throwaway database on the PostgreSQL server, created for one test session."""

    def __init__(self) -> None:
        base = make_url(pg_base_url())
        self.name = f"casewise_test_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(base, isolation_level="AUTOCOMMIT")
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    def create(self) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    require_postgres()
    database = PgDatabase()
    yield database.create()
    database.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, tmp_path, request) -> str:
    if backend == "sqlite":
        return "sqlite:///" + str(tmp_path / "test.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing-not-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "DEMO_PASSWORD": "casewise-demo",
            "INSTRUCTOR_SIGNUP_CODE": "teach-2025",
        }
    )
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str = "student", password: str = "casewise-demo"):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def make_user(app):
    from app.auth.service import create_user

    def factory(username: str = "student", role: str = "student", password: str = "casewise-demo", **kw):
        return create_user(username, kw.get("display_name", username.title()), password, role)

    return factory


@pytest.fixture
def make_course(app, make_user):
    from app.courses.service import create_course

    def factory(owner=None, title: str = "Strategy 101", code: str | None = None):
        owner = owner or make_user("teacher", "instructor")
        return create_course(owner, title, "", code)

    return factory


@pytest.fixture
def seeded(app, runner):
    """The seed case loaded through the real CLI."""
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result
