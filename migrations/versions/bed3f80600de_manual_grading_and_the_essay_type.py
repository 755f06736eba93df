"""manual grading and the essay type

Questions may be essays (the qtype check gains 'essay'). A response can be graded by hand: the points
given, a comment the student reads, who graded it and when. An attempt counts the responses still waiting
for a person (`ungraded`); while that is above 0 its score is pending. Existing rows need no backfill:
nothing was graded by hand before, and no attempt held an essay.

Revision ID: bed3f80600de
Revises: a764be321168
Create Date: 2026-12-06 23:51:18.262791

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bed3f80600de'
down_revision = 'a764be321168'
branch_labels = None
depends_on = None

OLD_TYPES = "'mcq', 'multi', 'tf', 'numeric', 'cloze', 'matching', 'short'"
NEW_TYPES = OLD_TYPES + ", 'essay'"


def _qtype_check(types: str) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        with op.batch_alter_table('question', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('ck_question_qtype'), type_='check')
            batch_op.create_check_constraint('qtype', f'qtype IN ({types})')
        return
    # SQLite changes a check by copying the table, dropping the old one and renaming the copy. Dropping
    # `question` would fail the foreign keys of cards, quiz items and responses, so they are off for the
    # copy, as SQLite's procedure for altering a table says (the pragma only works outside a
    # transaction), and every foreign key is checked right after.
    with op.get_context().autocommit_block():
        op.execute('PRAGMA foreign_keys=OFF')
        with op.batch_alter_table('question', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('ck_question_qtype'), type_='check')
            batch_op.create_check_constraint('qtype', f'qtype IN ({types})')
        op.execute('PRAGMA foreign_keys=ON')
        broken = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken by rebuilding question: {broken[:5]}')


def upgrade():
    _qtype_check(NEW_TYPES)

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ungraded', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manual_points', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('comment', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('graded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_response_graded_by_id_user'), 'user', ['graded_by_id'], ['id'], ondelete='SET NULL'
        )
        batch_op.create_check_constraint('manual_points', 'manual_points IS NULL OR manual_points >= 0')


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_response_manual_points'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_response_graded_by_id_user'), type_='foreignkey')
        batch_op.drop_column('graded_at')
        batch_op.drop_column('graded_by_id')
        batch_op.drop_column('comment')
        batch_op.drop_column('manual_points')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('ungraded')

    # Essays cannot survive the old check: they go first (with their responses and quiz items).
    op.execute("DELETE FROM response WHERE question_id IN (SELECT id FROM question WHERE qtype = 'essay')")
    op.execute("DELETE FROM quiz_item WHERE question_id IN (SELECT id FROM question WHERE qtype = 'essay')")
    op.execute("DELETE FROM question WHERE qtype = 'essay'")
    _qtype_check(OLD_TYPES)
