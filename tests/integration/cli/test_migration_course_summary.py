"""The course-summary migration fills the daily rows from the review log already there, and downgrades."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from app.auth.service import create_user
from app.courses.service import create_course, join_course
from app.extensions import db
from app.models import Card, Question
from app.study import reports
from tests.integration.cli.test_migrations import _empty_database
from tests.integration.study.conftest import made_log

BEFORE = "f5c3b8a0d214"


def test_the_migration_fills_the_daily_summary_from_the_review_log(database_url):
    app = _empty_database(database_url)
    runner = app.test_cli_runner()
    # The rows are written through today's models, then the schema goes back to before the summary, so
    # the upgrade below fills the summary from a log that was there first (later columns come and go).
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    with app.app_context():
        teacher = create_user("teacher", "T", "a-long-password", "instructor")
        pupil = create_user("pupil", "P", "a-long-password", "student")
        loner = create_user("loner", "L", "a-long-password", "student")  # in no course
        course = create_course(teacher, "Strategy")
        join_course(pupil, course.join_code)
        questions = [
            Question(uid=f"q-{i}", qtype="tf", stem="S.", answer="true", topic=topic, status="approved")
            for i, topic in enumerate(("figures", "risks"))
        ]
        db.session.add_all(questions)
        db.session.flush()
        cards = [Card(user_id=user.id, question_id=q.id) for user in (pupil, loner) for q in questions]
        db.session.add_all(cards)
        db.session.flush()
        # 23:59 and 00:01 UTC fall on two days; the loner's answer belongs to no course.
        db.session.add_all(
            [
                made_log(pupil.id, cards[0].id, datetime(2026, 5, 6, 23, 59, tzinfo=UTC), 3, 2, 1),
                made_log(pupil.id, cards[0].id, datetime(2026, 5, 7, 0, 1, tzinfo=UTC), 1, 2, 2),
                made_log(pupil.id, cards[1].id, datetime(2026, 5, 7, 9, 0, tzinfo=UTC), 4, 0, 3),
                made_log(loner.id, cards[2].id, datetime(2026, 5, 7, 9, 0, tzinfo=UTC), 3, 2, 4),
            ]
        )
        db.session.commit()
        course_id = course.id
        db.session.remove()
    downgrade = runner.invoke(args=["db", "downgrade", BEFORE])
    assert downgrade.exit_code == 0, downgrade.output
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    with app.app_context():
        rows = db.session.execute(
            text("SELECT topic, day, reviews, mature, passed FROM course_topic_day ORDER BY topic, day")
        ).all()
        assert [(t, str(d), n, m, p) for t, d, n, m, p in rows] == [
            ("figures", "2026-05-06", 1, 1, 1),
            ("figures", "2026-05-07", 1, 1, 0),
            ("risks", "2026-05-07", 1, 0, 0),
        ]
        summary, log = reports.summary_matches_log(course_id)
        assert summary == log and summary[0][1] == date(2026, 5, 6)
        db.session.remove()
    downgrade = runner.invoke(args=["db", "downgrade", BEFORE])
    assert downgrade.exit_code == 0, downgrade.output
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM review_log")).scalar() == 4
        db.session.remove()
        db.engine.dispose()
