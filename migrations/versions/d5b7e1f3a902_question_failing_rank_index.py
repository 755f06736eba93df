"""ix_question_failing_rank_uid: the review queue's "failing a check" tab in rank order

A partial index (status, rank_score DESC [NULLS LAST on PostgreSQL], uid) over the questions that fail a
generator check. Without it the planner read every failing candidate through
ix_question_status_checks_fact, checked each against its fact's earlier variants and sorted them for a page
of 20 (PostgreSQL, the bench's 25,000-question department: 714 rows, 29 ms); with it the page walks the
queue's order and stops at 20 heads (2 ms). Like ix_question_status_rank_uid its DDL differs by dialect,
so migrations/env.py leaves it out of `flask db check` and this script is its definition.

Revision ID: d5b7e1f3a902
Revises: c3d8f1a27e40
Create Date: 2026-12-07 14:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "d5b7e1f3a902"
down_revision = "c3d8f1a27e40"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    rank = "rank_score DESC NULLS LAST" if bind.dialect.name == "postgresql" else "rank_score DESC"
    failing = sa.text("failed_checks > 0")
    op.create_index(
        "ix_question_failing_rank_uid",
        "question",
        ["status", sa.text(rank), "uid"],
        postgresql_where=failing,
        sqlite_where=failing,
    )


def downgrade():
    op.drop_index("ix_question_failing_rank_uid", table_name="question")
