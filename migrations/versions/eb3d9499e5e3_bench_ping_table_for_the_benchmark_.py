"""bench_ping table for the benchmark baseline

Revision ID: eb3d9499e5e3
Revises: 28c2fa5a3497
Create Date: 2026-11-21 01:54:29.443324

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eb3d9499e5e3'
down_revision = '28c2fa5a3497'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bench_ping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bench_ping'))
    )


def downgrade():
    op.drop_table('bench_ping')
