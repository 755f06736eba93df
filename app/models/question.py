"""Questions in the bank (generated, imported or written) and their revision history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (
        CheckConstraint(
            "qtype IN ('mcq', 'multi', 'tf', 'numeric', 'cloze', 'matching', 'short', 'essay')", name="qtype"
        ),
        CheckConstraint("status IN ('candidate', 'approved', 'retired', 'rejected')", name="status"),
        CheckConstraint("origin IN ('bank', 'generated', 'written', 'imported')", name="origin"),
        Index("ix_question_status_topic", "status", "topic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(90), unique=True)  # the stable id used in YAML and exports
    qtype: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list | None] = mapped_column(default=None)
    answer: Mapped[Any] = mapped_column(JSON, default=None)
    # Type-specific settings that are neither options nor answer (e.g. a fuzzy-match threshold).
    settings: Mapped[dict] = mapped_column(default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(64), index=True)
    difficulty: Mapped[str] = mapped_column(String(10), default="medium")
    tags: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12), default="candidate")
    origin: Mapped[str] = mapped_column(String(12), default="bank")
    # Provenance
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"), index=True)
    sentence_ids: Mapped[list] = mapped_column(default=list)
    quote: Mapped[str] = mapped_column(Text, default="")
    source_start: Mapped[int | None]
    source_end: Mapped[int | None]
    # Generator output kept for the review queue
    rank_score: Mapped[float | None]
    checks: Mapped[dict] = mapped_column(default=dict)
    # The fact a generated question tests ("{sentence id}:{answer}"); questions of one article sharing it
    # are variants of each other, folded under the best-ranked one in the review queue.
    fact_key: Mapped[str | None] = mapped_column(String(200), default=None)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article = relationship("Article")
    revisions: Mapped[list[QuestionRevision]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionRevision.number"
    )


class QuestionRevision(Base):
    __tablename__ = "question_revision"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # created, edited, approved, rejected, retired, loaded
    snapshot: Mapped[dict]  # the question in canonical form after this revision
    note: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="revisions")
    author = relationship("User")
