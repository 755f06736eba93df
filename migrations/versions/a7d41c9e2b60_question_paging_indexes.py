"""question: paging indexes and failed_checks, so the bank list and the review queue page in SQL

- `failed_checks` (how many generator checks a question fails, kept by the ORM from `checks`) makes
  "failing a check" a WHERE clause; filled here from the stored checks.
- Each ordering of the lists reads one index after the status filter: (status, topic, uid) for the bank,
  (status, rank_score DESC [NULLS LAST on PostgreSQL], uid) for the queue, (topic, uid) for "any status".
  (status, topic) and (topic) are their prefixes and go.
- (fact_key, article_id) finds the variants folded under a fact (article_id may be NULL and is compared
  with IS NOT DISTINCT FROM, so the fact key leads).

Revision ID: a7d41c9e2b60
Revises: b7e2c4d91a05
Create Date: 2026-12-07 02:40:00.000000

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "a7d41c9e2b60"
down_revision = "b7e2c4d91a05"
branch_labels = None
depends_on = None


def _failed(checks) -> int:
    if isinstance(checks, str):
        checks = json.loads(checks)
    return sum(1 for result in (checks or {}).values() if result is not True)


def upgrade():
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds the table, and question is
    # referenced by responses, cards and quiz items.
    op.add_column("question", sa.Column("failed_checks", sa.Integer(), server_default="0", nullable=False))
    bind = op.get_bind()
    question = sa.table("question", sa.column("id", sa.Integer), sa.column("checks", sa.JSON))
    failing = [
        {"qid": qid, "n": n}
        for qid, checks in bind.execute(sa.select(question.c.id, question.c.checks))
        if (n := _failed(checks))
    ]
    if failing:
        bind.execute(
            sa.text("UPDATE question SET failed_checks = :n WHERE id = :qid"),
            failing,
        )

    rank = "rank_score DESC NULLS LAST" if bind.dialect.name == "postgresql" else "rank_score DESC"
    op.create_index("ix_question_status_topic_uid", "question", ["status", "topic", "uid"])
    op.create_index("ix_question_status_rank_uid", "question", ["status", sa.text(rank), "uid"])
    op.create_index("ix_question_topic_uid", "question", ["topic", "uid"])
    op.create_index("ix_question_fact_article", "question", ["fact_key", "article_id"])
    op.drop_index("ix_question_status_topic", table_name="question")
    op.drop_index("ix_question_topic", table_name="question")


def downgrade():
    op.create_index("ix_question_topic", "question", ["topic"])
    op.create_index("ix_question_status_topic", "question", ["status", "topic"])
    op.drop_index("ix_question_fact_article", table_name="question")
    op.drop_index("ix_question_topic_uid", table_name="question")
    op.drop_index("ix_question_status_rank_uid", table_name="question")
    op.drop_index("ix_question_status_topic_uid", table_name="question")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE question DROP COLUMN failed_checks")  # SQLite 3.35+, no table rebuild
    else:
        op.drop_column("question", "failed_checks")
