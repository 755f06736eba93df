"""The one list of question types: TYPES maps a type's name to its class (CTFd's CHALLENGE_CLASSES).

Graders, study cards, bank check, the editor, the attempt page and every exporter look a type up here.
"""

from __future__ import annotations

from app.qtypes.base import QuestionType
from app.qtypes.cloze import ClozeType
from app.qtypes.essay import EssayType
from app.qtypes.matching import MatchingType
from app.qtypes.mcq import McqType
from app.qtypes.multi import MultiType
from app.qtypes.numeric import NumericType
from app.qtypes.schema import QUESTION_TYPES
from app.qtypes.short import ShortType
from app.qtypes.tf import TfType

TYPES: dict[str, type[QuestionType]] = {
    cls.name: cls
    for cls in (McqType, MultiType, TfType, NumericType, ClozeType, MatchingType, ShortType, EssayType)
}

if tuple(TYPES) != QUESTION_TYPES:  # pragma: no cover - a developer error caught at import
    raise RuntimeError(f"registry {tuple(TYPES)} and schema {QUESTION_TYPES} list different types")


class UnknownType(ValueError):
    """A question names a type the registry does not hold."""


def get_type(name: object) -> type[QuestionType]:
    """The class of type `name`; UnknownType listing the known ones otherwise."""
    try:
        return TYPES[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise UnknownType(f"unknown question type {name!r}; expected one of {', '.join(TYPES)}") from None


def hand_graded_types() -> tuple[str, ...]:
    """Types whose responses appear on the manual-grading screen (essays, and short answers to regrade)."""
    return tuple(name for name, cls in TYPES.items() if cls.hand_gradable)
