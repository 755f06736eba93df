"""job: long work (exports, backups, bulk generation, optimisation) run on the queue or inline

One row per job: its kind, owner, parameters, state, progress and result. `dedupe_key` is set only while
the job is queued or running; its unique index makes a second identical start return the first job.

Revision ID: a7c41e9b2d10
Revises: d1d6170a41d8
Create Date: 2026-12-07 02:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c41e9b2d10"
down_revision = "d1d6170a41d8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("result_path", sa.String(length=500), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_job_state")),
        sa.CheckConstraint("progress_done >= 0 AND progress_total >= 0", name=op.f("ck_job_progress")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_job_course_id_course"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_job_owner_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_job_dedupe_key")),
    )
    op.create_index("ix_job_owner_id_created_at", "job", ["owner_id", "created_at"])


def downgrade():
    op.drop_index("ix_job_owner_id_created_at", table_name="job")
    op.drop_table("job")
