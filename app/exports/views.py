"""Export downloads (bank, article, topic, quiz) and imports, for instructors."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, SubmitField

from app.exports import IMPORTERS, ExportError, ImportFormatError, service
from app.quizzes.service import can_edit
from app.security import instructor_required

bp = Blueprint("exports", __name__, url_prefix="/exports")

FORMAT_LABELS = {
    "qti12-canvas": "Canvas (QTI 1.2 zip)",
    "cc11": "Common Cartridge 1.1 (Moodle, Blackboard, Brightspace, Schoology)",
    "qti21": "QTI 2.1 package",
    "moodle-xml": "Moodle XML",
    "gift": "GIFT (Moodle)",
    "apkg": "Anki deck (.apkg)",
    "csv": "CSV (one row per question)",
    "json": "JSON (full bank with provenance)",
}


class ImportForm(FlaskForm):
    fmt = SelectField("Format", choices=[SelectChoice(f, FORMAT_LABELS.get(f, f)) for f in IMPORTERS])
    file = FileField("File")
    submit = SubmitField("Import")


def _accept_loss() -> bool:
    return request.args.get("accept_loss") in ("1", "on", "y", "yes", "true")


def _scope_args() -> tuple[str, str | None]:
    scope = request.args.get("scope", "bank")
    scope_id = request.args.get("id") or None
    quiz = service.scope_quiz(scope, scope_id)
    if quiz is not None and not can_edit(current_user, quiz):
        abort(403)  # a quiz belongs to its course: only the course's teachers export it
    return scope, scope_id


@bp.get("/")
@instructor_required
def index():
    scope, scope_id = _scope_args()
    fmt = request.args.get("format")
    result = error = None
    if fmt:
        try:
            result = service.export(fmt, scope, scope_id, request.args.get("variant"), _accept_loss())
        except ExportError as exc:
            error = str(exc)
    status = 422 if error else 200
    return render_template(
        "exports/index.html",
        formats=FORMAT_LABELS,
        scope=scope,
        scope_id=scope_id,
        scope_title=service.scope_title(scope, scope_id),
        fmt=fmt,
        accept_loss=_accept_loss(),
        result=result,
        error=error,
        import_form=ImportForm(),
    ), status


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
    return render_template(
        "exports/index.html",
        formats=FORMAT_LABELS,
        scope="bank",
        scope_id=None,
        fmt=None,
        accept_loss=False,
        result=None,
        error=None,
        import_form=form,
    ), 422
