"""`flask check-text`: find text stored before the input layer refused it (unpaired surrogates, which no
UTF-8 page, download or backup can encode) and, with --repair, replace each with U+FFFD in one transaction.

JSON columns are where such text hides: both backends keep a JSON "\\udfff" escape as written, and it only
becomes unencodable when read back. Plain text columns are checked too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import JSON, String, Table, Text, cast, select
from sqlalchemy.engine import Connection

from app.extensions import db
from app.inputs import has_surrogate
from app.plural import counted

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)  # a surrogate escape in stored JSON text


def repair_text(text: str) -> str:
    return _SURROGATE.sub(REPLACEMENT, text)


def repair_value(value: Any) -> Any:
    """A JSON value with every unpaired surrogate (in keys and strings) replaced by U+FFFD."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, list):
        return [repair_value(v) for v in value]
    if isinstance(value, dict):
        return {repair_text(k): repair_value(v) for k, v in value.items()}
    return value


def _json_has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return has_surrogate(value)
    if isinstance(value, list):
        return any(_json_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(has_surrogate(k) or _json_has_surrogate(v) for k, v in value.items())
    return False


@dataclass(frozen=True)
class BadText:
    table: str
    key: dict[str, Any]  # the row's primary key
    column: str
    repaired: Any  # the value to store instead

    def describe(self) -> str:
        key = ", ".join(f"{name}={value}" for name, value in self.key.items())
        return f"{self.table}.{self.column} ({key})"


def _text_columns(table: Table) -> list:
    return [c for c in table.columns if isinstance(c.type, JSON | String | Text)]


def find_bad_text(conn: Connection) -> Iterator[BadText]:
    """Every stored value holding an unpaired surrogate, table by table, streamed."""
    for table in db.metadata.sorted_tables:
        columns = _text_columns(table)
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        read = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in columns]
        result = conn.execute(
            select(*keys, *read).order_by(*keys),
            execution_options={"stream_results": True, "yield_per": 1000},
        )
        for row in result:
            key = {k.name: row[i] for i, k in enumerate(keys)}
            for offset, column in enumerate(columns):
                value = row[len(keys) + offset]
                if value is None:
                    continue
                if isinstance(column.type, JSON):
                    if not _ESCAPE.search(value) and not has_surrogate(value):
                        continue
                    data = json.loads(value)
                    if _json_has_surrogate(data):
                        yield BadText(table.name, key, column.name, repair_value(data))
                elif has_surrogate(value):
                    yield BadText(table.name, key, column.name, repair_text(value))


def repair(conn: Connection, found: list[BadText]) -> None:
    """Store the repaired values; the caller's transaction makes it all or nothing."""
    for bad in found:
        table = db.metadata.tables[bad.table]
        where = [table.c[name] == value for name, value in bad.key.items()]
        conn.execute(table.update().where(*where).values({bad.column: bad.repaired}))


@click.command("check-text")
@click.option("--repair", "do_repair", is_flag=True, help="Replace each bad character with U+FFFD.")
@with_appcontext
def check_text_command(do_repair: bool) -> None:
    """Find stored text that cannot be encoded as UTF-8 (unpaired surrogates); --repair fixes it."""
    with db.engine.begin() as conn:
        found = list(find_bad_text(conn))
        for bad in found:
            click.echo(f"unpaired surrogate in {bad.describe()}")
        if not found:
            click.echo("All stored text is valid UTF-8.")
            return
        if not do_repair:
            click.echo(
                f"{counted(len(found), 'value')} {'holds' if len(found) == 1 else 'hold'} text that cannot be "
                "encoded as UTF-8. "
                "Run `flask --app wsgi check-text --repair` to replace the bad characters with U+FFFD."
            )
            raise SystemExit(1)
        repair(conn, found)
    click.echo(f"Repaired {counted(len(found), 'value')}: each unpaired surrogate is now U+FFFD.")
