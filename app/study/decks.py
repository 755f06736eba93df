"""The bank revision: a counter bumped in the same flush as any change that can add a question to a deck.

A student's "this deck is fully carded" marker (StudyDeckChecked) holds the revision it was checked at, so
the pick (app/study/queries.py) searches the bank for a question without a card only when the bank moved
since, instead of on every card shown.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import BankRevision, Question

# A question's columns that decide which decks hold it (app/study/queries.py DECK_CONDITIONS).
DECK_COLUMNS = ("status", "topic", "article_id")
bank_revision_t = BankRevision.__table__


def bump_statement(dialect_name: str) -> Any:
    """Add one to the bank revision, creating its row on first use."""
    insert_for = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect_name]
    statement = insert_for(bank_revision_t).values(id=1, revision=1)
    return statement.on_conflict_do_update(
        index_elements=[bank_revision_t.c.id], set_={"revision": bank_revision_t.c.revision + 1}
    )


def _moves_decks(obj: Any) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in DECK_COLUMNS)


def bump_on_bank_change(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush that creates a question or changes its deck columns, bump the bank revision in
    the same transaction (the ORM writes every question: bank load, curation, imports)."""
    if any(isinstance(obj, Question) for obj in session.new) or any(
        isinstance(obj, Question) and _moves_decks(obj) for obj in session.dirty
    ):
        connection = session.connection()
        connection.execute(bump_statement(connection.dialect.name))


def init_app(_app: Flask) -> None:
    if not event.contains(Session, "before_flush", bump_on_bank_change):
        event.listen(Session, "before_flush", bump_on_bank_change)
