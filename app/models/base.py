"""Declarative base with a constraint naming convention, and column types shared by all models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A JSON object as Python reads it: a question's settings, a revision's snapshot, a key's JWK.
JsonObject = dict[str, Any]


class Base(DeclarativeBase):
    # On the registry (not the class) so Flask-SQLAlchemy's subclass of Base inherits it.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        # JSON columns say what they hold: names (list[str]), ids (list[int]), records (list[JsonObject]).
        type_annotation_map={
            datetime: UTCDateTime,
            JsonObject: JSON,
            list[str]: JSON,
            list[int]: JSON,
            list[JsonObject]: JSON,
        },
    )
