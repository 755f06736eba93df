"""card.interval_days: the interval a review card was given, as Anki keeps it

Anki's review intervals depend on the last one (an interval only grows past it, "greater than last"), and
a relearning card returns to review with the interval set when it lapsed, which its dates alone cannot
tell. Existing cards keep NULL: a review card's interval is then read from its due and last-review
study days, and a relearning card's from FSRS's Again interval.

Revision ID: d81b5c0e6f27
Revises: c3e1f0a2b7d4
Create Date: 2026-12-07 00:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "d81b5c0e6f27"
down_revision = "c3e1f0a2b7d4"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds the table, and dropping the old
    # card table with foreign keys on would cascade to every review log.
    op.add_column("card", sa.Column("interval_days", sa.Integer(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE card DROP COLUMN interval_days")  # SQLite 3.35+, no table rebuild
    else:
        op.drop_column("card", "interval_days")
