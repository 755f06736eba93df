"""matching: pair each left item with its right item (a bijection); credit per pair."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from app.qtypes.base import Grade, QuestionType, ResponseError, is_blank, pick, show
from app.qtypes.choice import ordered
from app.qtypes.schema import Matching


def _pair(item: Any) -> tuple[Any, Any]:
    if isinstance(item, dict) and set(item) == {"left", "right"}:
        return item["left"], item["right"]
    if isinstance(item, list | tuple) and len(item) == 2:
        return item[0], item[1]
    raise ResponseError(
        f'each pair must be [left, right] or {{"left": …, "right": …}}, not {show(str(item))}'
    )


class MatchingType(QuestionType):
    name = "matching"
    label = "Matching"
    schema = Matching
    answer_shape = "an object {left item: right item}, or a list of [left, right] pairs"

    @classmethod
    def validate(cls, question: dict, response: Any) -> dict[str, str]:
        lefts = [pair["left"] for pair in question["answer"]]
        rights = [pair["right"] for pair in question["answer"]]
        if isinstance(response, dict):
            items = list(response.items())
        elif isinstance(response, list | tuple):
            items = [_pair(item) for item in response]
        else:
            raise ResponseError(
                "a matching question takes an object {left: right} or a list of [left, right] pairs, "
                f"not {type(response).__name__}"
            )
        matched: dict[str, str] = {}
        for left, right in items:
            item = pick(lefts, left, "left-hand item")
            if item in matched:
                raise ResponseError(f"{show(item)} is matched twice; give each left-hand item one answer")
            if not is_blank(right):
                matched[item] = pick(rights, right, "right-hand item")
        return {left: matched[left] for left in lefts if left in matched}

    @classmethod
    def grade(cls, question: dict, clean: dict[str, str]) -> Grade:
        results = {pair["left"]: clean.get(pair["left"]) == pair["right"] for pair in question["answer"]}
        return Grade.of(Fraction(sum(results.values()), len(results)), {"pairs": results})

    @classmethod
    def shown(
        cls, options: list[str], answer: Any, order: list[int] | None, settings: dict | None = None
    ) -> dict:
        return {
            "lefts": [pair["left"] for pair in answer],
            "options": ordered([pair["right"] for pair in answer], order),
        }

    @classmethod
    def from_form(cls, form: Any, name: str, shown: Any) -> Any:
        return {left: form.get(f"{name}-{i}", "") for i, left in enumerate(shown.lefts, start=1)}

    @classmethod
    def card_front(cls, q: Matching) -> str:
        return "\n\n".join([q.stem, "\n".join(f"• {pair.left}" for pair in q.answer)])

    @classmethod
    def card_back(cls, q: Matching) -> str:
        return "\n".join(f"{pair.left} → {pair.right}" for pair in q.answer)

    @classmethod
    def marked_parts(cls, question: dict, answer: Any) -> list[tuple[str, bool]]:
        if not isinstance(answer, dict) or not answer:
            return []
        return [
            (
                f"{pair['left']} → {answer.get(pair['left']) or '(not matched)'}",
                answer.get(pair["left"]) == pair["right"],
            )
            for pair in question["answer"]
        ]

    @classmethod
    def key_parts(cls, question: dict) -> list[str]:
        return [f"{pair['left']} → {pair['right']}" for pair in question["answer"]]
