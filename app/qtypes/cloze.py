"""cloze: a stem with blanks {{1}}, {{2}}…, each with its accepted variants; credit per blank."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from app.plural import counted
from app.qtypes.base import Grade, QuestionType, ResponseError, as_text
from app.qtypes.reading import accepts, matched_variant
from app.qtypes.schema import BLANK_RE, Cloze, cloze_feedback_key

BLANK_MARK = "[…]"


def fill_blanks(stem: str, fills: list[str]) -> str:
    return BLANK_RE.sub(lambda m: fills[int(m.group(1)) - 1], stem)


class ClozeType(QuestionType):
    name = "cloze"
    label = "Cloze (fill in the blanks)"
    schema = Cloze
    answer_shape = "a list of texts, one per blank, in blank order"

    @classmethod
    def validate(cls, question: dict, response: Any) -> list[str]:
        blanks = len(question["answer"])
        if not isinstance(response, list | tuple):
            raise ResponseError(
                f"a cloze question takes a list of {counted(blanks, 'answer')}, one per blank, "
                f"not {type(response).__name__}"
            )
        if len(response) != blanks:
            raise ResponseError(
                f"this cloze question has {counted(blanks, 'blank')}; send {counted(blanks, 'answer')}, "
                f"not {len(response)}"
            )
        return [
            as_text("" if item is None else item, f"the answer to blank {i}")
            for i, item in enumerate(response, start=1)
        ]

    @classmethod
    def grade(cls, question: dict, clean: list[str]) -> Grade:
        fuzzy = question.get("fuzzy")
        results = [
            accepts(variants, given, fuzzy) for variants, given in zip(question["answer"], clean, strict=True)
        ]
        return Grade.of(Fraction(sum(results), len(results)), {"blanks": results})

    @classmethod
    def shown(
        cls, options: list[str], answer: Any, order: list[int] | None, settings: dict | None = None
    ) -> dict:
        return {"blanks": len(answer)}

    @classmethod
    def from_form(cls, form: Any, name: str, shown: Any) -> Any:
        return [form.get(f"{name}-{i}", "") for i in range(1, shown.blanks + 1)]

    @classmethod
    def card_front(cls, q: Cloze) -> str:
        return fill_blanks(q.stem, [BLANK_MARK] * len(q.answer))

    @classmethod
    def card_back(cls, q: Cloze) -> str:
        return fill_blanks(q.stem, [variants[0] for variants in q.answer])

    @classmethod
    def feedback_keys(cls, question: dict, answer: Any, right: bool) -> list[str | None]:
        if not isinstance(answer, list):
            return []
        keys: list[str | None] = []
        for n, (variants, given) in enumerate(zip(question["answer"], answer, strict=False), start=1):
            variant = matched_variant(variants, given, question.get("fuzzy"))
            keys.append(cloze_feedback_key(n, variant) if variant is not None else None)
        return keys
