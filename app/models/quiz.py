"""Quizzes with their settings and items, attempts (a state machine) and saved responses."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JsonObject, utcnow

if TYPE_CHECKING:
    from app.models.question import Question
    from app.models.user import Course, User


class Quiz(Base):
    __tablename__ = "quiz"
    __table_args__ = (
        CheckConstraint("grading_method IN ('highest', 'last', 'first', 'average')", name="grading_method"),
        CheckConstraint(
            "feedback_timing IN ('immediate', 'after_submission', 'after_close')", name="feedback"
        ),
        CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="window"),
        CheckConstraint("time_limit_s IS NULL OR time_limit_s > 0", name="time_limit"),
        CheckConstraint("attempts_allowed >= 0", name="attempts"),
        CheckConstraint("per_page >= 0", name="per_page"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"), index=True)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    time_limit_s: Mapped[int | None]
    attempts_allowed: Mapped[int] = mapped_column(default=1)  # 0 = unlimited
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=False)
    feedback_timing: Mapped[str] = mapped_column(String(20), default="after_submission")
    published: Mapped[bool] = mapped_column(default=False)
    # Questions per page of an attempt; 0 = all on one page.
    per_page: Mapped[int] = mapped_column(default=0, server_default="0")
    # False leaves the quiz out of the course gradebook's average (a practice quiz); its column still shows.
    counts_in_average: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped in the same transaction as any write the item analysis reads (app/quizzes/analysis_version.py):
    # the stored analysis is current while it holds this number.
    analysis_version: Mapped[int] = mapped_column(default=0, server_default="0")

    items: Mapped[list[QuizItem]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan", order_by="QuizItem.position"
    )
    course: Mapped[Course | None] = relationship()


class QuizItem(Base):
    """A fixed question, or a random draw of `draw_count` approved questions from `draw_topic`."""

    __tablename__ = "quiz_item"
    __table_args__ = (
        UniqueConstraint("quiz_id", "position"),
        CheckConstraint(
            "(question_id IS NOT NULL AND draw_topic IS NULL) OR (question_id IS NULL AND draw_topic IS NOT NULL)",
            name="fixed_or_draw",
        ),
        CheckConstraint("points > 0", name="points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id"))
    draw_topic: Mapped[str | None] = mapped_column(String(64))
    draw_count: Mapped[int] = mapped_column(default=1)
    points: Mapped[float] = mapped_column(default=1.0)

    quiz: Mapped[Quiz] = relationship(back_populates="items")
    question: Mapped[Question | None] = relationship()


class Attempt(Base):
    """in_progress -> submitted (by the student) or finished (closed by the server when overdue).

    mode: 'quiz' (counted), 'practice' (self-paced, no quiz) or 'preview' (an instructor trying the quiz as
    a student: never counted in grades, statistics or attempts allowed; numbered -1, -2, … so its numbers
    never take one a real attempt needs)."""

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        CheckConstraint("state IN ('in_progress', 'submitted', 'finished')", name="state"),
        CheckConstraint("mode IN ('quiz', 'practice', 'preview')", name="mode"),
        Index("ix_attempt_user_quiz", "user_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), default="quiz")
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(12), default="in_progress")
    # The questions drawn for this attempt, in order, with option orders: [{"question_id", "points", "order"}]
    layout: Mapped[list[JsonObject]] = mapped_column(default=list)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    # Responses a person must still grade (essays): while above 0 the score is pending, not final.
    ungraded: Mapped[int] = mapped_column(default=0, server_default="0")
    # Question ids the student flagged for review (the navigation panel and the summary show them).
    flagged: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")

    quiz: Mapped[Quiz | None] = relationship()
    responses: Mapped[list[Response]] = relationship(back_populates="attempt", cascade="all, delete-orphan")


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        CheckConstraint("manual_points IS NULL OR manual_points >= 0", name="manual_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    answer: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    # Client sequence number: a save with seq <= the stored one is stale and never overwrites.
    seq: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The credit in [0, 1]: automatic, or manual_points / the question's points once a person graded it.
    # NULL while an essay waits for grading.
    fraction: Mapped[float | None]
    # Manual grading (essays; short answers regraded by hand): points given, the comment the student reads,
    # who graded and when. manual_points NULL = not graded by hand.
    manual_points: Mapped[float | None]
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    graded_by: Mapped[User | None] = relationship()


class QuizOverride(Base):
    """One student's accommodation on one quiz: another time limit, extra attempts, another close date.

    NULL (or 0 extra attempts) keeps the quiz's own setting."""

    __tablename__ = "quiz_override"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id"),
        CheckConstraint("time_limit_s IS NULL OR time_limit_s > 0", name="time_limit"),
        CheckConstraint("extra_attempts >= 0 AND extra_attempts <= 100", name="extra_attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    time_limit_s: Mapped[int | None]
    extra_attempts: Mapped[int] = mapped_column(default=0)
    closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
