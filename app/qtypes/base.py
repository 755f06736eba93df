"""What every question type shares: the Grade it produces, the ResponseError it raises, and its base class.

Plain Python: no Flask, no session. A type module subclasses QuestionType; the registry lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

from app.qtypes.schema import QuestionBase

MAX_TEXT = 500


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response: `detail` holds per-part results, `message` why it scored 0.

    `pending` marks a response that a person must grade (an essay): its fraction means nothing yet.
    """

    fraction: float
    correct: bool
    detail: dict = field(default_factory=dict)
    message: str | None = None
    pending: bool = False

    @classmethod
    def of(cls, fraction: Fraction | int, detail: dict, message: str | None = None) -> Grade:
        exact = min(max(Fraction(fraction), Fraction(0)), Fraction(1))
        return cls(float(exact), exact == 1, detail, message)


class ResponseError(ValueError):
    """The response does not have the shape its question type takes; the message says how to fix it."""


def show(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def as_text(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    """A typed answer as stripped text; ResponseError when it is not text or longer than `limit`."""
    if not isinstance(value, str):
        raise ResponseError(f"{what} must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise ResponseError(f"{what} is {len(value)} characters long; shorten it to {limit} or fewer")
    return value.strip()


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def pick(choices: list[str], given: Any, what: str) -> str:
    """The choice `given` names, exactly or up to case and spacing (the schema keeps those distinct)."""
    text = as_text(given, what)
    if text in choices:
        return text
    for choice in choices:
        if fold(choice) == fold(text):
            return choice
    listed = ", ".join(repr(c) for c in choices)
    raise ResponseError(f"{show(text)} is not one of the {what}s; send the exact text of one of: {listed}")


def is_blank(response: Any) -> bool:
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, list | tuple):
        return all(is_blank(item) for item in response)
    if isinstance(response, dict):
        return all(is_blank(item) for item in response.values())
    return False


class QuestionType:
    """One question type: its schema, the answer shape autosave takes, its grader and its flashcard.

    Subclasses set the class attributes and implement `validate` and `grade`; everything that varies by
    type elsewhere (exporters, templates) looks the type up by `name` in app.qtypes.registry.TYPES.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    schema: ClassVar[type[QuestionBase]]
    # The answer as autosave and the attempt form send it (JSON), in words; shared with quiz.js.
    answer_shape: ClassVar[str]
    # False for types a person grades (essay): their grade is pending until then.
    auto_graded: ClassVar[bool] = True
    # Whether an instructor may override the automatic grade by hand on the grading screen.
    hand_gradable: ClassVar[bool] = False
    # The partial that renders the type's inputs on the attempt page ("" = a branch of quizzes/_macros.html).
    attempt_template: ClassVar[str] = ""

    @classmethod
    def validate(cls, question: dict, response: Any) -> Any:
        """The (non-blank) response normalised for storage; ResponseError if its shape is wrong."""
        raise NotImplementedError

    @classmethod
    def grade(cls, question: dict, clean: Any) -> Grade:
        """Grade a response that `validate` returned."""
        raise NotImplementedError

    @classmethod
    def shown(
        cls, options: list[str], answer: Any, order: list[int] | None, settings: dict | None = None
    ) -> dict:
        """What the attempt page needs besides the stem (options in attempt order, blanks, unit…); no key."""
        return {}

    @classmethod
    def from_form(cls, form: Any, name: str, shown: Any) -> Any:
        """The answer as the attempt form posts it (a MultiDict), in the shape autosave sends as JSON."""
        return form.get(name) or None

    @classmethod
    def feedback_keys(cls, question: dict, answer: Any, right: bool) -> list[str | None]:
        """The keys of the question's `feedback` that a (non-None) stored answer earns, in the order the
        review shows them; None for a part that earns none. Empty for a type without per-answer feedback."""
        return []

    @classmethod
    def marked_parts(cls, question: dict, answer: Any) -> list[tuple[str, bool]]:
        """Each part of an answer given in parts (an option chosen, a pair matched), with whether it is
        right, one line each; empty for the types answered in one part and for no answer."""
        return []

    @classmethod
    def key_parts(cls, question: dict) -> list[str]:
        """The correct answer one part a line, for the types whose key has parts; empty otherwise."""
        return []

    @classmethod
    def card_front(cls, q: QuestionBase) -> str:
        """The flashcard's front as plain text (newlines kept)."""
        return q.stem

    @classmethod
    def card_back(cls, q: QuestionBase) -> str:
        """The flashcard's back: the answer, readable."""
        raise NotImplementedError
