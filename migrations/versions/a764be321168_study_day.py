"""study_day: answers per student per study day

The daily limits read today's answers on every card shown. Counted from review_log, that cost grew with
every answer of the day; study_day keeps the sum, updated in the grade's and the undo's transaction, so
it is one row by primary key. The table is filled here from the existing review log, each answer on the
study day it belongs to (4 AM to 4 AM in the student's time zone, as app/study/scheduler.study_day).

Revision ID: a764be321168
Revises: 5f2c7a1d9b3e
Create Date: 2026-11-21 05:15:22.620332

"""
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a764be321168'
down_revision = '5f2c7a1d9b3e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('study_day',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('new_done', sa.Integer(), nullable=False),
    sa.Column('reviews_done', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.CheckConstraint('new_done >= 0 AND reviews_done >= 0 AND done >= 0', name=op.f('ck_study_day_counts')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_study_day_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_study_day'))
    )
    _fill_from_review_log()


ROLLOVER = timedelta(hours=4)  # the study day starts at 4 AM local time


def _fill_from_review_log():
    bind = op.get_bind()
    zones = {user_id: ZoneInfo(tz) for user_id, tz in bind.execute(sa.text('SELECT id, timezone FROM "user"'))}
    sums = Counter()
    rows = bind.execute(sa.text("SELECT user_id, reviewed_at, state_before FROM review_log"))
    for user_id, reviewed_at, state_before in rows:
        if isinstance(reviewed_at, str):  # SQLite hands back its text
            reviewed_at = datetime.fromisoformat(reviewed_at)
        if reviewed_at.tzinfo is None:
            reviewed_at = reviewed_at.replace(tzinfo=UTC)
        local = reviewed_at.astimezone(zones[user_id]).replace(tzinfo=None)
        day = (local - ROLLOVER).date()
        sums[(user_id, day, "new_done")] += state_before == 0
        sums[(user_id, day, "reviews_done")] += state_before == 2
        sums[(user_id, day, "done")] += 1
    days = sorted({(user_id, day) for user_id, day, _ in sums})
    if days:
        table = sa.table(
            "study_day",
            sa.column("user_id", sa.Integer),
            sa.column("day", sa.Date),
            sa.column("new_done", sa.Integer),
            sa.column("reviews_done", sa.Integer),
            sa.column("done", sa.Integer),
        )
        op.bulk_insert(
            table,
            [
                {"user_id": user_id, "day": day, **{name: sums[(user_id, day, name)] for name in ("new_done", "reviews_done", "done")}}
                for user_id, day in days
            ],
        )


def downgrade():
    op.drop_table('study_day')
