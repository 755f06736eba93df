"""review_log keeps the card's prior state in columns instead of a JSON copy

A grade now writes its log row with one INSERT ... SELECT from the card row (RETURNING the prior
state), so an answer is three statements: that INSERT, the card's UPDATE and the day's count. The
prior state lives in typed columns, read by undo and by a retried grade. Existing rows are filled
from their card_before JSON, which is then dropped.

Revision ID: e4a9d2c71b35
Revises: d81b5c0e6f27
Create Date: 2026-12-07 00:20:00.000000

"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "e4a9d2c71b35"
down_revision = "d81b5c0e6f27"
branch_labels = None
depends_on = None

PRIOR = (
    ("step_before", sa.Integer()),
    ("stability_before", sa.Float()),
    ("difficulty_before", sa.Float()),
    ("due_before", sa.DateTime(timezone=True)),
    ("last_review_before", sa.DateTime(timezone=True)),
    ("reps_before", sa.Integer()),
    ("lapses_before", sa.Integer()),
    ("interval_days_before", sa.Integer()),
)
NOT_NULL = ("due_before", "reps_before", "lapses_before")


def _time(value):
    """A snapshot's ISO time as the column stores it (naive UTC on SQLite, aware on PostgreSQL)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value).astimezone(UTC)
    return moment.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else moment


def upgrade():
    with op.batch_alter_table("review_log") as batch_op:
        for name, type_ in PRIOR:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    bind = op.get_bind()
    log = sa.table(
        "review_log", sa.column("id", sa.Integer), sa.column("card_before", sa.JSON),
        *(sa.column(name, type_) for name, type_ in PRIOR),
    )  # fmt: skip
    for log_id, snapshot in bind.execute(sa.select(log.c.id, log.c.card_before)).all():
        card = json.loads(snapshot) if isinstance(snapshot, str) else (snapshot or {})
        values = {
            "step_before": card.get("step"),
            "stability_before": card.get("stability"),
            "difficulty_before": card.get("difficulty"),
            "due_before": _time(card.get("due")) or _time("1970-01-01T00:00:00+00:00"),
            "last_review_before": _time(card.get("last_review")),
            "reps_before": int(card.get("reps") or 0),
            "lapses_before": int(card.get("lapses") or 0),
            "interval_days_before": card.get("interval_days"),
        }
        bind.execute(log.update().where(log.c.id == log_id).values(values))
    with op.batch_alter_table("review_log") as batch_op:
        for name, type_ in PRIOR:
            if name in NOT_NULL:
                batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.drop_column("card_before")


def downgrade():
    with op.batch_alter_table("review_log") as batch_op:
        batch_op.add_column(sa.Column("card_before", sa.JSON(), nullable=True))
    bind = op.get_bind()
    log = sa.table(
        "review_log", sa.column("id", sa.Integer), sa.column("state_before", sa.Integer),
        sa.column("card_before", sa.JSON), *(sa.column(name, type_) for name, type_ in PRIOR),
    )  # fmt: skip
    for row in bind.execute(sa.select(log)).mappings().all():

        def iso(value):
            if value is None:
                return None
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()

        snapshot = {
            "state": row["state_before"], "step": row["step_before"], "stability": row["stability_before"],
            "difficulty": row["difficulty_before"], "due": iso(row["due_before"]),
            "last_review": iso(row["last_review_before"]), "reps": row["reps_before"],
            "lapses": row["lapses_before"], "interval_days": row["interval_days_before"],
        }  # fmt: skip
        bind.execute(log.update().where(log.c.id == row["id"]).values(card_before=snapshot))
    with op.batch_alter_table("review_log") as batch_op:
        batch_op.alter_column("card_before", existing_type=sa.JSON(), nullable=False)
        for name, _type in reversed(PRIOR):
            batch_op.drop_column(name)
