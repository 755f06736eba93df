"""Department-size databases for the statement budgets: the seed plus bench/department.py's rows, built
once per test session and size (SQLite: a file; PostgreSQL: a database), then opened read-only by the
tests (they only GET pages)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import create_app
from app.extensions import db
from bench.department import Page, Summary, build, pages
from tests.conftest import _test_config, pg_base_url, require_postgres

# The budgets are checked at two sizes: a handful of rows, and the mid-size department.
SIZES = ("small", "mid")


@dataclass
class Department:
    app: Flask
    summary: Summary
    pages: dict[str, Page]
    seconds: float  # how long building it took (printed with -s; kept out of assertions)
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def client(self, username: str) -> FlaskClient:
        if username not in self.clients:
            client = self.app.test_client()
            response = client.post("/login", data={"username": username, "password": "casewise-demo"})
            assert response.status_code == 302, f"could not log in as {username}"
            self.clients[username] = client
        return self.clients[username]


def _build(url: str, size: str) -> Department:
    began = time.perf_counter()
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["seed", "--no-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    summary = build(url, size)
    with app.app_context():
        from app.models import Question

        approved = db.session.scalar(
            select(func.count()).select_from(Question).where(Question.status == "approved")
        )
        db.session.remove()
    listed = pages(summary, bank_pages=-(-approved // 20))
    return Department(app, summary, {p.name: p for p in listed}, time.perf_counter() - began)


@pytest.fixture(scope="session")
def departments(tmp_path_factory) -> Iterator[dict[tuple[str, str], Department]]:
    """(backend, size) -> Department, built on first use."""
    built: dict[tuple[str, str], Department] = {}
    pg_names: list[str] = []
    folder = tmp_path_factory.mktemp("departments")

    def get(backend: str, size: str) -> Department:
        key = (backend, size)
        if key not in built:
            if backend == "sqlite":
                url = f"sqlite:///{folder / f'{size}.db'}"
            else:
                name = f"casewise_dept_{uuid.uuid4().hex[:10]}"
                with create_engine(
                    pg_base_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool
                ).connect() as c:
                    c.execute(text(f'CREATE DATABASE "{name}"'))
                pg_names.append(name)
                url = make_url(pg_base_url()).set(database=name).render_as_string(hide_password=False)
            built[key] = _build(url, size)
            print(f"\n[pages] {backend} {size} department built in {built[key].seconds:.1f}s")
        return built[key]

    yield get  # type: ignore[misc]
    for department in built.values():
        with department.app.app_context():
            db.session.remove()
            db.engine.dispose()
    if pg_names:
        with create_engine(pg_base_url(), isolation_level="AUTOCOMMIT", poolclass=NullPool).connect() as c:
            for name in pg_names:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def department_pair(request, departments) -> dict[str, Department]:
    """The small and the mid department on one backend."""
    if request.param == "postgres":
        require_postgres()
    return {size: departments(request.param, size) for size in SIZES}
