"""short: a typed answer compared with the accepted ones after normalisation (optionally fuzzy)."""

from __future__ import annotations

from typing import Any

from app.qtypes.base import Grade, QuestionType, as_text
from app.qtypes.reading import accepts, matched_variant
from app.qtypes.schema import Short


class ShortType(QuestionType):
    name = "short"
    label = "Short answer"
    schema = Short
    answer_shape = "the answer as typed (text, at most 500 characters)"
    hand_gradable = True

    @classmethod
    def validate(cls, question: dict, response: Any) -> str:
        return as_text(response, "the answer")

    @classmethod
    def grade(cls, question: dict, clean: str) -> Grade:
        ok = accepts(question["answer"], clean, question.get("fuzzy"))
        return Grade.of(int(ok), {"matched": ok})

    @classmethod
    def card_back(cls, q: Short) -> str:
        return q.answer[0]  # the first accepted answer is the model one

    @classmethod
    def feedback_keys(cls, question: dict, answer: Any, right: bool) -> list[str | None]:
        return [matched_variant(question["answer"], answer, question.get("fuzzy"))]
