"""The benchmark endpoints exist only with BENCH_ENDPOINTS; with it, /bench/insert writes exactly one row
into the bench's own table, which the app's schema does not have."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from app import create_app
from app.extensions import db
from bench.harness import endpoints
from bench.harness.endpoints import bench_ping


@pytest.fixture
def bench_app(database_url):
    # CSRF stays on (the default): the bench endpoints must answer without a token, other POSTs must not.
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing-not-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "BENCH_ENDPOINTS": True,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        endpoints.create_table(db.engine)
    yield app
    with app.app_context():
        db.session.remove()
        endpoints.drop_table(db.engine)
        db.drop_all()
        db.engine.dispose()


def _ping_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(bench_ping.c.id).order_by(bench_ping.c.id)))


def test_bench_endpoints_are_absent_without_the_flag(app, client):
    assert app.config["BENCH_ENDPOINTS"] is False
    assert client.get("/bench/hello").status_code == 404
    assert client.post("/bench/insert").status_code == 404


def test_hello_answers_plain_text(bench_app):
    response = bench_app.test_client().get("/bench/hello")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.data == b"hello"


def test_insert_adds_exactly_one_row_per_request_without_a_csrf_token(bench_app):
    client = bench_app.test_client()
    first = client.post("/bench/insert")
    assert first.status_code == 200
    assert _ping_ids(bench_app) == [first.get_json()["id"]]
    second = client.get("/bench/insert")
    assert second.status_code == 200
    assert _ping_ids(bench_app) == [first.get_json()["id"], second.get_json()["id"]]


def test_other_posts_still_need_a_csrf_token(bench_app):
    assert bench_app.test_client().post("/logout").status_code == 400


def test_endpoints_refuse_when_the_flag_is_turned_off_after_registration(bench_app):
    bench_app.config["BENCH_ENDPOINTS"] = False
    client = bench_app.test_client()
    assert client.get("/bench/hello").status_code == 404
    assert client.post("/bench/insert").status_code == 404
    assert _ping_ids(bench_app) == []


def test_the_apps_schema_has_no_bench_table(app):
    with app.app_context():
        assert "bench_ping" not in db.metadata.tables
        assert "bench_ping" not in sa_inspect(db.engine).get_table_names()


def test_ready_says_whether_this_process_has_loaded_the_english_pipeline(bench_app, monkeypatch):
    """The bench measures after each worker's background load of the pipeline (wsgi.py), not during it."""
    from app.generation import nlp

    client = bench_app.test_client()
    monkeypatch.setattr(nlp, "loaded", lambda: False)
    assert client.get("/bench/ready").status_code == 503
    monkeypatch.undo()
    nlp.pipeline()
    assert nlp.loaded()
    assert client.get("/bench/ready").status_code == 200
