"""user.fsrs_parameters and study_optimisation: each student's own FSRS parameters

The optimiser (app/study/optimize.py) fits FSRS parameters to a student's review log, like Anki's
"Optimize". The parameters in use sit on the user row (NULL: the defaults), which every study request
loads already, so a grade reads nothing more; study_optimisation records each run: when, on how many
reviews, the log loss and RMSE before and after, and whether the new parameters were kept.

Revision ID: b7e2c4d91a05
Revises: a7c41e9b2d10
Create Date: 2026-12-07 02:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2c4d91a05"
down_revision = "a7c41e9b2d10"  # the job table (branch jobs), merged here first
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode rebuilds the user table, and dropping it with
    # foreign keys on would cascade to everything a user owns.
    op.add_column("user", sa.Column("fsrs_parameters", sa.JSON(), nullable=True))
    op.create_table(
        "study_optimisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("log_loss_before", sa.Float(), nullable=False),
        sa.Column("rmse_before", sa.Float(), nullable=False),
        sa.Column("log_loss_after", sa.Float(), nullable=False),
        sa.Column("rmse_after", sa.Float(), nullable=False),
        sa.Column("updated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("reviews >= 0 AND items >= 0", name=op.f("ck_study_optimisation_counts")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_study_optimisation_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_optimisation")),
    )
    op.create_index(
        "ix_study_optimisation_user_id_created_at", "study_optimisation", ["user_id", "created_at"]
    )


def downgrade():
    op.drop_index("ix_study_optimisation_user_id_created_at", table_name="study_optimisation")
    op.drop_table("study_optimisation")
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE "user" DROP COLUMN fsrs_parameters')  # SQLite 3.35+, no table rebuild
    else:
        op.drop_column("user", "fsrs_parameters")
