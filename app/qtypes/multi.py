"""multi: several correct options, Moodle's partial credit."""

from __future__ import annotations

from typing import Any

from app.qtypes.base import Grade, QuestionType, ResponseError, is_blank, pick
from app.qtypes.choice import lettered, multi_fraction, ordered
from app.qtypes.schema import Multi


class MultiType(QuestionType):
    name = "multi"
    label = "Multiple answers (partial credit)"
    schema = Multi
    answer_shape = 'a list of option texts, e.g. ["first", "third"]'

    @classmethod
    def validate(cls, question: dict, response: Any) -> list[str]:
        if not isinstance(response, list | tuple):
            raise ResponseError(
                'a multiple-answer question takes a list of option texts, e.g. ["first", "third"]; '
                f"got {type(response).__name__}"
            )
        chosen = {pick(question["options"], item, "option") for item in response if not is_blank(item)}
        return [option for option in question["options"] if option in chosen]

    @classmethod
    def grade(cls, question: dict, clean: list[str]) -> Grade:
        right = set(question["answer"])
        n_wrong = len(question["options"]) - len(right)
        right_chosen = sum(option in right for option in clean)
        fraction = multi_fraction(right_chosen, len(clean) - right_chosen, len(right), n_wrong)
        return Grade.of(
            fraction, {"chosen": {o: o in right for o in clean}, "missed": len(right) - right_chosen}
        )

    @classmethod
    def shown(
        cls, options: list[str], answer: Any, order: list[int] | None, settings: dict | None = None
    ) -> dict:
        return {"options": ordered(options, order)}

    @classmethod
    def from_form(cls, form: Any, name: str, shown: Any) -> Any:
        return form.getlist(name)

    @classmethod
    def card_front(cls, q: Multi) -> str:
        return "\n\n".join([q.stem, "\n".join(lettered(q.options))])

    @classmethod
    def card_back(cls, q: Multi) -> str:
        # Options in their listed order, whatever order the answer names them in.
        return "\n".join(
            line for line, option in zip(lettered(q.options), q.options, strict=True) if option in q.answer
        )

    @classmethod
    def feedback_keys(cls, question: dict, answer: Any, right: bool) -> list[str | None]:
        chosen = set(answer) if isinstance(answer, list) else set()
        return [option for option in question.get("options") or [] if option in chosen]

    @classmethod
    def marked_parts(cls, question: dict, answer: Any) -> list[tuple[str, bool]]:
        if not isinstance(answer, list) or not answer:
            return []
        chosen, right = set(answer), set(question["answer"])
        return [(option, option in right) for option in question["options"] if option in chosen]

    @classmethod
    def key_parts(cls, question: dict) -> list[str]:
        return [option for option in question["options"] if option in question["answer"]]
