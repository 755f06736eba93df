"""Study settings form: desired retention, daily limits, the time zone of the study day and the keyboard shortcuts."""

from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, DecimalField, IntegerField, StringField, SubmitField, ValidationError
from wtforms.validators import InputRequired, Length, NumberRange

from app.forms import CheckedForm
from app.study.scheduler import MAX_RETENTION, MIN_RETENTION, validate_timezone


class SettingsForm(CheckedForm):
    desired_retention = DecimalField(
        "Desired retention",
        places=2,
        validators=[
            InputRequired(message="Enter a retention between 0.70 and 0.97."),
            # As decimals: the form reads "0.97" as Decimal("0.97"), which is above the float 0.97
            # (0.9699999…), so a float bound refused the top of its own range.
            NumberRange(
                min=Decimal(str(MIN_RETENTION)),
                max=Decimal(str(MAX_RETENTION)),
                message=f"Desired retention must be between {MIN_RETENTION:.2f} and {MAX_RETENTION:.2f}.",
            ),
        ],
    )
    new_per_day = IntegerField(
        "New cards per day",
        validators=[
            InputRequired(message="Enter how many new cards to see each day."),
            NumberRange(min=0, max=9999, message="New cards per day must be between 0 and 9999."),
        ],
    )
    reviews_per_day = IntegerField(
        "Reviews per day",
        validators=[
            InputRequired(message="Enter the most reviews to do each day."),
            NumberRange(min=0, max=99999, message="Reviews per day must be between 0 and 99999."),
        ],
    )
    timezone = StringField(
        "Time zone",
        validators=[InputRequired(message="Enter your time zone, such as Europe/Paris."), Length(max=64)],
    )
    study_shortcuts = BooleanField("Single-key shortcuts (study, review queue, grading)")
    submit = SubmitField("Save settings")

    def validate_timezone(self, field: StringField) -> None:
        try:
            validate_timezone(field.data.strip())
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class OptimiseForm(CheckedForm):
    """The "Optimise" button: a CSRF-checked POST, no fields."""

    submit = SubmitField("Optimise my parameters")
