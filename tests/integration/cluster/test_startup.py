"""Starting nodes safely: `flask db-upgrade-locked` migrates once however many nodes run it together, and a
production node (gunicorn, through gunicorn.conf.py) refuses to start on a schema behind or ahead of the
code, a SECRET_KEY other than its peers', or no REDIS_URL, naming the setting."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.cluster.startup import SchemaState, key_fingerprint, schema_problem
from bench.harness.server import free_port
from tests.conftest import PgDatabase, require_postgres
from tests.reliability.conftest import require_gunicorn

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/13"


def test_schema_problem_names_the_revision_and_the_fix():
    known = frozenset({"a1", "b2"})
    assert schema_problem(SchemaState(("b2",), ("b2",), known)) is None
    behind = schema_problem(SchemaState(("a1",), ("b2",), known))
    assert "DATABASE_URL" in behind and "a1" in behind and "b2" in behind and "db-upgrade-locked" in behind
    empty = schema_problem(SchemaState((), ("b2",), known))
    assert "empty database" in empty
    ahead = schema_problem(SchemaState(("c3",), ("b2",), known))
    assert "c3" in ahead and "ahead of this code" in ahead


def test_key_fingerprint_tells_keys_apart_without_showing_them():
    assert key_fingerprint("one") == key_fingerprint(b"one")
    assert key_fingerprint("one") != key_fingerprint("two")
    assert "one" not in key_fingerprint("one")


def _env(url: str, secret: str, **extra: str) -> dict[str, str]:
    import os

    env = {
        **os.environ,
        "CASEWISE_CONFIG": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secret,
        "REDIS_URL": REDIS_URL,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def _gunicorn_refuses(env: dict[str, str]) -> str:
    """Start a node; it must exit on its own before serving. Returns its output."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "1",
        "--bind",
        f"127.0.0.1:{free_port()}",
        "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(
            f"the node started and served instead of refusing:\n{output.decode()[-2000:]}"
        ) from None
    assert process.returncode != 0
    assert b"Booting worker" not in output, "a worker booted: the node was serving"
    return output.decode(errors="replace")


@pytest.fixture
def pg_database():
    require_postgres()
    database = PgDatabase()
    url = database.create()
    try:
        yield url
    finally:
        database.drop()


@pytest.fixture
def redis_client():
    from tests.reliability.test_ratelimit_workers import require_redis

    client = require_redis()
    yield client
    client.close()


@pytest.mark.postgres
def test_nodes_migrating_together_migrate_once(pg_database):
    env = _env(pg_database, "k" * 40)
    results: list[subprocess.CompletedProcess] = []

    def run() -> None:
        results.append(_flask(env, "db-upgrade-locked"))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(200)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr[-800:] for r in results]
    assert all("Schema at head" in r.stdout for r in results)
    engine = create_engine(pg_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert len(versions) == 1


@pytest.mark.postgres
@pytest.mark.slow
def test_a_node_refuses_a_schema_behind_ahead_or_a_different_secret_key(pg_database, redis_client):
    require_gunicorn()
    secret = "first-" + uuid.uuid4().hex * 2
    env = _env(pg_database, secret)

    output = _gunicorn_refuses(env)  # never migrated
    assert "refuses to start" in output and "DATABASE_URL" in output and "db-upgrade-locked" in output

    assert _flask(env, "db-upgrade-locked").returncode == 0
    engine = create_engine(pg_database.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed1234'"))
        output = _gunicorn_refuses(env)
        assert "f00dfeed1234" in output and "ahead of this code" in output
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    finally:
        engine.dispose()

    # The first node to start records its key's fingerprint; a node with another key refuses.
    assert _flask(env, "forget-secret-key").returncode == 0
    from app.cluster.startup import fingerprint_redis_key

    with_psycopg = pg_database.replace("postgresql://", "postgresql+psycopg://", 1)
    redis_client.set(fingerprint_redis_key(with_psycopg), key_fingerprint(secret))
    try:
        output = _gunicorn_refuses(_env(pg_database, "second-" + uuid.uuid4().hex * 2))
        assert "SECRET_KEY differs" in output and "forget-secret-key" in output
    finally:
        redis_client.delete(fingerprint_redis_key(with_psycopg))

    output = _gunicorn_refuses(_env(pg_database, secret, REDIS_URL=""))
    assert "REDIS_URL is not set" in output
