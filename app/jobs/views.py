"""A job's progress page, its JSON for polling, and its file: the owner's (and admins') only."""

from __future__ import annotations

import mimetypes

from flask import Blueprint, abort, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from app.jobs import service
from app.jobs.core import result_file
from app.jobs.forms import StartForm

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _job_or_404(job_id: int):
    job = service.visible_job(job_id, current_user)
    if job is None:
        abort(404)
    return job


@bp.get("/")
@login_required
def index():
    """The user's recent jobs (and, for admins, the database backup)."""
    jobs = service.recent_jobs(current_user)
    labels = {job.id: service.label(job) for job in jobs}
    return render_template("jobs/index.html", jobs=jobs, labels=labels, form=StartForm())


@bp.post("/backup")
@login_required
def start_backup():
    """Admins: a JSON backup of the whole database as a job; its page has the download."""
    if not current_user.is_admin:
        abort(403)
    if not StartForm().validate_on_submit():
        abort(400)
    return redirect(url_for("jobs.show", job_id=service.start_backup(current_user).id))


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    job = _job_or_404(job_id)
    return render_template("jobs/show.html", job=job, status=service.status(job), back=service.back_link(job))


@bp.get("/<int:job_id>.json")
@login_required
def status_json(job_id: int):
    return jsonify(service.status(_job_or_404(job_id)))


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    path = result_file(_job_or_404(job_id))
    if path is None:
        abort(404)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=path.name)
