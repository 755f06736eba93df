"""Articles as received, and their segments (sentences, headings, excluded spans) with offsets."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (CheckConstraint("source_format IN ('txt', 'md', 'html')", name="source_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(200), default="")
    published_on: Mapped[date | None]
    topics: Mapped[list[str]] = mapped_column(default=list)
    source_format: Mapped[str] = mapped_column(String(8), default="txt")
    # The upload exactly as received (decoded); for HTML, `body` is the article text it was reduced to.
    raw_text: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    segments: Mapped[list[Segment]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Segment.position"
    )


class Segment(Base):
    __tablename__ = "segment"
    __table_args__ = (
        UniqueConstraint("article_id", "sid"),
        CheckConstraint("start_offset >= 0 AND end_offset >= start_offset", name="offsets"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    sid: Mapped[str] = mapped_column(String(40))
    paragraph: Mapped[int]
    position: Mapped[int]
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="sentence")
    excluded: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(40))

    article: Mapped[Article] = relationship(back_populates="segments")
