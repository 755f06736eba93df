"""The question editor's forms, one per question type, with option rows that grow without JavaScript.

The forms only carry values: `app.bank.editing.build_question` turns them into the canonical question and
says which field each problem belongs to; `show_errors` puts the messages beside those fields.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length

from app.bank.editing import EDITOR_STATUSES, FORM, ROW_LIST, TOLERANCE_MODES

TYPE_LABELS = {
    "mcq": "Single answer (mcq)",
    "multi": "Multiple answers (multi)",
    "tf": "True/false (tf)",
    "numeric": "Numeric",
    "cloze": "Fill the blanks (cloze)",
    "matching": "Matching",
    "short": "Short answer",
    "essay": "Essay (graded by hand)",
}
ROW_NOUN = {"options": "option", "blanks": "blank", "pairs": "pair", "accepted": "answer"}
_TEXT = 2000


def _feedback_field(label: str) -> StringField:
    """Feedback on one answer (the schema allows 1000 characters)."""
    return StringField(label, validators=[Length(max=1000, message="Keep feedback under 1000 characters.")])


class OptionRow(Form):
    text = StringField("Option", validators=[Length(max=500, message="Keep an option under 500 characters.")])
    correct = BooleanField("Correct")
    feedback = _feedback_field("Feedback")


class AcceptedRow(Form):
    text = StringField(
        "Accepted answer", validators=[Length(max=500, message="Keep an answer under 500 characters.")]
    )
    feedback = _feedback_field("Feedback")


class PairRow(Form):
    left = StringField("Left item", validators=[Length(max=300, message="Keep it under 300 characters.")])
    right = StringField("Matches", validators=[Length(max=300, message="Keep it under 300 characters.")])


class QuestionForm(FlaskForm):
    """Fields every type shares: the stem, explanation, classification, status and provenance."""

    qtype: ClassVar[str] = ""
    row_list: ClassVar[str | None] = None

    uid = StringField("Id (leave empty for a generated one)", validators=[Length(max=81)])
    stem = TextAreaField(
        "Question (stem)", validators=[Length(max=_TEXT, message="Keep the stem under 2,000 characters.")]
    )
    explanation = TextAreaField(
        "Explanation", validators=[Length(max=4000, message="Keep the explanation under 4,000 characters.")]
    )
    topic = StringField("Topic", validators=[Length(max=64)])
    difficulty = SelectField(
        "Difficulty", choices={"easy": "Easy", "medium": "Medium", "hard": "Hard"}, validate_choice=False
    )
    tags = StringField("Tags (comma-separated)", validators=[Length(max=500)])
    status = SelectField(
        "Status", choices={s: s.capitalize() for s in EDITOR_STATUSES}, validate_choice=False
    )
    note = StringField(
        "Note for the history (required when rejecting: the reason)",
        validators=[Length(max=2000, message="Keep the note under 2,000 characters.")],
    )
    article = SelectField("Article", choices={"": "No article"}, validate_choice=False)
    sentence_id = StringField("Sentence id", validators=[Length(max=40)])
    also = StringField("Further sentence ids (comma-separated, optional)", validators=[Length(max=200)])
    quote = TextAreaField("Source quote (exactly as in the article)", validators=[Length(max=_TEXT)])
    version = HiddenField()
    add_row = SubmitField("Add option row")
    save = SubmitField("Save question")

    def __init__(self, *args: Any, articles: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.article.choices = {"": "No article", **dict(articles or [])}
        self.general_errors: list[str] = []
        self.list_errors: dict[str, list[str]] = {}

    def values(self) -> dict[str, Any]:
        """The plain values `build_question` reads."""
        return {**self.data, "qtype": self.qtype}

    def add_row_requested(self) -> bool:
        return bool(self.add_row.data) and self.row_list is not None

    def append_row(self) -> None:
        if self.row_list:
            self[self.row_list].append_entry()

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put each message beside its field: `stem`, `options` (the list), `options-2-text` (one row)…"""
        for name, messages in errors.items():
            target = self._field_named(name)
            if target is None:
                if name in ROW_LIST.values():
                    self.list_errors.setdefault(name, []).extend(messages)
                else:
                    self.general_errors.extend(messages)
                continue
            if not isinstance(target.errors, list):
                target.errors = list(target.errors)
            target.errors.extend(messages)

    def _field_named(self, name: str):
        if name == FORM:
            return None
        head, _, rest = name.partition("-")
        if not rest:
            return None if head in ROW_LIST.values() else self._fields.get(head)
        container = self._fields.get(head)
        index, _, sub = rest.partition("-")
        if (
            container is None
            or not (index.isascii() and index.isdigit())
            or int(index) >= len(container.entries)
        ):
            return None
        entry = container.entries[int(index)]
        return entry.form[sub] if sub else entry

    @property
    def has_errors(self) -> bool:
        # Not `self.errors`: sub-forms cache theirs at validation, before show_errors adds any.
        return bool(self.general_errors or self.list_errors or any(_has_errors(f) for f in self))


def _has_errors(field) -> bool:
    if isinstance(field, FieldList):
        return any(_has_errors(entry) for entry in field.entries)
    if isinstance(field, FormField):
        return any(_has_errors(sub) for sub in field.form)
    return bool(field.errors)


class McqForm(QuestionForm):
    qtype = "mcq"
    row_list = "options"
    options = FieldList(FormField(OptionRow), min_entries=0)


class MultiForm(McqForm):
    qtype = "multi"


class TfForm(QuestionForm):
    qtype = "tf"
    answer = RadioField("The statement is", choices={"true": "True", "false": "False"}, validate_choice=False)
    feedback_true = _feedback_field("Feedback for students who answer True (optional)")
    feedback_false = _feedback_field("Feedback for students who answer False (optional)")


class NumericForm(QuestionForm):
    qtype = "numeric"
    value = StringField("Answer (a number)", validators=[Length(max=40)])
    tolerance = StringField("Tolerance (0 for exact)", validators=[Length(max=40)])
    tolerance_mode = SelectField(
        "Tolerance is", choices={m: m.capitalize() for m in TOLERANCE_MODES}, validate_choice=False
    )
    unit = StringField("Unit (e.g. %, US$ million)", validators=[Length(max=40)])
    multiplier = StringField("Multiplier (what one unit is, e.g. 1000000)", validators=[Length(max=40)])
    feedback_answer = _feedback_field("Feedback for students who give the right number (optional)")


class ClozeForm(QuestionForm):
    qtype = "cloze"
    row_list = "blanks"
    blanks = FieldList(StringField("Accepted answers", validators=[Length(max=1000)]), min_entries=0)
    fuzzy = StringField("Typo tolerance (0.5–1.0, empty for exact)", validators=[Length(max=10)])
    # Beside each blank's row, the feedback for students who fill it with any of its accepted answers.
    blank_notes = FieldList(_feedback_field("Feedback"), min_entries=0)
    # Feedback that differs between the variants of a blank (from an import or the YAML bank), as JSON,
    # carried through unchanged until that blank's feedback field replaces it.
    blank_feedback = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        while len(self.blank_notes.entries) < len(self.blanks.entries):
            self.blank_notes.append_entry()

    def append_row(self) -> None:
        super().append_row()
        while len(self.blank_notes.entries) < len(self.blanks.entries):
            self.blank_notes.append_entry()


class MatchingForm(QuestionForm):
    qtype = "matching"
    row_list = "pairs"
    pairs = FieldList(FormField(PairRow), min_entries=0)


class ShortForm(QuestionForm):
    qtype = "short"
    row_list = "accepted"
    accepted = FieldList(FormField(AcceptedRow), min_entries=0)
    fuzzy = StringField("Typo tolerance (0.5–1.0, empty for exact)", validators=[Length(max=10)])


class EssayForm(QuestionForm):
    qtype = "essay"
    model_answer = TextAreaField(
        "Model answer (optional; graders see it, students after grading)",
        validators=[Length(max=20000, message="Keep the model answer under 20,000 characters.")],
    )
    rubric = TextAreaField(
        "Rubric (optional; what earns the points)",
        validators=[Length(max=8000, message="Keep the rubric under 8,000 characters.")],
    )
    word_limit = StringField("Word limit (optional, a whole number)", validators=[Length(max=10)])


EDITOR_FORMS: dict[str, type[QuestionForm]] = {
    form.qtype: form
    for form in (McqForm, MultiForm, TfForm, NumericForm, ClozeForm, MatchingForm, ShortForm, EssayForm)
}
