"""The export page's forms and the names people read for each format."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Optional

from app.exports import EXPORTERS, IMPORTERS
from app.forms import CheckedForm

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
# A scoped JSON file holds only that scope's questions (with the articles they quote), not the full bank.
_JSON_HOLDS = {"quiz": "this quiz's", "article": "this article's", "topic": "this topic's"}


def format_labels(scope: str) -> dict[str, str]:
    """FORMAT_LABELS as the export page of `scope` shows them: the JSON label says what the file holds."""
    holds = _JSON_HOLDS.get(scope)
    if holds is None:
        return FORMAT_LABELS
    return {**FORMAT_LABELS, "json": f"JSON ({holds} questions with provenance)"}


class ImportForm(CheckedForm):
    fmt = SelectField("Format", choices=[SelectChoice(f, FORMAT_LABELS.get(f, f)) for f in IMPORTERS])
    file = FileField("File")
    submit = SubmitField("Import")


class ExportJobForm(CheckedForm):
    """Start a whole-bank export as a job (its progress page has the download)."""

    format = HiddenField(validators=[DataRequired(), AnyOf(list(EXPORTERS), message="Unknown format.")])
    variant = HiddenField(validators=[Optional(), AnyOf(["quizlet"], message="Unknown variant.")])
    accept_loss = BooleanField("Accept the loss")
