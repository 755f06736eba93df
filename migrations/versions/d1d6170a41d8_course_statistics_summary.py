"""course_topic_day, course_topic_recall, course_summary: course statistics without scanning the log

The instructor's course statistics joined every review of the course's students (about 100k rows on a
department's database) on each request. These tables hold the per-topic daily sums and the class view;
app.study.reports.refresh_course rebuilds a course's rows from the log (`flask study summarise`, the
page's Refresh button). The daily rows are filled here from the existing review log, each answer on its
UTC day, for every course its student belongs to. The class view and course_summary stay empty until
the first refresh: retrievability changes with the time it is computed at.

Revision ID: d1d6170a41d8
Revises: f5c3b8a0d214
Create Date: 2026-12-07 02:50:00.000000

"""

from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "d1d6170a41d8"
down_revision = "f5c3b8a0d214"
branch_labels = None
depends_on = None

STATE_REVIEW = 2


def upgrade():
    op.create_table(
        "course_topic_day",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("mature", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "reviews >= 0 AND mature >= 0 AND passed >= 0 AND passed <= mature",
            name=op.f("ck_course_topic_day_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_course_topic_day_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "topic", "day", name=op.f("pk_course_topic_day")),
    )
    op.create_table(
        "course_topic_recall",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("above", sa.Integer(), nullable=False),
        sa.CheckConstraint("above >= 0 AND above <= students", name=op.f("ck_course_topic_recall_counts")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_course_topic_recall_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "topic", name=op.f("pk_course_topic_recall")),
    )
    op.create_table(
        "course_summary",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_students", sa.Integer(), nullable=False),
        sa.Column("mean_retention", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_summary_course_id_course"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_course_summary")),
    )
    _fill_from_review_log()


def _fill_from_review_log():
    """The daily rows, summed in Python so SQLite and PostgreSQL take the UTC day the same way."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT e.course_id, q.topic, r.reviewed_at, r.state_before, r.rating "
            "FROM review_log r JOIN card c ON c.id = r.card_id JOIN question q ON q.id = c.question_id "
            "JOIN enrolment e ON e.user_id = r.user_id AND e.role = 'student'"
        )
    )
    sums = Counter()
    for course_id, topic, reviewed_at, state_before, rating in rows:
        if isinstance(reviewed_at, str):  # SQLite hands back its text
            reviewed_at = datetime.fromisoformat(reviewed_at)
        if reviewed_at.tzinfo is not None:
            reviewed_at = reviewed_at.astimezone(UTC)
        key = (course_id, topic, reviewed_at.date())
        sums[key + ("reviews",)] += 1
        sums[key + ("mature",)] += state_before == STATE_REVIEW
        sums[key + ("passed",)] += state_before == STATE_REVIEW and rating > 1
    keys = sorted({key[:3] for key in sums})
    if keys:
        table = sa.table(
            "course_topic_day",
            sa.column("course_id", sa.Integer),
            sa.column("topic", sa.String),
            sa.column("day", sa.Date),
            sa.column("reviews", sa.Integer),
            sa.column("mature", sa.Integer),
            sa.column("passed", sa.Integer),
        )
        op.bulk_insert(
            table,
            [
                {
                    "course_id": course_id,
                    "topic": topic,
                    "day": day,
                    **{name: sums[(course_id, topic, day, name)] for name in ("reviews", "mature", "passed")},
                }
                for course_id, topic, day in keys
            ],
        )


def downgrade():
    op.drop_table("course_summary")
    op.drop_table("course_topic_recall")
    op.drop_table("course_topic_day")
