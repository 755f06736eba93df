"""Questions in the bank (generated, imported or written) and their revision history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JsonObject, utcnow

if TYPE_CHECKING:
    from app.models.article import Article
    from app.models.user import User


class RankDescending(ColumnElement):
    """`rank_score DESC NULLS LAST` in an index: best-ranked first, unranked last, on both backends.

    SQLite sorts NULL lowest, so its plain DESC already puts them last (and it refuses NULLS LAST in an
    index); PostgreSQL sorts NULL highest and needs it said. Used by the review queue's ordering index."""

    inherit_cache = True
    type = Float()


@compiles(RankDescending)
def _rank_descending(_element, compiler, **_kw) -> str:
    return "rank_score DESC" + (" NULLS LAST" if compiler.dialect.name == "postgresql" else "")


def count_failed_checks(checks: dict | None) -> int:
    """How many generator checks a question fails (checks store True or the reason it failed)."""
    return sum(1 for result in (checks or {}).values() if result is not True)


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (
        CheckConstraint(
            "qtype IN ('mcq', 'multi', 'tf', 'numeric', 'cloze', 'matching', 'short', 'essay')", name="qtype"
        ),
        CheckConstraint("status IN ('candidate', 'approved', 'retired', 'rejected')", name="status"),
        CheckConstraint("origin IN ('bank', 'generated', 'written', 'imported')", name="origin"),
        # The bank list and the review queue page in SQL: each ordering reads one index, filtered by status.
        Index("ix_question_status_topic_uid", "status", "topic", "uid"),
        Index("ix_question_status_rank_uid", "status", RankDescending(), "uid"),
        Index("ix_question_topic_uid", "topic", "uid"),  # status "any": every question by topic
        # The variants folded under a fact: looked up by fact key (article_id may be NULL, compared with
        # IS NOT DISTINCT FROM, which no index condition takes).
        Index("ix_question_fact_article", "fact_key", "article_id"),
        # The review queue's count of facts ("failing a check" or not) from the index alone: without it
        # SQLite read every question's row (at 25,000 questions: 34 → 0.3 ms failing a check, 51 → 2.9 ms all).
        Index("ix_question_status_checks_fact", "status", "failed_checks", "fact_key", "article_id"),
        # The queue's "failing a check" tab in rank order: walked until a page of heads is found instead of
        # reading every failing candidate and sorting them (PostgreSQL at 25,000 questions: 29 → 2 ms).
        Index(
            "ix_question_failing_rank_uid",
            "status",
            RankDescending(),
            "uid",
            postgresql_where=text("failed_checks > 0"),
            sqlite_where=text("failed_checks > 0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(90), unique=True)  # the stable id used in YAML and exports
    qtype: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str] | None] = mapped_column(default=None)
    answer: Mapped[Any] = mapped_column(JSON, default=None)
    # Type-specific settings that are neither options nor answer (e.g. a fuzzy-match threshold).
    settings: Mapped[JsonObject] = mapped_column(default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(64))
    difficulty: Mapped[str] = mapped_column(String(10), default="medium")
    tags: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12), default="candidate")
    origin: Mapped[str] = mapped_column(String(12), default="bank")
    # Provenance
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"), index=True)
    sentence_ids: Mapped[list[str]] = mapped_column(default=list)
    quote: Mapped[str] = mapped_column(Text, default="")
    source_start: Mapped[int | None]
    source_end: Mapped[int | None]
    # Generator output kept for the review queue
    rank_score: Mapped[float | None]
    checks: Mapped[JsonObject] = mapped_column(default=dict)
    # count_failed_checks(checks), kept by the ORM on every insert and update, so "failing a check" is a
    # filter in SQL (the review queue pages it) instead of a scan of every row's JSON.
    failed_checks: Mapped[int] = mapped_column(default=0, server_default="0")
    # The fact a generated question tests ("{sentence id}:{answer}"); questions of one article sharing it
    # are variants of each other, folded under the best-ranked one in the review queue.
    fact_key: Mapped[str | None] = mapped_column(String(200), default=None)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article: Mapped[Article | None] = relationship()
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
    snapshot: Mapped[JsonObject]  # the question in canonical form after this revision
    note: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


@event.listens_for(Question, "before_insert")
@event.listens_for(Question, "before_update")
def _keep_failed_checks(_mapper, _connection, question: Question) -> None:
    question.failed_checks = count_failed_checks(question.checks)
