"""The add-article form: paste text or upload a .txt/.md/.html file, with metadata."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask_wtf.file import FileField
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import CheckedForm

TOPIC_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")


class ArticleForm(CheckedForm):
    title = StringField(
        "Title", validators=[DataRequired(message="Give the article a title."), Length(max=300)]
    )
    publisher = StringField("Publisher or source", validators=[Optional(), Length(max=200)])
    published_on = DateField("Publication date", validators=[Optional()])
    topics = StringField(
        "Topics (comma-separated, e.g. key-figures, partnership-models)",
        validators=[Optional(), Length(max=400)],
    )
    text = TextAreaField("Paste the article text", validators=[Optional(), Length(max=2_000_000)])
    file = FileField("…or upload a file (.txt, .md, .html; at most 2 MB)")
    submit = SubmitField("Add article")

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, and text or a file: every missing field is reported at once."""
        valid = super().validate(extra_validators)
        if not self.has_upload() and not (self.text.data or "").strip():
            self.text.errors = [*self.text.errors, "Paste the article text or choose a file to upload."]
            valid = False
        return valid

    def has_upload(self) -> bool:
        return bool(self.file.data and self.file.data.filename)

    def validate_published_on(self, field) -> None:
        # A day of margin for a reader ahead of UTC; 9999-12-31 is a typo, not a date an article has.
        if field.data is not None and not date(1800, 1, 1) <= field.data <= date.today() + timedelta(days=1):
            raise ValidationError("A publication date is between the year 1800 and today; check the year.")

    def validate_topics(self, field) -> None:
        for topic in (t.strip() for t in (field.data or "").split(",") if t.strip()):
            if not TOPIC_RE.match(topic.lower()):
                raise ValidationError(
                    f"“{topic}” is not a valid topic: use lower-case words joined by dashes, e.g. key-figures."
                )

    def topic_list(self) -> list[str]:
        return [t.strip().lower() for t in (self.topics.data or "").split(",") if t.strip()]


class GenerateAllForm(CheckedForm):
    """The library's "Generate for all articles" button (a job); only its CSRF token."""
