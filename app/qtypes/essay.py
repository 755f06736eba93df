"""essay: written analysis graded by hand against a rubric; its grade is pending until a person gives it."""

from __future__ import annotations

import re
from typing import Any

from app.qtypes.base import Grade, QuestionType, as_text
from app.qtypes.schema import Essay

MAX_ESSAY_CHARS = 50_000
_WORD = re.compile(r"\S+")


# A rubric criterion's weight as instructors write it: "(4 points)", "(2 pts)", "(1 mark)".
_RUBRIC_WEIGHT = re.compile(r"\((\d{1,4}(?:[.,]\d{1,2})?)\s*(?:points?|pts?|marks?)\)", re.IGNORECASE)


def rubric_total(rubric: str | None) -> float | None:
    """What a rubric adds up to when its criteria say their weights ("(4 points)"), else None.

    The grading screen says it beside the points field when it is not what the quiz gives the question,
    so that a mark out of the rubric can be typed as 7/10 rather than worked out by hand."""
    weights = [float(found.replace(",", ".")) for found in _RUBRIC_WEIGHT.findall(rubric or "")]
    return sum(weights) if weights and sum(weights) > 0 else None


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters (the attempt page counts the same way)."""
    return len(_WORD.findall(text or ""))


class EssayType(QuestionType):
    name = "essay"
    label = "Essay (graded by hand)"
    schema = Essay
    answer_shape = f"the essay as text (Markdown allowed, at most {MAX_ESSAY_CHARS:,} characters)"
    auto_graded = False
    hand_gradable = True
    attempt_template = "quizzes/types/essay.html"

    @classmethod
    def validate(cls, question: dict, response: Any) -> str:
        # Over the word limit is kept (the student sees the count turn red); the grader decides.
        return as_text(response, "the essay", MAX_ESSAY_CHARS)

    @classmethod
    def grade(cls, question: dict, clean: str) -> Grade:
        words = word_count(clean)
        limit = question.get("word_limit")
        detail = {"words": words, "over_limit": bool(limit and words > limit)}
        return Grade(0.0, False, detail, pending=True)

    @classmethod
    def shown(
        cls, options: list[str], answer: Any, order: list[int] | None, settings: dict | None = None
    ) -> dict:
        return {"word_limit": (settings or {}).get("word_limit")}

    @classmethod
    def card_back(cls, q: Essay) -> str:
        return q.answer or q.rubric or "(no model answer: see your instructor's rubric)"
