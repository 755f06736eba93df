"""What the job pages read: a job the user may see, and its state as JSON."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.jobs.core import PURGED_MESSAGE, result_file, start
from app.models import Job, User

RECENT = 20  # jobs listed on /jobs/

KIND_LABELS = {
    "export.bank": "Export",
    "backup.json": "JSON backup",
    "generation.all": "Generate for all articles",
    "study.optimise": "Optimise FSRS parameters",
    "study.summarise": "Refresh course statistics",
}


# Jobs whose outcome shows on another page: kind -> (endpoint, link text). The course statistics take the
# job's course_id; the review queue lists what a "Generate for all articles" job added.
BACK_LINKS = {
    "study.summarise": ("study.course_stats", "Back to the course statistics"),
}
RESULT_LINKS = {
    "generation.all": ("bank.review", "Review the new candidates in the review queue"),
}


def back_link(job: Job) -> tuple[str, str] | None:
    """(URL, text) of the page the job's outcome shows on, for the progress page; None for most kinds.
    A job with a result page (RESULT_LINKS) links to it once it is done."""
    if job.kind in RESULT_LINKS:
        if job.state != "done":
            return None
        endpoint, text = RESULT_LINKS[job.kind]
        return url_for(endpoint), text
    endpoint = BACK_LINKS.get(job.kind)
    if endpoint is None or job.course_id is None:
        return None
    return url_for(endpoint[0], course_id=job.course_id), endpoint[1]


def visible_job(job_id: int, user: User) -> Job | None:
    """The job if `user` owns it or is an admin; None otherwise (the page answers 404 either way)."""
    job = db.session.get(Job, job_id)
    if job is None or (job.owner_id != user.id and not user.is_admin):
        return None
    return job


def recent_jobs(user: User) -> list[Job]:
    """The user's newest jobs, newest first."""
    query = select(Job).where(Job.owner_id == user.id).order_by(Job.created_at.desc(), Job.id.desc())
    return list(db.session.scalars(query.limit(RECENT)))


def start_backup(user: User) -> Job:
    """A JSON backup of the whole database, for an admin (the view checks the role)."""
    return start("backup.json", user, {})


def label(job: Job) -> str:
    base = KIND_LABELS.get(job.kind, job.kind)
    detail = job.params.get("label") if isinstance(job.params, dict) else None
    return f"{base}: {detail}" if detail else base


def status(job: Job) -> dict[str, Any]:
    """The progress page's state, as `/jobs/<id>.json` gives it to the page's script."""
    path = result_file(job)
    return {
        "id": job.id,
        "kind": job.kind,
        "label": label(job),
        "state": job.state,
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "error": job.error,
        "result": job.result,
        "download_url": url_for("jobs.download", job_id=job.id) if path else None,
        "filename": path.name if path else None,
        "size": path.stat().st_size if path else None,
        "purged": job.state == "done" and job.message == PURGED_MESSAGE,
    }
