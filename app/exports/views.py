"""Export downloads (bank, article, topic, quiz), whole-bank export jobs and imports, for instructors."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.exports import ExportError, ImportFormatError, service
from app.exports.forms import ExportJobForm, ImportForm, format_labels
from app.policy import can_export
from app.security import instructor_required

bp = Blueprint("exports", __name__, url_prefix="/exports")


def _accept_loss() -> bool:
    return request.args.get("accept_loss") in ("1", "on", "y", "yes", "true")


def _scope_args() -> tuple[str, str | None]:
    scope = request.args.get("scope", "bank")
    scope_id = request.args.get("id") or None
    quiz = service.scope_quiz(scope, scope_id)
    if quiz is not None and not can_export(current_user, quiz):
        abort(403)  # a quiz belongs to its course: only the course's teachers export it
    return scope, scope_id


def _page(scope, scope_id, fmt, accept_loss, report, error, import_form, status):
    return render_template(
        "exports/index.html",
        formats=format_labels(scope),
        scope=scope,
        scope_id=scope_id,
        scope_title=service.scope_title(scope, scope_id),
        fmt=fmt,
        accept_loss=accept_loss,
        result=report,
        error=error,
        import_form=import_form,
        job_form=ExportJobForm(),
    ), status


@bp.get("/")
@instructor_required
def index():
    scope, scope_id = _scope_args()
    fmt = request.args.get("format")
    report = error = None
    if fmt:
        try:
            report = service.report(fmt, scope, scope_id, _accept_loss())
        except ExportError as exc:
            error = str(exc)
    return _page(scope, scope_id, fmt, _accept_loss(), report, error, ImportForm(), 422 if error else 200)


@bp.get("/download")
@instructor_required
def download():
    scope, scope_id = _scope_args()
    fmt = request.args.get("format", "")
    try:
        result = service.export(fmt, scope, scope_id, request.args.get("variant"), _accept_loss())
    except ExportError as exc:
        flash(str(exc), "error")
        return redirect(url_for("exports.index", scope=scope, id=scope_id, format=fmt or None))
    return send_file(
        io.BytesIO(result.data), mimetype=result.mimetype, as_attachment=True, download_name=result.filename
    )


@bp.post("/jobs")
@instructor_required
def start_job():
    """Export the whole bank as a job: its progress page has the download when it is written."""
    form = ExportJobForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors) or "Choose a format.", "error")
        return redirect(url_for("exports.index"))
    try:
        job = service.start_export_job(
            current_user,
            form.format.data,
            variant=form.variant.data or None,
            accept_loss=form.accept_loss.data,
        )
    except ExportError as exc:
        flash(str(exc), "error")
        return redirect(url_for("exports.index"))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/import")
@instructor_required
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors.append("Choose a file to import.")
        else:
            try:
                summary = service.import_file(form.fmt.data, upload.read(), current_user.id)
            except (ImportFormatError, ExportError) as exc:
                form.file.errors.append(f"{exc} Nothing was imported.")
            else:
                flash(f"Imported {upload.filename}: {summary}.", "success")
                for warning in summary.warnings[:20]:  # skipped and converted questions, by line
                    flash(warning, "warning")
                if len(summary.warnings) > 20:
                    flash(
                        f"… and {len(summary.warnings) - 20} more; `flask import` prints them all.", "warning"
                    )
                return redirect(url_for("exports.index"))
    return _page("bank", None, None, False, None, None, form, 422)
