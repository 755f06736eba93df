"""Counting the SQL statements a piece of code sends: `with count_statements(engine) as counted: ...`.

Listens to the engine's `before_cursor_execute` (every statement the driver runs, lazy loads included;
an executemany counts once) and stops listening on leaving the block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        """The statements, one per line (first 160 characters), for a failing assertion's message."""
        return "\n".join(f"  {n}. {' '.join(s.split())[:160]}" for n, s in enumerate(self.statements, 1))


@contextmanager
def count_statements(engine: Engine) -> Iterator[Counted]:
    counted = Counted()

    def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        counted.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", record)


WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT")


@contextmanager
def no_writes(engine: Engine, what: str = "this block") -> Iterator[Counted]:
    """Fail if the block sends an INSERT, UPDATE or DELETE (a GET must only read): the statements it sent
    are listed in the failure."""
    with count_statements(engine) as counted:
        yield counted
    writes = [s for s in counted.statements if s.lstrip().split(None, 1)[0].upper() in WRITES]
    assert not writes, f"{what} wrote to the database:\n" + Counted(writes).report()
