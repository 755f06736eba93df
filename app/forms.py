"""The base of every Flask-WTF form here: text fields holding a control character (NUL above all, which
PostgreSQL cannot store) fail validation with a message beside the field, whatever the form."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from app.inputs import control_character_message


class CheckedForm(FlaskForm):
    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            message = next(
                (m for v in values if isinstance(v, str) for m in [control_character_message(v)] if m),
                None,
            )
            if message:
                field.errors = [*field.errors, message]
                valid = False
        return valid
