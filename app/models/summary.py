"""Course statistics kept as summaries, so the instructor's page never scans the review log.

`app.study.reports.refresh_course` rebuilds a course's rows from the log in one transaction (run by
`flask study summarise`, by the page's Refresh button, or by a scheduled job); the migration that made
these tables filled the daily rows from the log already there. The review log stays the record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class CourseTopicDay(Base):
    """Answers by the course's students on one topic's cards on one UTC day."""

    __tablename__ = "course_topic_day"
    __table_args__ = (
        CheckConstraint("reviews >= 0 AND mature >= 0 AND passed >= 0 AND passed <= mature", name="counts"),
    )

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    reviews: Mapped[int] = mapped_column(default=0)  # every answer, learning steps included
    mature: Mapped[int] = mapped_column(default=0)  # answers on cards that were in review
    passed: Mapped[int] = mapped_column(default=0)  # of those, not graded Again


class CourseTopicRecall(Base):
    """The class view of one topic when the summary was refreshed: of the course's students with
    reviewed cards in the topic, how many had every one of them at 90% retrievability or more."""

    __tablename__ = "course_topic_recall"
    __table_args__ = (CheckConstraint("above >= 0 AND above <= students", name="counts"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    students: Mapped[int] = mapped_column(default=0)
    above: Mapped[int] = mapped_column(default=0)


class CourseSummary(Base):
    """When a course's summary rows were last rebuilt from the log, and the course's anonymised true
    retention then: the mean over students of each one's share of review-card answers not graded Again in
    the course window, and how many students it averages."""

    __tablename__ = "course_summary"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    refreshed_at: Mapped[datetime]
    retention_students: Mapped[int] = mapped_column(default=0)
    mean_retention: Mapped[float | None]


class QuizAnalysis(Base):
    """A quiz's item analysis as last computed (`app.quizzes.reporting.statistics`), with the fingerprint
    of what it was computed from: the quiz's attempts, responses, items and questions. The page recomputes
    only when the fingerprint has changed, so reading it does not redo the statistics of every attempt."""

    __tablename__ = "quiz_analysis"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # the QuizStatistics as JSON text (floats round-trip exactly)
    computed_at: Mapped[datetime]
