"""The jobs pages' one form: a button that starts a job (its CSRF token is all it carries)."""

from __future__ import annotations

from wtforms import SubmitField

from app.forms import CheckedForm


class StartForm(CheckedForm):
    submit = SubmitField("Start")
