"""Course statistics: the page's read from the summary against the old per-request scan of the review log,
and the cost of one summary refresh, on a generated course (default 1,500 students, 100,000 reviews).

    .venv/bin/python bench/course_stats_bench.py [--students N] [--reviews N] [--url DATABASE_URL]

Prints figures (median of 5 runs, in ms); asserts nothing. The database is a throwaway SQLite file unless
--url names another (it is emptied first).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import and_, case, func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Card, Course, Enrolment, Question, ReviewLog, User  # noqa: E402
from app.study import reports  # noqa: E402
from app.study.scheduler import STATE_REVIEW  # noqa: E402

TOPICS = 20


def _median_ms(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _build(students: int, reviews: int, now: datetime) -> int:
    rng = random.Random(7)
    db.session.execute(
        insert(User),
        [
            {"id": i, "username": f"u{i}", "display_name": f"U{i}", "password_hash": "x", "role": "student"}
            for i in range(1, students + 2)
        ],
    )
    db.session.execute(
        insert(Course), [{"id": 1, "title": "Big", "join_code": "BIGBIG01", "owner_id": students + 1}]
    )
    db.session.execute(
        insert(Enrolment), [{"course_id": 1, "user_id": i, "role": "student"} for i in range(1, students + 1)]
    )
    questions = TOPICS * 10
    db.session.execute(
        insert(Question),
        [
            {
                "id": q,
                "uid": f"q-{q}",
                "qtype": "tf",
                "stem": "S.",
                "answer": "true",
                "topic": f"topic-{q % TOPICS}",
            }
            for q in range(1, questions + 1)
        ],
    )
    per_student = max(1, min(questions, reviews // students))
    cards = []
    for user in range(1, students + 1):
        for q in rng.sample(range(1, questions + 1), per_student):
            cards.append(
                {
                    "user_id": user,
                    "question_id": q,
                    "state": 2,
                    "stability": rng.uniform(1, 60),
                    "last_review": now - timedelta(days=rng.uniform(0, 40)),
                    "due": now,
                }
            )
    db.session.execute(insert(Card), cards)
    card_rows = db.session.execute(select(Card.id, Card.user_id)).all()
    logs = []
    for n in range(reviews):
        card_id, user_id = card_rows[n % len(card_rows)]
        at = now - timedelta(days=rng.uniform(0, 60))
        logs.append(
            {
                "user_id": user_id,
                "card_id": card_id,
                "request_id": f"r{n}",
                "rating": rng.choice((1, 2, 3, 3, 3, 4)),
                "reviewed_at": at,
                "state_before": rng.choice((0, 1, 2, 2, 2)),
                "due_before": at,
                "reps_before": 1,
                "lapses_before": 0,
            }
        )
    db.session.execute(insert(ReviewLog), logs)
    db.session.commit()
    return len(card_rows)


def _old_scan(since: datetime):
    """The page's query before the summary: every review of the course's students joined to its topic."""
    students = select(Enrolment.user_id).where(Enrolment.course_id == 1, Enrolment.role == "student")
    mature = ReviewLog.state_before == STATE_REVIEW
    return db.session.execute(
        select(
            Question.topic,
            func.count(),
            func.sum(case((mature, 1), else_=0)),
            func.sum(case((and_(mature, ReviewLog.rating > 1), 1), else_=0)),
        )
        .join(Card, ReviewLog.card_id == Card.id)
        .join(Question, Card.question_id == Question.id)
        .where(ReviewLog.user_id.in_(students), ReviewLog.reviewed_at >= since)
        .group_by(Question.topic)
    ).all()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/course-stats.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
        with app.app_context():
            db.drop_all()
            db.create_all()
            now = datetime.now(UTC)
            cards = _build(args.students, args.reviews, now)
            course = db.session.get(Course, 1)
            since = now - timedelta(days=30)
            old = _median_ms(lambda: _old_scan(since))
            refresh = _median_ms(lambda: reports.refresh_course(1, now), runs=3)
            read = _median_ms(lambda: reports.course_stats(course, now))
            summary, log = reports.summary_matches_log(1)
            print(
                f"database: {db.engine.dialect.name}; {args.students} students, {cards} cards, {args.reviews} reviews"
            )
            print(f"course_stats.log_scan_ms (before, per request)   {old:9.1f}")
            print(f"course_stats.summary_read_ms (now, per request)  {read:9.1f}")
            print(f"course_stats.refresh_ms (per run of the job)     {refresh:9.1f}")
            print(f"summary rows {len(summary)}; equal to the log aggregated: {summary == log}")
            db.session.remove()
            db.drop_all()


if __name__ == "__main__":
    main()
