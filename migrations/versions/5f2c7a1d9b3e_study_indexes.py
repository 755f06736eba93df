"""study indexes: today's answers counted from the review_log index alone

Replaces ix_review_log_user_reviewed (user_id, reviewed_at) with (user_id, reviewed_at, state_before):
the study queue counts today's answers by state_before on every card it shows, and with the column in
the index neither SQLite nor PostgreSQL reads the table rows. The old index is a prefix of the new one,
so every query it served (undo, statistics) uses the new one.

Revision ID: 5f2c7a1d9b3e
Revises: eb3d9499e5e3
Create Date: 2026-11-21 03:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5f2c7a1d9b3e'
down_revision = 'eb3d9499e5e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.create_index(
            'ix_review_log_user_reviewed_state', ['user_id', 'reviewed_at', 'state_before'], unique=False
        )
        batch_op.drop_index('ix_review_log_user_reviewed')


def downgrade():
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.create_index('ix_review_log_user_reviewed', ['user_id', 'reviewed_at'], unique=False)
        batch_op.drop_index('ix_review_log_user_reviewed_state')
