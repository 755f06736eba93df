"""Migration a3c5e7f9b1d2: a quiz whose feedback was "immediate" (which only ever gave it after submission)
says "after_submission"; the other timings are left as they were."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from app.extensions import db
from tests.integration.cli.test_migrations import _empty_database

AT = "2026-12-01 10:00:00"
BEFORE = "e2b9c47a1f53"


def test_immediate_becomes_after_submission_and_nothing_else_changes(database_url):
    app = _empty_database(database_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    engine = create_engine(database_url)
    timings = {1: "immediate", 2: "after_submission", 3: "after_close"}
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO "user" (id, username, display_name, password_hash, role, timezone,'
                    " desired_retention, new_per_day, reviews_per_day, session_version, created_at)"
                    " VALUES (1, 'teacher', 'T', 'x', 'instructor', 'UTC', 0.9, 20, 200, 1, :at)"
                ),
                {"at": AT},
            )
            for qid, timing in timings.items():
                conn.execute(
                    text(
                        "INSERT INTO quiz (id, title, description, owner_id, attempts_allowed, grading_method,"
                        " shuffle_questions, shuffle_options, feedback_timing, published, closes_at, created_at)"
                        " VALUES (:id, :title, '', 1, 1, 'highest', false, false, :timing, true, :closes, :at)"
                    ),
                    {"id": qid, "title": f"Quiz {qid}", "timing": timing, "closes": AT, "at": AT},
                )
        upgrade = runner.invoke(args=["db", "upgrade"])
        assert upgrade.exit_code == 0, upgrade.output
        with engine.begin() as conn:
            rows = dict(conn.execute(text("SELECT id, feedback_timing FROM quiz")).all())
        assert rows == {1: "after_submission", 2: "after_submission", 3: "after_close"}
        downgrade = runner.invoke(args=["db", "downgrade", BEFORE])
        assert downgrade.exit_code == 0, downgrade.output
    finally:
        engine.dispose()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
