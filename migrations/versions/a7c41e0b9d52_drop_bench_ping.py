"""Drop bench_ping: the benchmark baseline's table is the bench's own now (bench/harness/endpoints.py)

The bench creates it in its throwaway database; production never writes to it. The downgrade recreates
the table as revision eb3d9499e5e3 made it (empty: its rows were never read).

Revision ID: a7c41e0b9d52
Revises: a7d41c9e2b60
Create Date: 2026-12-07 02:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c41e0b9d52"
down_revision = "a7d41c9e2b60"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("bench_ping")


def downgrade():
    op.create_table(
        "bench_ping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bench_ping")),
    )
