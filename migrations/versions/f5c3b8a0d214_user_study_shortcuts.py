"""user.study_shortcuts: a setting to turn off the study screen's single-key shortcuts

WCAG 2.1.4 (character key shortcuts): a student using speech input can turn Space, 1–4 and u off.
On for everyone by default, as before.

Revision ID: f5c3b8a0d214
Revises: e4a9d2c71b35
Create Date: 2026-12-07 00:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "f5c3b8a0d214"
down_revision = "e4a9d2c71b35"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLEs, not batch mode: on SQLite batch mode rebuilds the table, and dropping the old
    # user table with foreign keys on would cascade to everything a user owns.
    op.add_column(
        "user", sa.Column("study_shortcuts", sa.Boolean(), server_default=sa.true(), nullable=False)
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE "user" DROP COLUMN study_shortcuts')  # SQLite 3.35+, no table rebuild
    else:
        op.drop_column("user", "study_shortcuts")
