"""quiz_analysis: a quiz's item analysis kept with the fingerprint of the data it was computed from

The item analysis page recomputed Moodle's statistics over every first attempt on each request (about
2 s for 500 attempts on a department's database). The page now reads this row and recomputes only when
the fingerprint of the quiz's attempts, responses, items and questions has changed. The table starts
empty: each quiz's row is written the first time its analysis is shown.

Revision ID: b7e2a94c1f08
Revises: a7c41e0b9d52
Create Date: 2026-12-07 03:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2a94c1f08"
down_revision = "a7c41e0b9d52"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quiz_analysis",
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quiz.id"], name=op.f("fk_quiz_analysis_quiz_id_quiz"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("quiz_id", name=op.f("pk_quiz_analysis")),
    )


def downgrade():
    op.drop_table("quiz_analysis")
