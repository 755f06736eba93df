"""quiz.analysis_version, a counter bumped by every write the item analysis reads; an index for the queue's count

The analysis page decided whether its stored analysis was current by an aggregate over the quiz's
attempts, responses, items and questions (15,000 responses on a department's quiz). The counter is bumped
in the same transaction as each such write (app/quizzes/analysis_version.py), so the page reads one row.
Existing rows start at 0; stored analyses hold the old digest, which never equals a version, so each is
computed once more.

ix_question_status_checks_fact (status, failed_checks, fact_key, article_id): the review queue counts the
distinct facts among the candidates (failing a check or not) from this index alone; without it SQLite
read every question's row (at 25,000 questions: 34 → 0.3 ms failing a check, 51 → 2.9 ms all).

Revision ID: c3d8f1a27e40
Revises: b7e2a94c1f08
Create Date: 2026-12-07 05:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c3d8f1a27e40"
down_revision = "b7e2a94c1f08"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.add_column(sa.Column("analysis_version", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index(
            "ix_question_status_checks_fact", ["status", "failed_checks", "fact_key", "article_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index("ix_question_status_checks_fact")
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.drop_column("analysis_version")
