"""bank_revision and study_deck_checked: the pick stops searching a fully carded deck

Choosing the next card searched the whole deck for a question without a card on every card shown once a
student had no new card left. study_deck_checked remembers, per student and deck, the bank revision at
which every approved question of the deck had a card; bank_revision (one row) counts the changes that
can add a question to a deck, bumped by the ORM in the same flush (app/study/decks.py). Both start
empty: each deck is searched once more after the upgrade, then marked.

Revision ID: c3e1f0a2b7d4
Revises: cc31c69c477b
Create Date: 2026-12-06 23:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c3e1f0a2b7d4"
down_revision = "cc31c69c477b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bank_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_bank_revision_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_revision")),
    )
    op.create_table(
        "study_deck_checked",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("deck_key", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_study_deck_checked_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "deck_key", name=op.f("pk_study_deck_checked")),
    )


def downgrade():
    op.drop_table("study_deck_checked")
    op.drop_table("bank_revision")
