"""tf: a statement that is true or false."""

from __future__ import annotations

from typing import Any

from app.qtypes.base import Grade, QuestionType, ResponseError, show
from app.qtypes.schema import TF


class TfType(QuestionType):
    name = "tf"
    label = "True / false"
    schema = TF
    answer_shape = "true or false"

    @classmethod
    def validate(cls, question: dict, response: Any) -> bool:
        if isinstance(response, bool):
            return response
        if isinstance(response, str) and response.strip().casefold() in ("true", "false"):
            return response.strip().casefold() == "true"
        raise ResponseError(f"a true/false question takes true or false, not {show(str(response))}")

    @classmethod
    def grade(cls, question: dict, clean: bool) -> Grade:
        return Grade.of(int(clean == question["answer"]), {"chosen": clean})

    @classmethod
    def card_back(cls, q: TF) -> str:
        return "True" if q.answer else "False"

    @classmethod
    def feedback_keys(cls, question: dict, answer: Any, right: bool) -> list[str | None]:
        return [("true" if answer else "false")] if isinstance(answer, bool) else []
