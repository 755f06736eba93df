"""The statistics pages' service: one call per page, returning a view model (app.study.stats).

The student's page reads the student's own log for the chosen range and their cards. The course page
reads only the course summary tables (app.models.summary), never the review log; `refresh_course`
rebuilds them from the log in one transaction (`flask study summarise`, the page's Refresh button).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, cast, delete, func, insert, literal, select

from app.extensions import db
from app.models import (
    Card,
    Course,
    CourseSummary,
    CourseTopicDay,
    CourseTopicRecall,
    Enrolment,
    Question,
    ReviewLog,
    User,
)
from app.study import queries, stats
from app.study.scheduler import STATE_REVIEW


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


# --- The student's page -----------------------------------------------------------------------------


def student_stats(user: User, range_value: Any = None, now: datetime | None = None) -> stats.StatsPage:
    """The student's statistics for the range named by `range_value` (default 1 month; unknown → default)."""
    now = _now(now)
    range_ = stats.parse_range(range_value)
    since = stats.range_start(range_, now)
    heat_since = now - timedelta(days=stats.HEATMAP_MAX_DAYS + 1)
    earliest = heat_since if since is None else min(since, heat_since)
    # "All" needs every log; the others their range and the heatmap's weeks.
    logs = log_rows(user, None if range_.days is None else earliest)
    cards = [
        tuple(row)
        for row in db.session.execute(
            select(Card.state, Card.due, Card.interval_days).where(Card.user_id == user.id)
        )
    ]
    return stats.stats_page(range_, logs, cards, uncarded_count(user), now, user.timezone)


def log_rows(user: User, since: datetime | None) -> list[tuple[Any, ...]]:
    """(reviewed_at, rating, state_before, interval_days_before) of the user's reviews since `since`."""
    statement = select(
        ReviewLog.reviewed_at, ReviewLog.rating, ReviewLog.state_before, ReviewLog.interval_days_before
    ).where(ReviewLog.user_id == user.id)
    if since is not None:
        statement = statement.where(ReviewLog.reviewed_at >= since)
    return [tuple(row) for row in db.session.execute(statement)]


def uncarded_count(user: User) -> int:
    statement = queries.uncarded(queries.EVERYTHING.condition)
    statement = statement.with_only_columns(func.count(), maintain_column_froms=True)
    return db.session.scalar(statement, {"user_id": user.id}) or 0


# --- The course page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseStats:
    course: Course
    students: int
    window: int
    topics: list[stats.TopicSummary]
    recall: list[stats.TopicRecall]
    refreshed_at: datetime | None


def _students(course_id: int):
    return select(Enrolment.user_id).where(Enrolment.course_id == course_id, Enrolment.role == "student")


def course_stats(course: Course, now: datetime | None = None) -> CourseStats:
    """The course page from its summary rows: per topic over the last 30 UTC days, and the class view."""
    since = _now(now).date() - timedelta(days=stats.COURSE_WINDOW_DAYS - 1)
    rows = db.session.execute(
        select(
            CourseTopicDay.topic,
            func.sum(CourseTopicDay.reviews),
            func.sum(CourseTopicDay.mature),
            func.sum(CourseTopicDay.passed),
        )
        .where(CourseTopicDay.course_id == course.id, CourseTopicDay.day >= since)
        .group_by(CourseTopicDay.topic)
    )
    recall = db.session.execute(
        select(CourseTopicRecall.topic, CourseTopicRecall.students, CourseTopicRecall.above)
        .where(CourseTopicRecall.course_id == course.id)
        .order_by(CourseTopicRecall.topic)
    )
    students = db.session.scalar(select(func.count()).select_from(_students(course.id).subquery())) or 0
    return CourseStats(
        course=course,
        students=students,
        window=stats.COURSE_WINDOW_DAYS,
        topics=stats.topic_summary((t, int(n), int(m), int(p)) for t, n, m, p in rows),
        recall=[stats.TopicRecall(t, s, a) for t, s, a in recall],
        refreshed_at=db.session.scalar(
            select(CourseSummary.refreshed_at).where(CourseSummary.course_id == course.id)
        ),
    )


def _log_day():
    """The UTC date of a review, as each database spells it (SQLite has no DATE type to cast to)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.date(ReviewLog.reviewed_at)
    return cast(func.timezone("UTC", ReviewLog.reviewed_at), Date)


def daily_rows(course_id: int):
    """The course's daily summary as a SELECT over the log: what refresh writes and the tests compare."""
    mature = ReviewLog.state_before == STATE_REVIEW
    day = _log_day()
    return (
        select(
            literal(course_id).label("course_id"),
            Question.topic,
            day.label("day"),
            func.count().label("reviews"),
            func.sum(case((mature, 1), else_=0)).label("mature"),
            func.sum(case((and_(mature, ReviewLog.rating > 1), 1), else_=0)).label("passed"),
        )
        .join(Card, ReviewLog.card_id == Card.id)
        .join(Question, Card.question_id == Question.id)
        .where(ReviewLog.user_id.in_(_students(course_id)))
        .group_by(Question.topic, day)
    )


def refresh_course(course_id: int, now: datetime | None = None) -> None:
    """Rebuild one course's summary rows from the review log and the cards, in one transaction."""
    now = _now(now)
    try:
        for table in (CourseTopicDay, CourseTopicRecall, CourseSummary):
            db.session.execute(delete(table).where(table.course_id == course_id))
        columns = ["course_id", "topic", "day", "reviews", "mature", "passed"]
        db.session.execute(insert(CourseTopicDay).from_select(columns, daily_rows(course_id)))
        cards = db.session.execute(
            select(Card.user_id, User.timezone, Question.topic, Card.stability, Card.last_review)
            .join(User, Card.user_id == User.id)
            .join(Question, Card.question_id == Question.id)
            .where(Card.user_id.in_(_students(course_id)), Card.stability.is_not(None))
        )
        recall = stats.class_recall(cards, now)
        if recall:
            db.session.execute(
                insert(CourseTopicRecall),
                [
                    {"course_id": course_id, "topic": r.topic, "students": r.students, "above": r.above}
                    for r in recall
                ],
            )
        rates = student_retention(course_id, now - timedelta(days=stats.COURSE_WINDOW_DAYS))
        db.session.add(
            CourseSummary(
                course_id=course_id,
                refreshed_at=now,
                retention_students=len(rates),
                mean_retention=sum(rates) / len(rates) if rates else None,
            )
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def student_retention(course_id: int, since: datetime) -> list[float]:
    """Each of the course's students' true retention since `since` (answers on review cards not graded
    Again), for students with such answers; read when the summary is rebuilt, never per page view."""
    mature = ReviewLog.state_before == STATE_REVIEW
    rows = db.session.execute(
        select(func.count(), func.sum(case((ReviewLog.rating > 1, 1), else_=0)))
        .where(ReviewLog.user_id.in_(_students(course_id)), ReviewLog.reviewed_at >= since, mature)
        .group_by(ReviewLog.user_id)
    ).all()
    return [int(passed or 0) / int(n) for n, passed in rows if n]


def refresh_all(now: datetime | None = None) -> int:
    """Refresh every course's summary, one transaction per course; returns how many courses."""
    ids = list(db.session.scalars(select(Course.id).order_by(Course.id)))
    for course_id in ids:
        refresh_course(course_id, now)
    return len(ids)


def summary_matches_log(course_id: int) -> tuple[list[tuple], list[tuple]]:
    """(summary rows, rows aggregated from the log now), both sorted, for checks and tests."""
    summary = db.session.execute(
        select(
            CourseTopicDay.topic,
            CourseTopicDay.day,
            CourseTopicDay.reviews,
            CourseTopicDay.mature,
            CourseTopicDay.passed,
        ).where(CourseTopicDay.course_id == course_id)
    )
    fresh = db.session.execute(daily_rows(course_id))

    def norm(day: Any) -> date:
        return day if isinstance(day, date) else date.fromisoformat(str(day))

    return (
        sorted((t, norm(d), int(n), int(m), int(p)) for t, d, n, m, p in summary),
        sorted((t, norm(d), int(n), int(m), int(p)) for _, t, d, n, m, p in fresh),
    )
