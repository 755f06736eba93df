"""Shared fixtures: the app on SQLite and on PostgreSQL, clients, the CLI runner, and factories.

Every test that uses `app` runs twice: once on a fresh SQLite file and once on a fresh PostgreSQL
database (skipped with a printed reason when PostgreSQL is unreachable, except in CI where it must run).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import create_app
from app.extensions import db as _db
from tests import factories

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


def _test_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "testing-not-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "DEMO_PASSWORD": "casewise-demo",
        "INSTRUCTOR_SIGNUP_CODE": "teach-2025",
    }


# Fixtures that ask for a seeded database, and the `flask seed` arguments that build it.
SEED_VARIANTS = {"seeded": ["seed", "--no-demo"], "seeded_demo": ["seed"]}


class SeedTemplates:
    """Each seeded database is built once per session through the real CLI, then cloned for every test
    that asks for it: a file copy on SQLite, `CREATE DATABASE … TEMPLATE …` on PostgreSQL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, str], tuple[str, str]] = {}  # (backend, variant) -> (where, output)
        self.pg_names: list[str] = []

    def _build(self, url: str, variant: str) -> str:
        app = create_app(_test_config(url))
        with app.app_context():
            _db.create_all()
        # The command gets its own app context, so the study driver's connection is released with it.
        result = app.test_cli_runner().invoke(args=SEED_VARIANTS[variant])
        with app.app_context():
            _db.engine.dispose()
        assert result.exit_code == 0, result.output
        return result.output

    def _template(self, backend: str, variant: str) -> tuple[str, str]:
        key = (backend, variant)
        if key not in self.built:
            if backend == "sqlite":
                path = self.folder / f"{variant}.db"
                self.built[key] = (str(path), self._build(f"sqlite:///{path}", variant))
            else:
                name = f"casewise_tmpl_{uuid.uuid4().hex[:10]}"
                self.pg_names.append(name)
                with self._admin() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                url = make_url(pg_base_url()).set(database=name).render_as_string(hide_password=False)
                self.built[key] = (name, self._build(url, variant))
        return self.built[key]

    def _admin(self):
        return create_engine(pg_base_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool).connect()

    def clone(self, backend: str, variant: str, database_url: str) -> str:
        """Make `database_url` a copy of the template; returns the seed command's output."""
        where, output = self._template(backend, variant)
        if backend == "sqlite":
            # SQLite's backup API copies what is still in the template's WAL file too.
            with (
                closing(sqlite3.connect(where)) as source,
                closing(sqlite3.connect(make_url(database_url).database)) as copy,
            ):
                source.backup(copy)
        else:
            target = make_url(database_url).database
            with self._admin() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{where}"'))
        return output

    def drop(self) -> None:
        if self.pg_names:
            with self._admin() as conn:
                for name in self.pg_names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def seed_templates(tmp_path_factory) -> Iterator[SeedTemplates]:
    templates = SeedTemplates(tmp_path_factory.mktemp("seed-templates"))
    yield templates
    templates.drop()


@pytest.fixture
def app(database_url, backend, request, tmp_path):
    """The app on a fresh empty database, or on a clone of a seeded template when the test asks for
    `seeded` or `seeded_demo` (the seed command's output is then `app.config["SEED_OUTPUT"]`)."""
    variant = next((name for name in SEED_VARIANTS if name in request.fixturenames), None)
    output = None
    if variant is not None:
        output = request.getfixturevalue("seed_templates").clone(backend, variant, database_url)
    app = create_app(
        _test_config(database_url) | {"SEED_OUTPUT": output, "JOBS_FOLDER": str(tmp_path / "jobs")}
    )
    if variant is None:
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
    def factory(owner=None, title: str = "Strategy 101", code: str | None = None):
        owner = owner or make_user("teacher", "instructor")
        return factories.add_course(owner, title, code)

    return factory


@pytest.fixture
def seeded(app) -> SimpleNamespace:
    """The seed case (articles, bank, demo accounts and course) as `flask seed --no-demo` loads it,
    cloned from a template built once per session; `.output` is what the command printed."""
    return SimpleNamespace(output=app.config["SEED_OUTPUT"])


@pytest.fixture
def seeded_demo(app) -> SimpleNamespace:
    """Everything `flask seed` loads, demo quizzes, review queue and study history included."""
    return SimpleNamespace(output=app.config["SEED_OUTPUT"])
