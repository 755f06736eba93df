"""Grades a student's response to a question given as the canonical dict of app.qtypes.schema.

Each type's validator and grader live on its class in app.qtypes; `grade` and `validate_response` look the
type up in the registry. The text and number readers are re-exported here for the callers that use them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.qtypes.base import MAX_TEXT, Grade, ResponseError, is_blank
from app.qtypes.choice import multi_fraction
from app.qtypes.reading import accepts, normalise_text, read_number, within_tolerance
from app.qtypes.registry import TYPES, get_type

__all__ = [
    "ANSWER_SHAPES",
    "GRADERS",
    "MAX_TEXT",
    "VALIDATORS",
    "Grade",
    "ResponseError",
    "accepts",
    "grade",
    "multi_fraction",
    "normalise_text",
    "read_number",
    "validate_response",
    "within_tolerance",
]

VALIDATORS: dict[str, Callable[[dict, Any], Any]] = {name: cls.validate for name, cls in TYPES.items()}
GRADERS: dict[str, Callable[[dict, Any], Grade]] = {name: cls.grade for name, cls in TYPES.items()}
# What each type's autosave answer looks like, rendered into the attempt page as data-answer-shape so the
# browser's collectors (app/static/quiz.js) and the validators visibly agree.
ANSWER_SHAPES: dict[str, str] = {name: cls.answer_shape for name, cls in TYPES.items()}


def validate_response(question: dict, response: Any) -> Any:
    """The response normalised for storage (None when blank); raises ResponseError if its shape is wrong."""
    qtype = get_type(question.get("type"))
    if is_blank(response):
        return None
    return qtype.validate(question, response)


def grade(question: dict, response: Any) -> Grade:
    """Grade a raw response: blank scores 0 without a message, a malformed one scores 0 with the reason.

    A hand-graded type (essay) answers with a pending Grade: a person gives its points later.
    """
    qtype = get_type(question.get("type"))
    if is_blank(response):
        return Grade(0.0, False, {"answered": False})
    try:
        clean = qtype.validate(question, response)
    except ResponseError as err:
        return Grade(0.0, False, {"answered": True}, str(err))
    return qtype.grade(question, clean)
