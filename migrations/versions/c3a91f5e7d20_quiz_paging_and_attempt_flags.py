"""quiz paging and attempt flags: quiz.per_page, attempt.flagged

An instructor may split an attempt into pages (per_page questions each, 0 = all on one page), and a
student may flag questions for review; the flags live with the attempt so a reload keeps them.

Revision ID: c3a91f5e7d20
Revises: c3f1a9d2e7b4
Create Date: 2026-12-06 23:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c3a91f5e7d20"
down_revision = "c3f1a9d2e7b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.add_column(sa.Column("per_page", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_quiz_per_page"), "per_page >= 0")

    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_column("flagged")

    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_quiz_per_page"), type_="check")
        batch_op.drop_column("per_page")
