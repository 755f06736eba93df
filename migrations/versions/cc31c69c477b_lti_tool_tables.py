"""lti tool tables: LMS platforms and deployments, the tool's encrypted signing keys, launch nonces,
LMS users and contexts linked to Casewise users and courses, quiz line items and the scores sent to them.

Revision ID: cc31c69c477b
Revises: c3f18e0a4d27
Create Date: 2026-12-07 00:05:58.715570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cc31c69c477b'
down_revision = 'c3f18e0a4d27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lti_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('private_key_encrypted', sa.Text(), nullable=False),
    sa.Column('public_jwk', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_key')),
    sa.UniqueConstraint('kid', name=op.f('uq_lti_key_kid'))
    )
    op.create_table('lti_nonce',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_nonce')),
    sa.UniqueConstraint('nonce', name=op.f('uq_lti_nonce_nonce'))
    )
    op.create_table('lti_platform',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('auth_login_url', sa.String(length=500), nullable=False),
    sa.Column('auth_token_url', sa.String(length=500), nullable=False),
    sa.Column('key_set_url', sa.String(length=500), nullable=False),
    sa.Column('auth_audience', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platform')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platform_issuer_client_id'))
    )
    op.create_table('lti_deployment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_deployment_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_deployment')),
    sa.UniqueConstraint('platform_id', 'deployment_id', name=op.f('uq_lti_deployment_platform_id_deployment_id'))
    )
    op.create_table('lti_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_user_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lti_user_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_user')),
    sa.UniqueConstraint('platform_id', 'sub', name=op.f('uq_lti_user_platform_id_sub')),
    sa.UniqueConstraint('user_id', name=op.f('uq_lti_user_user_id'))
    )
    op.create_table('lti_context',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('memberships_url', sa.String(length=500), nullable=True),
    sa.Column('lineitems_url', sa.String(length=500), nullable=True),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_lti_context_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_context_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_context')),
    sa.UniqueConstraint('course_id', name=op.f('uq_lti_context_course_id')),
    sa.UniqueConstraint('platform_id', 'context_id', name=op.f('uq_lti_context_platform_id_context_id'))
    )
    op.create_table('lti_line_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_lti_line_item_context_id_lti_context'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_lti_line_item_quiz_id_quiz'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_line_item')),
    sa.UniqueConstraint('context_id', 'quiz_id', name=op.f('uq_lti_line_item_context_id_quiz_id'))
    )
    with op.batch_alter_table('lti_line_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_line_item_quiz_id'), ['quiz_id'], unique=False)

    op.create_table('lti_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('line_item_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_lti_score_status')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_lti_score_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_item_id'], ['lti_line_item.id'], name=op.f('fk_lti_score_line_item_id_lti_line_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_score')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_lti_score_attempt_id'))
    )
    with op.batch_alter_table('lti_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_score_line_item_id'), ['line_item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lti_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_score_line_item_id'))

    op.drop_table('lti_score')
    with op.batch_alter_table('lti_line_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_line_item_quiz_id'))

    op.drop_table('lti_line_item')
    op.drop_table('lti_context')
    op.drop_table('lti_user')
    op.drop_table('lti_deployment')
    op.drop_table('lti_platform')
    op.drop_table('lti_nonce')
    op.drop_table('lti_key')
