"""mcq: one correct option among 3–5."""

from __future__ import annotations

from typing import Any

from app.qtypes.base import Grade, QuestionType, ResponseError, pick
from app.qtypes.choice import lettered, ordered
from app.qtypes.schema import MCQ


class McqType(QuestionType):
    name = "mcq"
    label = "Multiple choice (one answer)"
    schema = MCQ
    answer_shape = "the text of one option"

    @classmethod
    def validate(cls, question: dict, response: Any) -> str:
        if not isinstance(response, str):
            raise ResponseError(
                f"a single-answer (mcq) question takes the text of one option, not {type(response).__name__}"
            )
        return pick(question["options"], response, "option")

    @classmethod
    def grade(cls, question: dict, clean: str) -> Grade:
        return Grade.of(int(clean == question["answer"]), {"chosen": clean})

    @classmethod
    def shown(
        cls, options: list[str], answer: Any, order: list[int] | None, settings: dict | None = None
    ) -> dict:
        return {"options": ordered(options, order)}

    @classmethod
    def card_front(cls, q: MCQ) -> str:
        return "\n\n".join([q.stem, "\n".join(lettered(q.options))])

    @classmethod
    def card_back(cls, q: MCQ) -> str:
        return lettered(q.options)[q.options.index(q.answer)]

    @classmethod
    def feedback_keys(cls, question: dict, answer: Any, right: bool) -> list[str | None]:
        return [answer] if isinstance(answer, str) else []
