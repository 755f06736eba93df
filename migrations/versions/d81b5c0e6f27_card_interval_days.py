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
    with op.batch_alter_table("card") as batch_op:
        batch_op.add_column(sa.Column("interval_days", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("card") as batch_op:
        batch_op.drop_column("interval_days")
