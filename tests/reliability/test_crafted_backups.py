"""Restore from a crafted backup (wrong schema, wrong types, huge rows, duplicate ids, a newer migration):
a refusal naming what is wrong, exit code 1, nothing written. And `flask backup --format json` on a
database holding text stored before the input layer existed: a backup, a warning, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from app.backup import core as backup_module
from app.extensions import db
from tests.reliability.conftest import build_world, dispose
from tests.reliability.test_backup import (
    _broken_value,
    _duplicated_row,
    _invoke,
    _target,
    _write,
    assert_each_refused,
)


def _column(table: str, name: str) -> int:
    return [c.name for c in db.metadata.tables[table].columns].index(name)


def _replace_line(lines: list[str], match, change) -> list[str]:
    out, done = [], False
    for line in lines:
        item = json.loads(line)
        if not done and match(item):
            line, done = change(item), True
        out.append(line)
    assert done
    return out


def _extra_column(item: dict) -> str:
    item["columns"].append({"name": "smuggled", "type": "TEXT"})
    return json.dumps(item)


def test_crafted_backups_are_refused_with_nothing_written(app, runner, fresh_url, tmp_path, monkeypatch):
    build_world()
    good = tmp_path / "good.json"
    assert runner.invoke(args=["backup", "--format", "json", str(good)]).exit_code == 0
    lines = good.read_text(encoding="utf-8").splitlines()
    user_name = _column("user", "username")
    quiz_id = _column("quiz", "id")
    card_stability = _column("card", "stability")
    header = json.loads(lines[0])
    newer = {**header, "revision": "ffffffffffff"}
    monkeypatch.setattr(
        backup_module, "MAX_LINE_CHARS", 100_000
    )  # the limit scaled down to keep the test small

    cases = {
        "newer migration": (
            _write(tmp_path / "newer.json", [json.dumps(newer), *lines[1:]]),
            "comes from a newer version",
        ),
        "extra column": (
            _write(
                tmp_path / "schema.json",
                _replace_line(
                    lines, lambda i: isinstance(i, dict) and i.get("table") == "quiz", _extra_column
                ),
            ),
            "columns not in this database: smuggled",
        ),
        "20-digit id": (
            _write(tmp_path / "huge-id.json", _broken_value(lines, "quiz", quiz_id, 10**20)),
            "does not fit the column",
        ),
        "number as text": (
            _write(tmp_path / "type.json", _broken_value(lines, "user", user_name, 12)),
            "column 'username': expected text",
        ),
        "too long for the column": (
            _write(tmp_path / "long.json", _broken_value(lines, "user", user_name, "u" * 5000)),
            "the column holds at most",
        ),
        "huge row": (
            _write(tmp_path / "huge-row.json", _broken_value(lines, "user", user_name, "u" * 200_000)),
            "the line is longer than",
        ),
        "surrogate": (
            _write(
                tmp_path / "surrogate.json",
                [line.replace('"student1"', '"student\\udfff"') for line in lines],
            ),
            "unpaired surrogate",
        ),
        "deep nesting": (
            _write(tmp_path / "deep.json", [*lines[:3], "[" * 5000 + "]" * 5000, *lines[3:]]),
            "nested too deeply",
        ),
        "duplicate id": (
            _write(tmp_path / "dup.json", _duplicated_row(lines, "quiz")),
            "the database refused a row",
        ),
    }
    # Python's json writes NaN; the input layer refuses it.
    cases["non-finite number"] = (
        _write(tmp_path / "nan.json", _broken_value(lines, "card", card_stability, float("nan"))),
        "finite number",
    )
    target = _target(fresh_url)
    try:
        assert_each_refused(target, cases)
        assert _invoke(target, "restore", str(good)).exit_code == 0
    finally:
        dispose(target)


def _store_bad_text() -> None:
    """What autosave stored before the input layer: a JSON answer holding an unpaired surrogate."""
    with db.engine.begin() as conn:
        first = conn.execute(text("SELECT id FROM response ORDER BY id LIMIT 1")).scalar_one()
        conn.execute(
            text("UPDATE response SET answer = CAST(:bad AS " + _json_type() + ") WHERE id = :id"),
            {"bad": '["ok", "\\udfff"]', "id": first},
        )


def _json_type() -> str:
    return "JSON" if db.engine.dialect.name == "postgresql" else "TEXT"


def test_backup_survives_stored_bad_text_and_check_text_repairs_it(app, runner, tmp_path):
    build_world()
    _store_bad_text()
    found = runner.invoke(args=["check-text"])
    assert found.exit_code == 1, found.output
    assert "unpaired surrogate in response.answer (id=" in found.output
    assert "check-text --repair" in found.output

    out = tmp_path / "not" / "yet" / "there" / "backup.json"
    result = runner.invoke(args=["backup", "--format", "json", str(out)])
    assert result.exit_code == 0, result.output
    assert "check-text --repair" in result.output
    written = out.read_text(encoding="utf-8")  # valid UTF-8 throughout
    assert '["ok", "\ufffd"]' in written

    repaired = runner.invoke(args=["check-text", "--repair"])
    assert repaired.exit_code == 0 and "Repaired 1 value:" in repaired.output
    clean = runner.invoke(args=["check-text"])
    assert clean.exit_code == 0 and "All stored text is valid UTF-8." in clean.output
    db.session.expire_all()
    from app.models import Response

    answers = db.session.scalars(db.select(Response.answer)).all()
    assert ["ok", "\ufffd"] in answers
    again = runner.invoke(args=["backup", "--format", "json", str(tmp_path / "b2.json")])
    assert again.exit_code == 0 and "warning" not in again.output


def test_backup_into_a_path_under_a_file_is_a_clear_error(app, runner, tmp_path):
    (tmp_path / "plain").write_text("x")
    result = runner.invoke(args=["backup", "--format", "json", str(tmp_path / "plain" / "b.json")])
    assert result.exit_code == 1
    assert "cannot create the folder" in result.output and "choose another path" in result.output
    assert Path(tmp_path / "plain").read_text() == "x"
