"""quiz.counts_in_average: a setting to leave a quiz (a practice quiz) out of the course average

The course gradebook averaged every quiz, so a student who tried the practice quiz and scored 0 fell below
one who skipped it. True for every quiz by default, as before.

Revision ID: e2b9c47a1f53
Revises: d5b7e1f3a902
Create Date: 2026-12-07 22:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "e2b9c47a1f53"
down_revision = "d5b7e1f3a902"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLEs, not batch mode: on SQLite batch mode rebuilds the table, and dropping the old
    # quiz table with foreign keys on would cascade to its items, attempts and overrides.
    op.add_column(
        "quiz", sa.Column("counts_in_average", sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE quiz DROP COLUMN counts_in_average")  # SQLite 3.35+, no table rebuild
    else:
        op.drop_column("quiz", "counts_in_average")
