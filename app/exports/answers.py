"""How answers, numbers, blanks and provenance read as text, the same way in every export format."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from typing import Any

from app.qtypes.schema import BLANK_RE, Cloze, Numeric, Question
from app.rendering import BLANK_LINE as BLANK_LINE  # one blank everywhere; the exporters import it here

SOURCE_LABEL = "Source: "


def format_number(value: float) -> str:
    """Plain decimal notation without exponent or trailing zeros: 534.0 -> '534', 1e-05 -> '0.00001'."""
    # 12 significant digits hide float noise such as 3.74 * 0.05 = 0.18700000000000003.
    text = format(Decimal(f"{float(value):.12g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def shares(count: int, total: int = 100, places: int = 5) -> list[str]:
    """``count`` equal parts of ``total`` to ``places`` decimals that add up to exactly ``total``.

    shares(3) == ['33.33334', '33.33333', '33.33333']; shares(2, -100) == ['-50', '-50'].
    """
    step = Decimal(1).scaleb(-places)
    part = (Decimal(total) / count).quantize(step, rounding=ROUND_DOWN)
    parts = [Decimal(total) - part * (count - 1)] + [part] * (count - 1)
    return [format_number(float(p)) if p == p.to_integral() else format(p.normalize(), "f") for p in parts]


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


def strip_unit_hint(stem: str) -> tuple[str, str]:
    """Undo ``stem_with_unit``: return (stem, unit) when the stem ends with '(answer in UNIT)'."""
    marker = " (answer in "
    if stem.endswith(")") and marker in stem:
        head, _, unit = stem[:-1].rpartition(marker)
        if head and unit:
            return head, unit
    return stem, ""


def fill_blanks(question: Cloze, blank: str = BLANK_LINE, keep: int | None = None) -> str:
    """The cloze stem with every blank shown as ``blank``, or filled with its first variant except ``keep``."""

    def replace(match) -> str:
        number = int(match.group(1))
        if keep is None or number == keep:
            return blank
        return question.answer[number - 1][0]

    return BLANK_RE.sub(replace, question.stem)


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


def source_line(question: Question, article_title: str) -> str:
    """'Source: “quote” (Article title, sentence s12)' or '' when the question has no provenance."""
    if question.source is None:
        return ""
    return (
        f"{SOURCE_LABEL}“{question.source.quote}” ({article_title}, sentence {question.source.sentence_id})"
    )


def feedback_markdown(question: Question, article_title: str) -> str:
    """The explanation followed by the source line, as Markdown; the importers split it off again."""
    parts = [question.explanation.strip(), source_line(question, article_title)]
    return "\n\n".join(part for part in parts if part)


def split_feedback(text: str) -> str:
    """The explanation part of a feedback written by ``feedback_markdown`` (the source line dropped)."""
    head, sep, _ = text.rpartition("\n\n" + SOURCE_LABEL)
    if sep:
        return head.strip()
    return "" if text.startswith(SOURCE_LABEL) else text.strip()
