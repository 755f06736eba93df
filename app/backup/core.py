"""The backup core, no CLI: an online copy of a SQLite database, or a portable JSON dump of every table; restore
from either kind into an empty database (SQLite or PostgreSQL) in one transaction.

The JSON backup is JSON Lines, one value per line, streamed both ways so a large review log never sits in
memory whole:

    {"format": "casewise-backup", "version": 1, "created_at": …, "dialect": …, "revision": …, "tables": […]}
    {"table": "user", "columns": [{"name": "id", "type": "INTEGER"}, …]}
    [1, "student", …]                      one array per row, in the order of "columns"
    {"end": "user", "rows": 3}
    …                                      every table, parents before children
    {"end_of_backup": true, "rows": 1234}

Datetimes are ISO 8601 with their UTC offset, dates ISO, JSON columns nested as JSON. A JSON column keeps
the difference between SQL NULL (written `null`) and a stored JSON `null` (written `{"$json": null}`; an
object whose only key is "$json" is wrapped the same way).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    cast,
    create_engine,
    inspect,
    null,
)
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError

import app.models  # noqa: F401  (registers every table on the metadata)
from app.extensions import db
from app.inputs import INT32_MAX, INT64_MAX, InputError, has_surrogate, loads_json
from app.textcheck import repair_value

FORMAT_NAME = "casewise-backup"
FORMAT_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
FORMATS = ("auto", "sqlite", "json")
BATCH_ROWS = 1000
MAX_LINE_CHARS = 16 * 1024 * 1024  # one row of a backup; the largest real rows (articles) are ~2 MB
MAX_DEPTH = 64  # JSON nesting in one line: a row holding a question's answer is about five deep
_WRAP = "$json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what is wrong and what to do."""


@dataclass
class Summary:
    kind: str  # "sqlite" or "json"
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)  # rows written with U+FFFD for unencodable text

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        tables = sum(1 for count in self.rows.values() if count)
        return f"{self.total} rows in {tables} of {len(self.rows)} tables ({self.kind})"


def tables() -> list[Table]:
    """Every table of the app, parents before children (the order rows are written and restored)."""
    return list(db.metadata.sorted_tables)


# ---------------------------------------------------------------- values


def _is_json(column) -> bool:
    return isinstance(column.type, JSON)


def _select(table: Table):
    """All rows by primary key; JSON columns as their stored text, so SQL NULL and JSON null stay apart."""
    columns = [cast(c, Text).label(c.name) if _is_json(c) else c for c in table.columns]
    return sa_select(*columns).order_by(*table.primary_key.columns)


def encode(column, value: Any) -> Any:
    """A database value (as `_select` reads it) as a JSON-ready value."""
    if value is None:
        return None
    if _is_json(column):
        data = json.loads(value)
        if data is None or (isinstance(data, dict) and set(data) == {_WRAP}):
            return {_WRAP: data}
        return data
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    raise BackupError(f"column {column.table.name}.{column.name}: cannot write a {type(value).__name__}")


def decode(column, value: Any) -> Any:
    """A JSON value from a backup as the value to insert into `column`; ValueError names what is wrong."""
    if _is_json(column):
        if value is None:
            return null()  # SQL NULL; a plain None would be stored as JSON null
        if isinstance(value, dict) and set(value) == {_WRAP}:
            return value[_WRAP]
        return value
    if value is None:
        if not column.nullable:
            raise ValueError("is empty but the column requires a value")
        return None
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, found {value!r}")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, found {value!r}")
        limit = INT64_MAX if isinstance(kind, BigInteger) else INT32_MAX
        if not -limit - 1 <= value <= limit:
            raise ValueError(f"{value} does not fit the column (from {-limit - 1} to {limit})")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, found {value!r}")
        return float(value)
    if isinstance(kind, DateTime):
        parsed = datetime.fromisoformat(_text(value))
        if kind.timezone and parsed.tzinfo is None:
            raise ValueError(f"expected a date and time with its UTC offset, found {value!r}")
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed
    if isinstance(kind, Date):
        return date.fromisoformat(_text(value))
    if isinstance(kind, String):
        text = _text(value)
        if kind.length is not None and len(text) > kind.length:
            raise ValueError(f"is {len(text)} characters long; the column holds at most {kind.length}")
        return text
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {value!r}")
    return value


def _rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(_select(table))
    columns = list(table.columns)
    for row in result:
        yield [encode(c, v) for c, v in zip(columns, row, strict=True)]


def _revision(conn: Connection) -> str | None:
    """The Alembic revision the schema is at, or None (no migrations table, e.g. a test database)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


# ---------------------------------------------------------------- backup


def dump_json(
    conn: Connection,
    out: IO[str],
    now: datetime | None = None,
    repaired: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Write every table of the connection's database to `out` as a JSON backup; returns rows per table.

    The caller gives a connection inside one transaction, so every table comes from the same snapshot.
    A row holding text that UTF-8 cannot encode (an unpaired surrogate stored before the input layer
    refused them) is written with U+FFFD in its place and named in `repaired`, never a crash.
    `progress(tables done, tables, table name)` hears each table as it starts.
    """
    order = tables()
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "dialect": conn.dialect.name,
        "revision": _revision(conn),
        "tables": [t.name for t in order],
    }
    out.write(json.dumps(header) + "\n")
    counts: dict[str, int] = {}
    for number, table in enumerate(order):
        if progress is not None:
            progress(number, len(order), f"Writing the table {table.name}")
        columns = [{"name": c.name, "type": str(c.type.compile(conn.dialect))} for c in table.columns]
        out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
        count = 0
        for row in _rows(conn, table):
            line = json.dumps(row, ensure_ascii=False)
            if has_surrogate(line):
                line = json.dumps(repair_value(row), ensure_ascii=False)
                if repaired is not None:
                    repaired.append(f"{table.name} row {count + 1}")
            out.write(line + "\n")
            count += 1
        out.write(json.dumps({"end": table.name, "rows": count}) + "\n")
        counts[table.name] = count
    out.write(json.dumps({"end_of_backup": True, "rows": sum(counts.values())}) + "\n")
    return counts


def _sqlite_copy(engine: Engine, target: Path) -> None:
    """SQLite's online backup API: one consistent snapshot while the app keeps reading and writing (WAL)."""
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)  # pages=-1: the whole database in one step, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            status = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        raw.close()
    if status != "ok":
        raise BackupError(f"the copy failed SQLite's integrity check ({status}); the database may be damaged")


def _sqlite_counts(path: Path) -> dict[str, int]:
    with _sqlite_engine(path) as engine, engine.connect() as conn:
        return row_counts(conn)


@contextmanager
def _atomic_file(path: Path, overwrite: bool) -> Iterator[Path]:
    """A temporary file beside `path`, moved into place only when the block succeeds."""
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists; choose a new file name or pass --force to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"cannot create the folder {path.parent} ({exc.strerror}); choose another path"
        ) from exc
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def backup(
    engine: Engine,
    path: Path,
    fmt: str = "auto",
    overwrite: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> Summary:
    """Back the database up to `path`, written in full or not at all (an existing file needs `overwrite`).

    auto: an SQLite file copy for SQLite, JSON for PostgreSQL. json works on both backends.
    """
    if fmt not in FORMATS:
        raise BackupError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    is_sqlite = engine.dialect.name == "sqlite"
    if fmt == "auto":
        fmt = "sqlite" if is_sqlite else "json"
    if fmt == "sqlite" and not is_sqlite:
        raise BackupError(
            f"a SQLite file copy needs a SQLite database, not {engine.dialect.name}; use --format json"
        )
    path = Path(path)
    repaired: list[str] = []
    try:
        with _atomic_file(path, overwrite) as temporary:
            if fmt == "sqlite":
                _sqlite_copy(engine, temporary)
                return Summary("sqlite", path, _sqlite_counts(temporary))
            if is_sqlite:
                # Snapshot first, then dump the snapshot: consistent while the app writes.
                with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
                    snapshot = Path(scratch) / "snapshot.db"
                    _sqlite_copy(engine, snapshot)
                    with _sqlite_engine(snapshot) as source, source.connect() as conn:
                        counts = _write_json(conn, temporary, repaired, progress)
            else:
                with engine.connect() as conn:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():  # one snapshot for every table
                        counts = _write_json(conn, temporary, repaired, progress)
            return Summary("json", path, counts, repaired)
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except (sqlite3.Error, SQLAlchemyError) as exc:
        raise BackupError(f"the database could not be read: {_first_line(exc)}") from exc


def _write_json(conn: Connection, target: Path, repaired: list[str], progress=None) -> dict[str, int]:
    with target.open("w", encoding="utf-8") as out:
        counts = dump_json(conn, out, repaired=repaired, progress=progress)
        out.flush()
        os.fsync(out.fileno())
    return counts


@contextmanager
def _sqlite_engine(path: Path) -> Iterator[Engine]:
    url = make_url("sqlite://").set(database=f"file:{path}?mode=ro", query={"uri": "true"})
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# ---------------------------------------------------------------- reading a backup


@dataclass
class TableData:
    name: str
    columns: list[str]
    rows: Iterator[list[Any]]


@dataclass
class Source:
    kind: str  # "sqlite" or "json"
    revision: str | None
    table_names: list[str]
    tables: Iterator[TableData]


def _kind_of(path: Path) -> str:
    if not path.is_file():
        raise BackupError(f"backup file not found: {path}")
    with path.open("rb") as handle:
        start = handle.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.lstrip()[:1] == b"{":
        return "json"
    raise BackupError(f"{path} is not a Casewise backup: expected a JSON backup or a SQLite database file")


@contextmanager
def open_backup(path: Path) -> Iterator[Source]:
    """The backup at `path` as a stream of tables; a damaged file raises BackupError while it is read."""
    path = Path(path)
    kind = _kind_of(path)
    if kind == "sqlite":
        with _sqlite_engine(path) as engine, engine.connect() as conn:
            yield _sqlite_source(path, conn)
    else:
        with path.open("r", encoding="utf-8", errors="strict") as handle:
            yield _json_source(path, handle)


def _damaged(path: Path, exc: Exception) -> BackupError:
    return BackupError(f"{path} is a damaged SQLite file: {_first_line(exc)}")


def _sqlite_source(path: Path, conn: Connection) -> Source:
    """Reads go through SQLAlchemy with the app's column types, as a dump would; errors name the file."""
    try:
        present = set(inspect(conn).get_table_names())
        missing = [t.name for t in tables() if t.name not in present]
        if missing:
            raise BackupError(
                f"{path} is a SQLite file but not a Casewise database (no table {missing[0]!r})"
            )
        for table in tables():
            found = {c["name"] for c in inspect(conn).get_columns(table.name)}
            wanted = {c.name for c in table.columns}
            if found != wanted:
                raise BackupError(_column_mismatch(path, table.name, found, wanted))
        revision = _revision(conn)
    except (sqlite3.Error, DBAPIError) as exc:
        raise _damaged(path, exc) from exc

    def guarded(table: Table) -> Iterator[list[Any]]:
        try:
            yield from _rows(conn, table)
        except (sqlite3.Error, DBAPIError, ValueError) as exc:
            raise _damaged(path, exc) from exc

    def stream() -> Iterator[TableData]:
        for table in tables():
            yield TableData(table.name, [c.name for c in table.columns], guarded(table))

    return Source("sqlite", revision, [t.name for t in tables()], stream())


def _column_mismatch(path: Path, table: str, found: set[str], wanted: set[str]) -> str:
    extra, lacking = sorted(found - wanted), sorted(wanted - found)
    detail = "; ".join(
        part
        for part in (
            f"columns not in this database: {', '.join(extra)}" if extra else "",
            f"columns missing from the backup: {', '.join(lacking)}" if lacking else "",
        )
        if part
    )
    return (
        f"{path}: table {table!r} does not match this database's schema ({detail}). Restore into a database "
        "migrated to the backup's revision, then run `flask --app wsgi db upgrade`."
    )


class _Lines:
    """JSON Lines with line numbers for error messages."""

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path, self.handle, self.number = path, handle, 0

    def next(self, expecting: str) -> Any:
        try:
            line = self.handle.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError as exc:
            raise BackupError(
                f"{self.path}, after line {self.number}: not UTF-8 text ({exc.reason})"
            ) from exc
        self.number += 1
        if not line:
            raise BackupError(
                f"{self.path} ends at line {self.number - 1} while {expecting} was expected: "
                "the backup is truncated"
            )
        if len(line) > MAX_LINE_CHARS:
            raise self.fail(
                f"the line is longer than {MAX_LINE_CHARS // (1024 * 1024)} MB; no row of a Casewise "
                "backup is that large, so the file is not one this app wrote"
            )
        try:
            return loads_json(line, MAX_DEPTH)
        except json.JSONDecodeError as exc:
            raise BackupError(f"{self.path}, line {self.number}: not valid JSON ({exc.msg})") from exc
        except InputError as exc:
            raise self.fail(f"the JSON is refused: {exc}") from exc

    def fail(self, message: str) -> BackupError:
        return BackupError(f"{self.path}, line {self.number}: {message}")


def _json_source(path: Path, handle: IO[str]) -> Source:
    lines = _Lines(path, handle)
    header = lines.next("the header")
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise lines.fail(f'not a Casewise backup (the first line has no "format": "{FORMAT_NAME}")')
    if header.get("version") != FORMAT_VERSION:
        raise lines.fail(f"backup format version {header.get('version')!r}; this app reads {FORMAT_VERSION}")
    names = header.get("tables")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise lines.fail('the header\'s "tables" must be a list of table names')

    def table_rows(name: str, width: int) -> Iterator[list[Any]]:
        count = 0
        while True:
            item = lines.next(f"a row of {name!r} or its end marker")
            if isinstance(item, list):
                if len(item) != width:
                    raise lines.fail(
                        f"a row of {name!r} has {len(item)} values; the table has {width} columns"
                    )
                count += 1
                yield item
                continue
            if isinstance(item, dict) and item.get("end") == name:
                if item.get("rows") != count:
                    raise lines.fail(f"table {name!r} should have {item.get('rows')} rows but has {count}")
                return
            raise lines.fail(f'expected a row of {name!r} or {{"end": {name!r}}}')

    def stream() -> Iterator[TableData]:
        for name in names:
            start = lines.next(f"the start of table {name!r}")
            if not isinstance(start, dict) or start.get("table") != name:
                raise lines.fail(f'expected {{"table": {name!r}, …}} (the header lists the tables in order)')
            columns = [c.get("name") for c in start.get("columns") or [] if isinstance(c, dict)]
            data = TableData(name, columns, table_rows(name, len(columns)))
            yield data
            for _ in data.rows:  # the consumer stopped early: still check the rest of the table
                pass
        trailer = lines.next("the end-of-backup line")
        if not isinstance(trailer, dict) or trailer.get("end_of_backup") is not True:
            raise lines.fail('expected {"end_of_backup": true} after the last table')

    return Source("json", header.get("revision"), names, stream())


# ---------------------------------------------------------------- restore


def row_counts(conn: Connection) -> dict[str, int]:
    return {t.name: conn.execute(sa_select(db.func.count()).select_from(t)).scalar_one() for t in tables()}


def _check_target(conn: Connection, source: Source, force: bool) -> None:
    present = set(inspect(conn).get_table_names())
    missing = [t.name for t in tables() if t.name not in present]
    if missing:
        raise BackupError(
            f"the database has no schema yet (no table {missing[0]!r}); run `flask --app wsgi db upgrade` first"
        )
    target_revision = _revision(conn)
    if source.revision and not _known_revision(source.revision):
        raise BackupError(
            f"the backup is at schema revision {source.revision!r}, which this version of Casewise does not "
            "know: it comes from a newer version. Restore it with that version (or upgrade this one)"
        )
    if source.revision and target_revision and source.revision != target_revision:
        raise BackupError(
            f"the backup is at schema revision {source.revision}, the database at {target_revision}; "
            f"migrate an empty database to {source.revision} (`flask --app wsgi db upgrade {source.revision}`), "
            "restore, then upgrade"
        )
    expected = [t.name for t in tables()]
    if sorted(source.table_names) != sorted(expected):
        unknown = sorted(set(source.table_names) - set(expected))
        absent = sorted(set(expected) - set(source.table_names))
        raise BackupError(
            "the backup's tables do not match this database's schema"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(absent)}" if absent else "")
        )
    if force:
        return
    filled = {name: count for name, count in row_counts(conn).items() if count}
    if filled:
        listed = ", ".join(f"{name} ({count})" for name, count in list(filled.items())[:4])
        more = f" and {len(filled) - 4} more" if len(filled) > 4 else ""
        raise BackupError(
            f"the database is not empty: rows in {listed}{more}. Restore only writes into a freshly migrated, "
            "empty database; pass --force to replace everything in this one."
        )


def _known_revision(revision: Any) -> bool:
    """True if `revision` is one of this app's migrations (a backup from a newer app has one we lack)."""
    from alembic.script import ScriptDirectory
    from flask import current_app

    if not isinstance(revision, str):
        return False
    migrate = current_app.extensions.get("migrate") if current_app else None
    if migrate is None:
        return True  # no migrations configured (a bare engine): nothing to compare with
    scripts = ScriptDirectory(str(Path(current_app.root_path).parent / migrate.directory))
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown or malformed id
        return False


def _clear(conn: Connection) -> None:
    for table in reversed(tables()):
        conn.execute(table.delete())


def _reset_sequences(conn: Connection) -> None:
    """After explicit ids, PostgreSQL's sequences must continue after the highest id of each table."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        sequence = conn.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(table)s, %(column)s)",
            {"table": quote(table.name), "column": key.name},
        ).scalar()
        if sequence is None:
            continue
        highest = conn.execute(sa_select(db.func.max(key))).scalar()
        # is_called false: the next id handed out is exactly highest + 1 (or 1 for an empty table).
        conn.exec_driver_sql(
            "SELECT setval(%(sequence)s, %(next)s, false)", {"sequence": sequence, "next": (highest or 0) + 1}
        )


def _insert(conn: Connection, data: TableData, path: Path) -> int:
    table = db.metadata.tables[data.name]
    wanted = {c.name for c in table.columns}
    if set(data.columns) != wanted:
        raise BackupError(_column_mismatch(path, data.name, set(data.columns), wanted))
    columns = [table.c[name] for name in data.columns]
    batch: list[dict[str, Any]] = []
    count = 0
    for row in data.rows:
        count += 1
        values = {}
        for column, value in zip(columns, row, strict=True):
            try:
                values[column.name] = decode(column, value)
            except ValueError as exc:
                raise BackupError(
                    f"{path}: table {data.name!r}, row {count}, column {column.name!r}: {exc}"
                ) from None
        batch.append(values)
        if len(batch) >= BATCH_ROWS:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
    return count


def restore(engine: Engine, path: Path, force: bool = False) -> Summary:
    """Load the backup at `path` into the database in one transaction. The database must be migrated and
    empty, unless `force`, which deletes every row first (in the same transaction). Nothing is written when
    anything is wrong: a damaged file, a schema mismatch, a row the database rejects."""
    path = Path(path)
    try:
        with open_backup(path) as source, engine.begin() as conn:
            _check_target(conn, source, force)
            if force:
                _clear(conn)
            counts = {data.name: _insert(conn, data, path) for data in source.tables}
            _reset_sequences(conn)
            kind = source.kind
    except DBAPIError as exc:
        raise BackupError(f"the database refused a row, so nothing was restored: {_first_line(exc)}") from exc
    except StatementError as exc:  # a value the driver cannot even send (raised before the database sees it)
        raise BackupError(f"a row holds a value the database cannot store: {_first_line(exc.orig)}") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return Summary(kind, path, counts)
