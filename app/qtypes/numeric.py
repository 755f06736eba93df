"""numeric: a number with a tolerance and a unit; typed answers may carry money, scale and percent."""

from __future__ import annotations

import math
from typing import Any

from app.qtypes.base import Grade, QuestionType, ResponseError, as_text
from app.qtypes.reading import read_number, within_tolerance
from app.qtypes.schema import NUMERIC_FEEDBACK_KEY, Numeric, NumericAnswer


def _number(value: float) -> str:
    # 534.0 reads "534", 1234567.0 "1,234,567", 0.125 stays "0.125".
    return format(value, ",.10g")


def format_numeric(answer: NumericAnswer) -> str:
    """The answer as "534 US$ million (±5)"; a relative tolerance of 0.05 reads "(±5%)"."""
    text = _number(answer.value)
    if answer.unit:
        text += f" {answer.unit}"
    if answer.tolerance:
        if answer.tolerance_mode == "relative":
            text += f" (±{_number(answer.tolerance * 100)}%)"
        else:
            text += f" (±{_number(answer.tolerance)})"
    return text


class NumericType(QuestionType):
    name = "numeric"
    label = "Numeric"
    schema = Numeric
    answer_shape = 'the number as typed, e.g. "534 million", or a JSON number'

    @classmethod
    def validate(cls, question: dict, response: Any) -> str | float:
        if isinstance(response, int | float) and not isinstance(response, bool):
            number = float(response) if abs(response) < 1e300 else math.inf  # huge ints overflow float()
            if not math.isfinite(number):
                raise ResponseError("the number must be finite and below 1e300")
            return number
        if not isinstance(response, str):
            raise ResponseError(
                f"a numeric question takes the number as typed, not {type(response).__name__}"
            )
        text = as_text(response, "the answer")
        answer = question["answer"]
        read_number(text, answer.get("unit", ""), answer.get("multiplier", 1.0))
        return text

    @classmethod
    def grade(cls, question: dict, clean: str | float) -> Grade:
        answer = question["answer"]
        if isinstance(clean, float):
            value = clean
        else:
            value = read_number(clean, answer.get("unit", ""), answer.get("multiplier", 1.0))
        ok = within_tolerance(
            value, answer["value"], answer.get("tolerance", 0.0), answer.get("tolerance_mode", "absolute")
        )
        return Grade.of(int(ok), {"value": value})

    @classmethod
    def shown(
        cls, options: list[str], answer: Any, order: list[int] | None, settings: dict | None = None
    ) -> dict:
        return {"unit": answer.get("unit", "")}

    @classmethod
    def card_back(cls, q: Numeric) -> str:
        return format_numeric(q.answer)

    @classmethod
    def feedback_keys(cls, question: dict, answer: Any, right: bool) -> list[str | None]:
        return [NUMERIC_FEEDBACK_KEY] if right else []
