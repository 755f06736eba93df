"""The study hot path's database access: Core statements compiled once, run on the session's connection.

Showing and grading a card is a handful of small indexed statements. Through the ORM's execution layer
(`session.execute(statement)`) each one cost about 60 µs of Python (compilation cache lookup, bind and
result processing, events) against 7 µs for SQLite to run it. So the study service does its card and
review-log work here:

- The statements are still written once, as Core, in app/study/queries.py (the study repository: every
  statement of the hot path and the functions that run them); each is compiled once per database
  dialect (and per deck, for the course deck's lists) and cached.
- They run on the ORM session's own connection (`db.session.connection()`): one connection and one
  transaction path per request. Until issue #21 they ran on a second DBAPI connection checked out
  beside the session's. They go to the cursor of the session connection's DBAPI connection, not
  through `exec_driver_sql` (which built a CursorResult and its column metadata per statement: 0.46×
  the answers per CPU second), and a study write commits that connection rather than calling
  `session.commit()` (which gave the connection back to the pool after every answer: 0.84–0.92×).
  Measured A/B, this path costs nothing above the noise (README.md "One transaction path"). The
  engine's `before_cursor_execute` and `commit` listeners still see every statement and commit.
- Values cross the driver boundary the way UTCDateTime and JSON convert them: datetimes are naive UTC
  text on SQLite (SQLAlchemy's storage format, whose text order is time order, so the indexes serve
  ranges) and aware on PostgreSQL; JSON goes in as text and comes out parsed.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Connection
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.visitors import iterate

from app.extensions import db
from app.models import Card, ReviewLog, StudyDay, StudyDeckChecked

# How SQLAlchemy's SQLite DATETIME stores a value; the microseconds are always written.
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
# SQLite's named style (":name") lets every statement take one dict on either database.
_SQLITE_NAMED = SQLiteDialect_pysqlite(paramstyle="named")
# The rows the study statements write: loaded ORM objects of these are expired after a study commit.
STUDY_ROWS = (Card, ReviewLog, StudyDay, StudyDeckChecked)


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
    """The study statements' way to the database: the DBAPI connection under the ORM session's own
    Connection (the same connection and transaction as every ORM statement of the request), and the
    conversions the driver needs.

    Statements go straight to the driver's cursor, skipping SQLAlchemy's execution layer (see the module
    docstring for why), but the engine's `before_cursor_execute` listeners still see each one, so a
    statement count or a check for writes covers the study statements too.
    """

    def __init__(self, connection: Connection, transaction: Any) -> None:
        self.connection = connection
        self.transaction = transaction  # the session transaction this driver belongs to
        self.conn = connection.connection.driver_connection
        dialect = connection.dialect
        self.sqlite = dialect.name == "sqlite"
        self.dialect_key = f"{dialect.name}+{dialect.driver}"
        # A repeated (user, request_id) or a card created twice.
        self.integrity_errors = dialect.loaded_dbapi.IntegrityError

    # --- statements

    def prepared(self, statement: Any, fixed: tuple[tuple[str, Any], ...] = ()) -> Prepared:
        """`statement` compiled for this database, cached per statement, dialect and fixed values.

        Course decks are few and their lists short, so caching per (statement, deck values) stays small;
        the cache is bounded all the same.
        """
        return _prepare(statement, self.dialect_key, fixed)

    def _announce(self, cursor: Any, sql: str, values: Any, many: bool) -> None:
        listeners = self.connection.dispatch.before_cursor_execute
        if listeners:  # none in production: one attribute check per statement
            listeners(self.connection, cursor, sql, values, None, many)

    def run(self, statement: Any, params: dict[str, Any], fixed: tuple[tuple[str, Any], ...] = ()) -> Any:
        """Execute in the session's transaction; the DBAPI cursor."""
        compiled = _prepare(statement, self.dialect_key, fixed)
        values = {**compiled.defaults, **params}
        cursor = self.conn.cursor()
        self._announce(cursor, compiled.sql, values, False)
        cursor.execute(compiled.sql, values)
        return cursor

    def run_many(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        compiled = _prepare(statement, self.dialect_key, ())
        values = [{**compiled.defaults, **row} for row in rows]
        cursor = self.conn.cursor()
        try:
            self._announce(cursor, compiled.sql, values, True)
            cursor.executemany(compiled.sql, values)
        finally:
            cursor.close()

    # --- transactions: the session's

    def commit(self) -> None:
        """Commit the transaction the study statements (and anything else of the session) wrote, on the
        session's connection. The session keeps its connection: the next operation needs no checkout
        from the pool. Card, ReviewLog, StudyDay and StudyDeckChecked objects loaded through the ORM are
        expired, so they read the new rows; the rest of the session (the user) stays loaded."""
        session = db.session()
        if self.connection.dispatch.commit:  # the engine's commit listeners see it, as any commit
            self.connection.dispatch.commit(self.connection)
        self.conn.commit()
        for obj in [obj for obj in session.identity_map.values() if isinstance(obj, STUDY_ROWS)]:
            session.expire(obj)

    @staticmethod
    def rollback() -> None:
        db.session.rollback()

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
    """The study statements' access to the session's connection; the session begins its transaction (and
    checks its connection out of the pool) on first use, and a commit or rollback ends both."""
    session = db.session()
    found = session.info.get("study_driver")
    transaction = session.get_transaction()
    if found is not None and transaction is not None and found.transaction is transaction:
        return found
    connection = session.connection()
    found = session.info["study_driver"] = Driver(connection, session.get_transaction())
    return found
