"""How blanks, shares of points and provenance read as text, the same way in every export format.

The answer text and number formatting of a question live with the question types (`app.qtypes.text`); the
exporters import them from here with the rest.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from app.qtypes.schema import BLANK_RE, Cloze, Question
from app.qtypes.text import absolute_tolerance as absolute_tolerance
from app.qtypes.text import answer_text as answer_text
from app.qtypes.text import format_number
from app.qtypes.text import numeric_bounds as numeric_bounds
from app.qtypes.text import options_text as options_text
from app.qtypes.text import stem_with_unit as stem_with_unit
from app.rendering import BLANK_LINE as BLANK_LINE  # one blank everywhere; the exporters import it here

SOURCE_LABEL = "Source: "


def shares(count: int, total: int = 100, places: int = 5) -> list[str]:
    """``count`` equal parts of ``total`` to ``places`` decimals that add up to exactly ``total``.

    shares(3) == ['33.33334', '33.33333', '33.33333']; shares(2, -100) == ['-50', '-50'].
    """
    step = Decimal(1).scaleb(-places)
    part = (Decimal(total) / count).quantize(step, rounding=ROUND_DOWN)
    parts = [Decimal(total) - part * (count - 1)] + [part] * (count - 1)
    return [format_number(float(p)) if p == p.to_integral() else format(p.normalize(), "f") for p in parts]


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
