"""`flask study summarise`: rebuild the course statistics summaries from the review log."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Course
from app.plural import counted
from app.study import reports

study_cli = AppGroup("study", help="Flashcard study maintenance.")


@study_cli.command("summarise")
@click.option("--course", "course_id", type=int, default=None, help="Only this course (by id).")
def summarise_command(course_id: int | None) -> None:
    """Rebuild each course's per-topic daily summary and class view from the log (one transaction per
    course). Run it on a schedule (cron or the job queue); the course page reads only the summary."""
    if course_id is not None:
        if db.session.get(Course, course_id) is None:
            raise click.BadParameter(f"no course with id {course_id}", param_hint="--course")
        reports.refresh_course(course_id)
        click.echo(f"summarised course {course_id}")
        return
    click.echo(f"summarised {counted(reports.refresh_all(), 'course')}")
