"""gradebook: per-student quiz overrides, preview attempts, archived courses

quiz_override holds one student's accommodation on one quiz (another time limit, extra attempts,
another close date). attempt.mode also allows 'preview' (an instructor's uncounted try). course gets
archived_at (archived courses leave students' lists and refuse joins).

Revision ID: c3f1a9d2e7b4
Revises: bed3f80600de
Create Date: 2026-12-06 23:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f1a9d2e7b4'
down_revision = 'bed3f80600de'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('time_limit_s', sa.Integer(), nullable=True),
    sa.Column('extra_attempts', sa.Integer(), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('extra_attempts >= 0 AND extra_attempts <= 100', name=op.f('ck_quiz_override_extra_attempts')),
    sa.CheckConstraint('time_limit_s IS NULL OR time_limit_s > 0', name=op.f('ck_quiz_override_time_limit')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_override_quiz_id_quiz'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_quiz_override_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_override')),
    sa.UniqueConstraint('quiz_id', 'user_id', name=op.f('uq_quiz_override_quiz_id_user_id'))
    )
    with op.batch_alter_table('quiz_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_override_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attempt_mode'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_attempt_mode'), "mode IN ('quiz', 'practice', 'preview')"
        )


def downgrade():
    op.execute("DELETE FROM attempt WHERE mode = 'preview'")
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attempt_mode'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_attempt_mode'), "mode IN ('quiz', 'practice')")

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('quiz_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_override_user_id'))

    op.drop_table('quiz_override')
