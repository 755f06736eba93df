"""The course statistics' "Refresh now" as a background job: the summary rebuild (reports.refresh_course)
takes seconds on a large course, so it runs on the job framework, not in the request.

`start_refresh(course, user)` is what the course statistics page calls (the view checks the user manages
the course); `flask study summarise` calls reports.refresh_course directly.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import Course, Job, User
from app.study import reports

JOB_KIND = "study.summarise"


@jobs.register(JOB_KIND)
def summarise_job(ctx: Any, label: str = "") -> dict[str, Any]:
    """The job runner: rebuild the summary of the job's course (one transaction, reports.refresh_course);
    `label` is the course title the job list shows."""
    course_id = ctx.course_id
    ctx.progress(0, 1, "Rebuilding the course summary from the review log")
    course = db.session.get(Course, course_id) if course_id is not None else None
    if course is None:
        raise jobs.JobError("The course of this refresh no longer exists.")
    title = course.title
    db.session.commit()  # end the read: refresh_course writes in its own transaction
    reports.refresh_course(course_id)
    ctx.progress(1, 1, "Done")
    return {"course": title}


def active_refresh(course: Course) -> Job | None:
    """A refresh of the course still queued or running, whoever started it."""
    query = select(Job).where(Job.kind == JOB_KIND, Job.course_id == course.id, Job.dedupe_key.is_not(None))
    return db.session.scalars(query.order_by(Job.id.desc()).limit(1)).first()


def start_refresh(course: Course, user: User) -> Job:
    """Start rebuilding the course's summary as a job (inline without Redis) and return it. While a
    refresh of the course is queued or running (a second click, or another instructor's), that one is
    returned: one rebuild at a time per course. One without progress for SUMMARY_REFRESH_STALE_SECONDS
    (600: a rebuild takes seconds) lost its worker: it is marked failed and a new one starts."""
    running = active_refresh(course)
    stale_after = int(current_app.config.get("SUMMARY_REFRESH_STALE_SECONDS", 600))
    if running is not None and running.active and not jobs.abandon_if_stale(running, stale_after):
        return running
    return jobs.start(JOB_KIND, user, {"label": course.title}, course=course)
