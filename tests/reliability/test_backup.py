"""`flask backup` and `flask restore`: a realistic database comes back row for row on SQLite and PostgreSQL,
across backends through the portable JSON, and from online SQLite copies taken while a writer writes; a bad
backup or a full database is refused with a clear message, exit code 1 and nothing written."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.backup import SQLITE_MAGIC
from app.extensions import db
from app.models import User
from tests.reliability.conftest import add_user, app_for, build_world, dispose, migrate, table_rows

FILLED = (
    "user",
    "course",
    "enrolment",
    "article",
    "segment",
    "question",
    "quiz",
    "quiz_item",
    "attempt",
    "response",
    "card",
    "review_log",
)


def _target(fresh_url, on: str | None = None) -> Flask:
    application = app_for(fresh_url("target", on))
    migrate(application)
    return application


def _invoke(application: Flask, *args: str):
    """Run a CLI command against `application` (its own app context: pytest-flask's context for the `app`
    fixture would otherwise win)."""
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def _rows(application: Flask) -> dict[str, list[tuple]]:
    with application.app_context():
        return table_rows(db.engine)


def _total(application: Flask) -> int:
    return sum(len(rows) for rows in _rows(application).values())


def assert_each_refused(target, cases: dict) -> None:
    """Restore each crafted backup of `cases` ({name: (path, message)}): refused with the message, nothing written."""
    for name, (path, message) in cases.items():
        result = _invoke(target, "restore", str(path))
        assert result.exit_code == 1, (name, result.output)
        assert message in result.output, (name, result.output)
        assert "Nothing was restored." in result.output, name
        assert _total(target) == 0, f"{name}: rows were written"


def _assert_same(restored: dict[str, list[tuple]], source: dict[str, list[tuple]]) -> None:
    assert list(restored) == list(source)
    for name, rows in source.items():
        assert restored[name] == rows, f"table {name} differs after the restore"


def test_backup_then_restore_into_an_empty_database_gives_every_row_back(
    app, runner, fresh_url, tmp_path, backend
):
    build_world(students=3)
    path = tmp_path / "casewise.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output
    # SQLite gets a copy of the database file; PostgreSQL the portable JSON.
    assert path.read_bytes().startswith(SQLITE_MAGIC) == (backend == "sqlite")
    source = table_rows(db.engine)
    assert all(source[name] for name in FILLED), {name: len(source[name]) for name in FILLED}

    target = _target(fresh_url)
    try:
        result = _invoke(target, "restore", str(path))
        assert result.exit_code == 0, result.output
        _assert_same(_rows(target), source)
        # New rows continue after the restored ids (PostgreSQL's sequences were moved past them).
        with target.app_context():
            highest = db.session.scalar(select(func.max(User.id)))
            assert add_user("after-restore").id == highest + 1
    finally:
        dispose(target)


def test_json_backup_restores_on_the_other_backend(app, runner, fresh_url, tmp_path, backend):
    build_world()
    path = tmp_path / "casewise.json"
    result = runner.invoke(args=["backup", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "casewise-backup" and header["tables"][0] == db.metadata.sorted_tables[0].name
    assert json.loads(lines[-1])["end_of_backup"] is True
    source = table_rows(db.engine)

    other = "postgres" if backend == "sqlite" else "sqlite"
    target = _target(fresh_url, on=other)
    try:
        result = _invoke(target, "restore", str(path))
        assert result.exit_code == 0, result.output
        _assert_same(_rows(target), source)
    finally:
        dispose(target)


def _pings_in_sqlite(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT display_name FROM user WHERE display_name LIKE 'txn-%' ORDER BY id")
        return [row[0] for row in rows]
    finally:
        conn.close()


def _pings_in_json(path: Path) -> list[str]:
    rows, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if isinstance(item, dict):
            inside = item.get("table") == "user"
        elif inside and item[2].startswith("txn-"):
            rows.append(item[2])  # id, username, display_name, ...
    return rows


def _writer_row(username: str, n: int) -> User:
    # Two rows a transaction share one display name: a torn copy would hold that name once.
    return User(username=username, display_name=f"txn-{n}", password_hash="-")


def test_online_sqlite_backup_is_consistent_while_a_writer_keeps_writing(tmp_path):
    application = app_for(f"sqlite:///{tmp_path / 'live.db'}")
    migrate(application)
    stop, progress, failures = threading.Event(), threading.Condition(), []
    committed = [0]

    def writer() -> None:
        # Each transaction writes two rows with one payload: a torn copy would hold a payload once.
        try:
            with application.app_context():
                while not stop.is_set():
                    n = committed[0]
                    db.session.add_all([_writer_row(f"w{n}a", n), _writer_row(f"w{n}b", n)])
                    db.session.commit()
                    with progress:
                        committed[0] = n + 1
                        progress.notify_all()
                db.session.remove()
        except Exception as exc:  # reported by the test below
            failures.append(exc)
            with progress:
                progress.notify_all()

    def wait_for_more_than(count: int) -> None:
        with progress:
            assert progress.wait_for(lambda: committed[0] > count or failures, timeout=60), (
                "the writer stalled"
            )
        assert not failures, failures

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    backups: list[tuple[Path, str]] = []
    try:
        for n in range(6):
            wait_for_more_than(committed[0] + 5)
            fmt = "sqlite" if n % 2 == 0 else "json"
            path = tmp_path / f"online-{n}.{fmt}"
            result = _invoke(application, "backup", "--format", fmt, str(path))
            assert result.exit_code == 0, result.output
            backups.append((path, fmt))
        wait_for_more_than(committed[0])
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures, failures
    assert not thread.is_alive()

    with application.app_context():
        final = Counter(db.session.scalars(select(User.display_name).where(User.display_name.like("txn-%"))))
    sizes = []
    for path, fmt in backups:
        payloads = Counter(_pings_in_sqlite(path) if fmt == "sqlite" else _pings_in_json(path))
        assert set(payloads.values()) == {2}, f"{path.name} holds half a transaction"
        assert payloads <= final
        sizes.append(sum(payloads.values()))
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1] < sum(final.values())

    # The last file copy restores into a fresh database, row for row.
    target = app_for(f"sqlite:///{tmp_path / 'restored.db'}")
    migrate(target)
    try:
        copy = app_for(f"sqlite:///{backups[-2][0]}")
        result = _invoke(target, "restore", str(backups[-2][0]))
        assert result.exit_code == 0, result.output
        _assert_same(_rows(target), _rows(copy))
        dispose(copy)
    finally:
        dispose(target)
        dispose(application)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _broken_value(lines: list[str], table: str, column_index: int, value) -> list[str]:
    """The backup with one value of the first row of `table` replaced."""
    out, inside, done = [], False, False
    for line in lines:
        item = json.loads(line)
        if isinstance(item, dict):
            inside = item.get("table") == table
        elif inside and not done:
            item[column_index] = value
            line, done = json.dumps(item), True
        out.append(line)
    assert done
    return out


def _duplicated_row(lines: list[str], table: str) -> list[str]:
    out: list[str] = []
    for line in lines:
        item = json.loads(line)
        if isinstance(item, dict) and item.get("end") == table:
            out.append(out[-1])  # the last row again: a duplicate primary key
            item["rows"] += 1
            line = json.dumps(item)
        out.append(line)
    return out


def test_bad_backups_and_a_full_database_are_refused_without_writing(app, runner, fresh_url, tmp_path):
    build_world()
    good = tmp_path / "good.json"
    assert runner.invoke(args=["backup", "--format", "json", str(good)]).exit_code == 0
    lines = good.read_text(encoding="utf-8").splitlines()
    source = table_rows(db.engine)
    review_columns = [c.name for c in db.metadata.tables["review_log"].columns]
    damaged_sqlite = tmp_path / "damaged.db"
    damaged_sqlite.write_bytes(SQLITE_MAGIC + os.urandom(4096))
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(256))

    cases = {
        "missing": (tmp_path / "nowhere.json", "backup file not found"),
        "not a backup": (not_a_backup, "is not a Casewise backup"),
        "damaged sqlite": (damaged_sqlite, "damaged.db is a damaged SQLite file"),
        "truncated": (_write(tmp_path / "cut.json", lines[:-4]), "the backup is truncated"),
        "not json": (
            _write(tmp_path / "garbled.json", [*lines[:5], "[1, 2", *lines[5:]]),
            "line 6: not valid JSON",
        ),
        # The last table fails: every table before it was already inserted, and must be rolled back.
        "bad value": (
            _write(
                tmp_path / "value.json",
                _broken_value(lines, "review_log", review_columns.index("reviewed_at"), "yesterday"),
            ),
            "table 'review_log', row 1, column 'reviewed_at'",
        ),
        "refused row": (
            _write(tmp_path / "dup.json", _duplicated_row(lines, "review_log")),
            "the database refused a row",
        ),
    }
    target = _target(fresh_url)
    try:
        assert_each_refused(target, cases)

        assert _invoke(target, "restore", str(good)).exit_code == 0
        with target.app_context():
            add_user("only-in-target")
        before = _rows(target)
        full = _invoke(target, "restore", str(good))
        assert full.exit_code == 1
        # Tables are named in dependency order; bank_revision (no foreign keys) comes before user.
        assert "the database is not empty: rows in " in full.output and " user (4)" in full.output
        assert "--force" in full.output
        assert _rows(target) == before
        forced = _invoke(target, "restore", "--force", str(good))
        assert forced.exit_code == 0, forced.output
        _assert_same(_rows(target), source)
    finally:
        dispose(target)

    # A backup never overwrites a file unless told to.
    again = runner.invoke(args=["backup", "--format", "json", str(good)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert good.read_text(encoding="utf-8").splitlines() == lines
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


@pytest.mark.parametrize("fmt", ["sqlite"])
def test_a_sqlite_copy_needs_a_sqlite_database(app, runner, tmp_path, backend, fmt):
    result = runner.invoke(args=["backup", "--format", fmt, str(tmp_path / "x.db")])
    if backend == "sqlite":
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1
        assert "needs a SQLite database" in result.output and "--format json" in result.output
        assert not (tmp_path / "x.db").exists()


def test_values_round_trip_through_the_json_encoding():
    from datetime import UTC, date, datetime

    from sqlalchemy import null

    from app.backup import decode, encode

    columns = {c.name: c for c in db.metadata.tables["response"].columns}
    answer = columns["answer"]
    # JSON columns: SQL NULL, JSON null and an object shaped like the wrapper all stay distinct.
    assert encode(answer, None) is None and isinstance(decode(answer, None), type(null()))
    assert encode(answer, "null") == {"$json": None} and decode(answer, {"$json": None}) is None
    tricky = '{"$json": 1}'
    assert decode(answer, encode(answer, tricky)) == {"$json": 1}
    assert decode(answer, encode(answer, '["a", {"b": 2}]')) == ["a", {"b": 2}]
    saved_at = columns["saved_at"]
    moment = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    assert encode(saved_at, moment) == "2026-03-01T12:30:15.123456+00:00"
    assert decode(saved_at, encode(saved_at, moment)) == moment
    assert decode(saved_at, "2026-03-01T13:30:15.123456+01:00") == moment
    published = db.metadata.tables["article"].c.published_on
    assert decode(published, encode(published, date(2025, 3, 2))) == date(2025, 3, 2)
    for column, bad in ((saved_at, "2026-03-01T12:30:15"), (columns["seq"], "3"), (columns["seq"], True)):
        with pytest.raises(ValueError):
            decode(column, bad)
    with pytest.raises(ValueError, match="requires a value"):
        decode(saved_at, None)
