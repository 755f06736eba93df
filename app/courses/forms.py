"""Course forms: create a course, join one with its code."""

from __future__ import annotations

from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import CheckedForm


class CourseForm(CheckedForm):
    title = StringField(
        "Course title",
        validators=[
            DataRequired(message="Give the course a title."),
            Length(max=120, message="At most 120 characters."),
        ],
    )
    description = TextAreaField("Description (optional)", validators=[Length(max=2000)])
    submit = SubmitField("Create course")


class JoinForm(CheckedForm):
    code = StringField(
        "Join code",
        validators=[
            DataRequired(message="Enter the join code your instructor gave you."),
            Length(max=32, message="A join code has 8 characters."),
        ],
    )
    submit = SubmitField("Join course")


class EditCourseForm(CourseForm):
    submit = SubmitField("Save course")
