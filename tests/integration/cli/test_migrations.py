"""The reviewed migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import MetaData, create_engine, inspect, text

from app import create_app
from app.extensions import db


def _empty_database(database_url: str):
    """An app on a database with no tables at all: not the models' tables, not alembic_version, nor one
    another test left there that no model knows (the bench's bench_ping, say), found by reflection."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    with app.app_context(), db.engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn)
        tables.drop_all(conn)
    return app


def test_upgrade_then_check_finds_no_drift(database_url):
    app = _empty_database(database_url)
    runner = app.test_cli_runner()
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"user", "course", "article", "segment", "question", "card", "review_log", "attempt"} <= tables
    downgrade = runner.invoke(args=["db", "downgrade", "base"])
    assert downgrade.exit_code == 0, downgrade.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_migration_fills_study_day_from_the_review_log(database_url):
    """Each answer lands on its study day in the student's time zone (4 AM rollover)."""
    app = _empty_database(database_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "5f2c7a1d9b3e"]).exit_code == 0
    engine = create_engine(database_url)
    ts = "2026-05-06 {}:00:00"
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TIME ZONE 'UTC'"))  # the times below are UTC
        conn.execute(
            text(
                'INSERT INTO "user" (id, username, display_name, password_hash, role, timezone,'
                " desired_retention, new_per_day, reviews_per_day, session_version, created_at)"
                " VALUES (1, 'tokyo', 'T', 'x', 'student', 'Asia/Tokyo', 0.9, 20, 200, 1, :at)"
            ),
            {"at": ts.format("00")},
        )
        conn.execute(
            text(
                "INSERT INTO question (id, uid, qtype, stem, answer, settings, explanation, topic,"
                " difficulty, tags, status, origin, sentence_ids, quote, checks, version, created_at,"
                " updated_at) VALUES (1, 'q-1', 'tf', 'S.', 'true', '{}', '', 't', 'medium', '[]',"
                " 'approved', 'written', '[]', '', '{}', 1, :at, :at)"
            ),
            {"at": ts.format("00")},
        )
        conn.execute(
            text(
                "INSERT INTO card (id, user_id, question_id, state, reps, lapses, due, created_at)"
                " VALUES (1, 1, 1, 2, 3, 0, :at, :at)"
            ),
            {"at": ts.format("00")},
        )
        # Tokyo is UTC+9: 18:00 UTC is 03:00 the next morning (still the 6th's study day), 20:00 UTC
        # is 05:00 (the 7th's).
        for number, (hour, state_before) in enumerate([("10", 0), ("18", 2), ("20", 2), ("21", 1)]):
            conn.execute(
                text(
                    "INSERT INTO review_log (user_id, card_id, request_id, rating, reviewed_at,"
                    " state_before, card_before, created_at) VALUES (1, 1, :rid, 3, :at, :state, '{}', :at)"
                ),
                {"rid": f"r{number}", "at": ts.format(hour), "state": state_before},
            )
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT day, new_done, reviews_done, done FROM study_day ORDER BY day")
        ).all()
    engine.dispose()
    assert [(str(day), new, reviews, done) for day, new, reviews, done in rows] == [
        ("2026-05-06", 1, 1, 2),
        ("2026-05-07", 0, 1, 2),
    ]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_review_logs_prior_state_moves_from_json_to_columns_and_back(database_url):
    """e4a9d2c71b35 fills review_log's *_before columns from card_before; its downgrade rebuilds the JSON.
    Upgrading a database with cards and logs keeps every row (no table rebuild cascades)."""
    app = _empty_database(database_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "d81b5c0e6f27"]).exit_code == 0
    engine = create_engine(database_url)
    at = "2026-05-06 10:00:00"
    snapshot = (
        '{"state": 2, "step": null, "stability": 12.5, "difficulty": 4.25, "due": "2026-05-06T04:00:00+00:00",'
        ' "last_review": "2026-04-26T09:30:00+00:00", "reps": 3, "lapses": 1, "interval_days": 10}'
    )
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET TIME ZONE 'UTC'"))
        conn.execute(
            text(
                'INSERT INTO "user" (id, username, display_name, password_hash, role, timezone,'
                " desired_retention, new_per_day, reviews_per_day, session_version, created_at)"
                " VALUES (1, 'ana', 'A', 'x', 'student', 'UTC', 0.9, 20, 200, 1, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO question (id, uid, qtype, stem, answer, settings, explanation, topic,"
                " difficulty, tags, status, origin, sentence_ids, quote, checks, version, created_at,"
                " updated_at) VALUES (1, 'q-1', 'tf', 'S.', 'true', '{}', '', 't', 'medium', '[]',"
                " 'approved', 'written', '[]', '', '{}', 1, :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO card (id, user_id, question_id, state, reps, lapses, due, created_at)"
                " VALUES (1, 1, 1, 2, 4, 1, :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO review_log (user_id, card_id, request_id, rating, reviewed_at, state_before,"
                " card_before, created_at) VALUES (1, 1, 'r1', 3, :at, 2, :snapshot, :at)"
            ),
            {"at": at, "snapshot": snapshot},
        )
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT step_before, stability_before, difficulty_before, reps_before, lapses_before,"
                " interval_days_before FROM review_log"
            )
        ).one()
        assert tuple(row) == (None, 12.5, 4.25, 3, 1, 10)
        assert conn.execute(text("SELECT count(*) FROM card")).scalar() == 1
        assert conn.execute(text('SELECT count(*) FROM "user"')).scalar() == 1
    assert "card_before" not in {c["name"] for c in inspect(engine).get_columns("review_log")}
    downgrade = runner.invoke(args=["db", "downgrade", "d81b5c0e6f27"])
    assert downgrade.exit_code == 0, downgrade.output
    with engine.connect() as conn:
        restored = conn.execute(text("SELECT card_before FROM review_log")).scalar()
    engine.dispose()
    restored = json.loads(restored) if isinstance(restored, str) else restored
    assert (restored["stability"], restored["reps"], restored["interval_days"]) == (12.5, 3, 10)
    assert restored["due"].startswith("2026-05-06T04:00:00")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
