"""The one table the benchmark baseline writes to: /bench/insert adds a row, nothing ever reads it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class BenchPing(Base):
    __tablename__ = "bench_ping"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[str] = mapped_column(String(64), default="")
