"""question.fact_key: the fact a generated question tests, so the review queue folds variants under it

The generator groups its questions by the fact they test (source sentence plus answer); the best one is
shown in the review queue and the others are folded under it as variants. Existing rows keep NULL
(each is its own fact).

Revision ID: c3f18e0a4d27
Revises: c3a91f5e7d20
Create Date: 2026-12-06 23:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3f18e0a4d27"
down_revision = "c3a91f5e7d20"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("question", sa.Column("fact_key", sa.String(length=200), nullable=True))


def downgrade():
    # A plain ALTER TABLE (SQLite >= 3.35 drops a column in place): a batch rebuild of `question` would
    # break the foreign keys of the rows that reference it (cards, responses).
    op.drop_column("question", "fact_key")
