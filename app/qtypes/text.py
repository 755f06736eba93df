"""The text form of a question: its correct answer and its choices in one line, numbers as people write them.

Exports (CSV, flashcards, every LMS format), the attempt review and the bank editor read questions through
these; they depend on the question types alone.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from app.qtypes.schema import Numeric, Question


def format_number(value: float, *, exact: bool = False) -> str:
    """Plain decimal notation without exponent or trailing zeros: 534.0 -> '534', 1e-05 -> '0.00001'.

    For reading, 12 significant digits hide float noise such as 3.74 * 0.05 = 0.18700000000000003; `exact`
    keeps every digit the float holds (a value put back in a form to edit must not lose any).
    """
    text = format(Decimal(repr(float(value)) if exact else f"{float(value):.12g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def absolute_tolerance(answer_value: float, tolerance: float, mode: str) -> float:
    """The tolerance as an absolute margin; a relative one is a fraction of the value (0.05 = 5 %)."""
    return abs(answer_value) * tolerance if mode == "relative" else tolerance


def numeric_bounds(question: Numeric) -> tuple[float, float]:
    answer = question.answer
    margin = absolute_tolerance(answer.value, answer.tolerance, answer.tolerance_mode)
    return answer.value - margin, answer.value + margin


def stem_with_unit(question: Question) -> str:
    """The stem, plus '(answer in US$ million)' for a numeric question whose stem does not name its unit."""
    if isinstance(question, Numeric) and question.answer.unit:
        unit = question.answer.unit
        if unit.casefold() not in question.stem.casefold():
            return f"{question.stem} (answer in {unit})"
    return question.stem


def _numeric_text(question: Numeric) -> str:
    answer = question.answer
    text = format_number(answer.value)
    if answer.tolerance:
        margin = absolute_tolerance(answer.value, answer.tolerance, answer.tolerance_mode)
        text += f" (±{format_number(margin)})"
    return f"{text} {answer.unit}".strip()


# The correct answer in one line of plain text, per registered type (CSV, flashcard backs, Quizlet, review).
ANSWER_TEXT: dict[str, Callable[[Any], str]] = {
    "mcq": lambda q: q.answer,
    "multi": lambda q: " | ".join(q.answer),
    "tf": lambda q: "True" if q.answer else "False",
    "numeric": _numeric_text,
    "cloze": lambda q: " | ".join(" / ".join(variants) for variants in q.answer),
    "matching": lambda q: " | ".join(f"{pair.left} → {pair.right}" for pair in q.answer),
    "short": lambda q: " / ".join(q.answer),
    "essay": lambda q: q.answer,  # the model answer ('' when none); graded by hand
}
# The choices a student sees, in one line ('' for typed answers).
OPTIONS_TEXT: dict[str, Callable[[Any], str]] = {
    "mcq": lambda q: " | ".join(q.options),
    "multi": lambda q: " | ".join(q.options),
    "tf": lambda q: "",
    "numeric": lambda q: "",
    "cloze": lambda q: "",
    "matching": lambda q: " | ".join(sorted(pair.right for pair in q.answer)),
    "short": lambda q: "",
    "essay": lambda q: "",
}


def answer_text(question: Question) -> str:
    """The correct answer in one line of plain text (CSV, flashcard backs, Quizlet definitions)."""
    return ANSWER_TEXT[question.type](question)


def options_text(question: Question) -> str:
    return OPTIONS_TEXT[question.type](question)
