"""Migration bed3f80600de (essay type, manual grading) on a database that holds cards: SQLite rebuilds the
question table without breaking their foreign keys; the downgrade removes essays and keeps the rest."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from app.extensions import db
from tests.integration.cli.test_migrations import _empty_database

AT = "2026-05-06 10:00:00"


def _question(conn, qid: int, qtype: str) -> None:
    conn.execute(
        text(
            "INSERT INTO question (id, uid, qtype, stem, answer, settings, explanation, topic, difficulty, tags,"
            " status, origin, sentence_ids, quote, checks, version, created_at, updated_at) VALUES (:id, :uid,"
            " :qtype, 'A stem.', 'true', '{}', '', 't', 'medium', '[]', 'approved', 'written', '[]', '', '{}',"
            " 1, :at, :at)"
        ),
        {"id": qid, "uid": f"q-{qid}", "qtype": qtype, "at": AT},
    )


def test_upgrade_keeps_cards_and_allows_essays_downgrade_removes_them(database_url):
    app = _empty_database(database_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "a764be321168"]).exit_code == 0
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO "user" (id, username, display_name, password_hash, role, timezone,'
                    " desired_retention, new_per_day, reviews_per_day, session_version, created_at)"
                    " VALUES (1, 'u', 'U', 'x', 'student', 'UTC', 0.9, 20, 200, 1, :at)"
                ),
                {"at": AT},
            )
            _question(conn, 1, "tf")
            conn.execute(
                text(
                    "INSERT INTO card (id, user_id, question_id, state, reps, lapses, due, created_at)"
                    " VALUES (1, 1, 1, 2, 3, 0, :at, :at)"
                ),
                {"at": AT},
            )
        upgrade = runner.invoke(args=["db", "upgrade"])
        assert upgrade.exit_code == 0, upgrade.output
        with engine.begin() as conn:
            _question(conn, 2, "essay")
            assert conn.execute(text("SELECT ungraded FROM attempt")).all() == []
            assert conn.execute(text("SELECT question_id FROM card")).scalars().all() == [1]
        downgrade = runner.invoke(args=["db", "downgrade", "a764be321168"])
        assert downgrade.exit_code == 0, downgrade.output
        with engine.begin() as conn:
            assert conn.execute(text("SELECT qtype FROM question ORDER BY id")).scalars().all() == ["tf"]
            assert conn.execute(text("SELECT question_id FROM card")).scalars().all() == [1]
    finally:
        engine.dispose()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
