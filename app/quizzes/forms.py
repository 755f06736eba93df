"""Quiz forms: settings, adding questions and draws, practice; and reading answers from a posted attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import CheckedForm
from app.inputs import INT32_MAX, parse_int
from app.qtypes.registry import get_type
from app.quizzes.service import ShownQuestion

GRADING_CHOICES = [
    SelectChoice("highest", "Highest attempt"),
    SelectChoice("last", "Last attempt"),
    SelectChoice("first", "First attempt"),
    SelectChoice("average", "Average of attempts"),
]
FEEDBACK_CHOICES = [
    SelectChoice("after_submission", "Right after the student submits"),
    SelectChoice(
        "immediate",
        "After each answer: a “Check answer” button under each question (the checked answer is final)",
    ),
    SelectChoice("after_close", "Only after the quiz closes"),
]
TYPE_CHOICES = [
    ("", "Any type"),
    ("mcq", "Single answer"),
    ("multi", "Multiple answers"),
    ("tf", "True/false"),
    ("numeric", "Numeric"),
    ("cloze", "Fill the blanks"),
    ("matching", "Matching"),
    ("short", "Short answer"),
    ("essay", "Essay"),
]


FIRST_YEAR, LAST_YEAR = 2000, 2999


def plausible_date(_form: Any, field: DateTimeLocalField) -> None:
    """A quiz date within 2000-2999: a year such as 9999 overflows once moved to UTC or given a time limit."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Choose a date between the years {FIRST_YEAR} and {LAST_YEAR}.")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class QuizForm(CheckedForm):
    title = StringField("Title", validators=[DataRequired(message="Give the quiz a title."), Length(max=200)])
    description = TextAreaField("Instructions (optional)", validators=[Length(max=4000)])
    course_id = SelectField("Course", coerce=int)
    opens_at = DateTimeLocalField("Opens at (optional)", validators=[Optional(), plausible_date])
    closes_at = DateTimeLocalField("Closes at (optional)", validators=[Optional(), plausible_date])
    time_limit = IntegerField(
        "Time limit in minutes (optional)",
        validators=[Optional(), NumberRange(min=1, max=24 * 60, message="Between 1 and 1440 minutes.")],
    )
    attempts_allowed = IntegerField(
        "Attempts allowed (0 = unlimited)",
        default=1,
        validators=[
            InputRequired(message="Enter a number; 0 means unlimited."),
            NumberRange(min=0, max=100, message="Between 0 (unlimited) and 100."),
        ],
    )
    per_page = IntegerField(
        "Questions per page (0 = all on one page)",
        default=0,
        validators=[Optional(), NumberRange(min=0, max=100, message="Between 0 (all on one page) and 100.")],
    )
    grading_method = SelectField("Grade by", choices=GRADING_CHOICES, default="highest")
    feedback_timing = SelectField("Show feedback", choices=FEEDBACK_CHOICES, default="after_submission")
    shuffle_questions = BooleanField("Shuffle the order of questions")
    shuffle_options = BooleanField("Shuffle the options of each question")
    counts_in_average = BooleanField("Counts toward the course average", default=True)
    published = BooleanField("Published (students of the course can see and take it)")
    confirm_publish = BooleanField("Publish anyway: I have read the warning above")
    submit = SubmitField("Save quiz")

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The quiz must close after it opens; choose a later closing time.")

    def aware(self, value: datetime | None, timezone: str) -> datetime | None:
        return aware(value, timezone)


def aware(value: datetime | None, timezone: str) -> datetime | None:
    """A local time typed by the instructor, in their time zone, as an aware datetime."""
    return None if value is None else value.replace(tzinfo=zone(timezone))


class AddQuestionsForm(CheckedForm):
    points = DecimalField("Points each", default=1, validators=[NumberRange(min=0.01, max=1000)])
    add = SubmitField("Add selected questions")


class DrawForm(CheckedForm):
    """Shares field names with AddQuestionsForm on the builder page, so its ids are set apart."""

    draw_topic = SelectField("Topic", choices=[])
    draw_count = IntegerField("How many", default=5, validators=[NumberRange(min=1, max=100)])
    points = DecimalField(
        "Points each", default=1, validators=[NumberRange(min=0.01, max=1000)], id="draw-points"
    )
    add = SubmitField("Add random draw", id="draw-add")


class OverrideForm(CheckedForm):
    """One student's accommodation on a quiz; empty fields keep the quiz's setting."""

    student = SelectField("Student", coerce=int, choices=[], validate_choice=False)
    time_limit = IntegerField(
        "Time limit in minutes (optional)",
        validators=[Optional(), NumberRange(min=1, max=7 * 24 * 60, message="Between 1 and 10080 minutes.")],
    )
    extra_attempts = IntegerField(
        "Extra attempts (optional)",
        validators=[Optional(), NumberRange(min=0, max=100, message="Between 0 and 100.")],
    )
    closes_at = DateTimeLocalField(
        "Closes at, for this student (optional)", validators=[Optional(), plausible_date]
    )
    submit = SubmitField("Save override")

    def validate_student(self, field: SelectField) -> None:
        # An id no INTEGER column holds (a 20-digit number) names no student; PostgreSQL refuses to compare it.
        if not isinstance(field.data, int) or not 1 <= field.data <= INT32_MAX:
            raise ValidationError("Choose a student from the list.")


class PracticeForm(CheckedForm):
    article = SelectField("Article", choices=[])
    topic = SelectField("Topic", choices=[])
    count = IntegerField("Number of questions", default=5, validators=[NumberRange(min=1, max=30)])
    submit = SubmitField("Start practice")


def answer_from_form(form: MultiDict, question: ShownQuestion) -> Any:
    """One question's answer as posted by the attempt form (the same shape quiz.js sends as JSON)."""
    return get_type(question.qtype).from_form(form, f"q-{question.id}", question)


def answers_from_form(form: MultiDict, questions: list[ShownQuestion]) -> dict[int, Any]:
    return {question.id: answer_from_form(form, question) for question in questions}


def seen_from_form(form: MultiDict, questions: list[ShownQuestion]) -> dict[int, int]:
    """The seq of each question when the page was rendered (hidden seq-<id> fields, kept current by quiz.js);
    a question without one is not written by the form."""
    seen = {}
    for question in questions:
        value = parse_int(form.get(f"seq-{question.id}"), f"seq-{question.id}")  # "²": a 400 naming the field
        if value is not None:
            seen[question.id] = value
    return seen
