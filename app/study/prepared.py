"""The study hot path's database access: Core statements compiled once, run on a driver connection.

Showing and grading a card is a handful of small indexed statements. Through the ORM session each one
cost about 60 µs of Python (execution context, bind and result processing, events), and every commit
another 100 µs of session bookkeeping and pool check-in and check-out, against 7 µs for SQLite to run a
statement: at hundreds of answers a second the overhead was most of the time. So the study service does
its card and review-log work here:

- The statements are still written once, as Core, in app/study/queries.py; each is compiled once per
  database dialect (and per deck, for the course deck's lists) and cached.
- They run on one DBAPI connection per app context (a request, a CLI command), checked out of the
  engine's pool on first use and given back at teardown. Each service operation ends its own
  transaction on it: a grade commits or rolls back; a read ends the transaction PostgreSQL began.
- Values cross the driver boundary the way UTCDateTime and JSON convert them: datetimes are naive UTC
  text on SQLite (SQLAlchemy's storage format, whose text order is time order, so the indexes serve
  ranges) and aware on PostgreSQL; JSON goes in as text and comes out parsed.

Everything else (settings, undo, statistics) stays on the ORM session; both see committed data only.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from flask import Flask, g
from sqlalchemy import BindParameter
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.visitors import iterate

from app.extensions import db

# How SQLAlchemy's SQLite DATETIME stores a value; the microseconds are always written.
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
# SQLite's named style (":name") lets every statement take one dict on either database.
_SQLITE_NAMED = SQLiteDialect_pysqlite(paramstyle="named")


class Prepared:
    """One Core statement compiled for a dialect: its SQL and the values of its fixed parameters.

    `fixed` gives values to parameters that are known when the statement is built (a deck's article ids
    and topics, which an expanding IN needs before it can be rendered); the rest are given at each run.
    """

    def __init__(self, statement: Any, dialect: Dialect, fixed: dict[str, Any]) -> None:
        if dialect.name == "sqlite":
            dialect = _SQLITE_NAMED
        if fixed:
            # Expanding IN lists are rendered with their values. Parameters without a value get a
            # placeholder so that the statement compiles; they keep their names in the SQL.
            open_names = {
                node.key
                for node in iterate(statement)
                if isinstance(node, BindParameter) and node.value is None and node.key not in fixed
            }
            bound = statement.params(**fixed, **dict.fromkeys(open_names))
            compiled = bound.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            values = compiled.construct_params()
        else:
            compiled = statement.compile(dialect=dialect)
            open_names = {name for name, bind in compiled.binds.items() if bind.value is None}
            values = {name: bind.value for name, bind in compiled.binds.items()}
        self.sql: str = compiled.string
        self.defaults: dict[str, Any] = {name: v for name, v in values.items() if name not in open_names}


@lru_cache(maxsize=512)
def _prepare(statement: Any, dialect_key: str, fixed: tuple[tuple[str, Any], ...]) -> Prepared:
    return Prepared(statement, db.engine.dialect, dict(fixed))


class Driver:
    """The app context's study connection and the conversions its driver needs."""

    def __init__(self, pooled: Any) -> None:
        self.pooled = pooled  # SQLAlchemy's pool proxy: closing it returns the connection to the pool
        self.conn = pooled.driver_connection
        self.sqlite = isinstance(self.conn, sqlite3.Connection)
        dialect = db.engine.dialect
        self.dialect_key = f"{dialect.name}+{dialect.driver}"
        self.integrity_errors = db.engine.dialect.loaded_dbapi.IntegrityError

    # --- statements

    def prepared(self, statement: Any, fixed: tuple[tuple[str, Any], ...] = ()) -> Prepared:
        """`statement` compiled for this database, cached per statement, dialect and fixed values.

        Course decks are few and their lists short, so caching per (statement, deck values) stays small;
        the cache is bounded all the same.
        """
        return _prepare(statement, self.dialect_key, fixed)

    def run(self, statement: Any, params: dict[str, Any], fixed: tuple[tuple[str, Any], ...] = ()) -> Any:
        """Execute (beginning a transaction where the driver does); the DBAPI cursor."""
        compiled = _prepare(statement, self.dialect_key, fixed)
        return self.conn.execute(compiled.sql, {**compiled.defaults, **params})

    def run_many(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        compiled = _prepare(statement, self.dialect_key, ())
        cursor = self.conn.cursor()
        try:
            cursor.executemany(compiled.sql, [{**compiled.defaults, **row} for row in rows])
        finally:
            cursor.close()

    # --- transactions

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def end_read(self) -> None:
        """End the transaction a read began (PostgreSQL begins one on any statement; SQLite does not)."""
        if not self.sqlite:
            self.conn.rollback()

    # --- values

    def time(self, value: datetime | None) -> Any:
        """A timezone-aware datetime as the driver should receive it for a UTCDateTime column."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        if self.sqlite:
            return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]
        return value

    def day(self, value: date) -> Any:
        return value.isoformat() if self.sqlite else value

    @staticmethod
    def json_in(value: Any) -> str | None:
        return None if value is None else json.dumps(value)

    def json_out(self, value: Any) -> Any:
        """A JSON column: SQLite returns its text, psycopg has parsed it already."""
        return json.loads(value) if self.sqlite and value is not None else value


def from_db_time(value: Any) -> datetime | None:
    """A UTCDateTime column as the driver returned it, as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def driver() -> Driver:
    """The study connection of this app context, checked out of the pool on first use."""
    found = g.get("_study_driver")
    if found is None:
        found = g._study_driver = Driver(db.engine.raw_connection())
    return found


def _release(_error: BaseException | None) -> None:
    found = g.pop("_study_driver", None)
    if found is not None:
        found.pooled.close()  # the pool rolls back whatever an operation left open


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_release)
