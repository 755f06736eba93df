"""quiz.feedback_timing: "immediate" becomes "after_submission", which is what it always did

The quiz settings offered "Immediately (graded quizzes: right after submitting; practice: after each
answer)", but a quiz attempt never showed feedback before it was submitted: the choice behaved exactly as
"Right after the student submits". It is no longer offered, and quizzes that had it say what they do. The
table's CHECK constraint still allows the old value (changing it would rebuild `quiz` on SQLite, and
dropping the old table cascades to its attempts); the app no longer writes it.

Revision ID: a3c5e7f9b1d2
Revises: e2b9c47a1f53
Create Date: 2026-12-08 00:10:00.000000

"""

from alembic import op

revision = "a3c5e7f9b1d2"
down_revision = "e2b9c47a1f53"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE quiz SET feedback_timing = 'after_submission' WHERE feedback_timing = 'immediate'")


def downgrade():
    pass  # which quizzes had "immediate" is not kept; both values behave the same
