"""Flashcard faces for a canonical question: a front to recall from and a readable answer on the back.

Plain text with newlines (templates escape it and keep the line breaks); no HTML is built here.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.qtypes.cloze import BLANK_MARK
from app.qtypes.numeric import format_numeric
from app.qtypes.registry import get_type
from app.qtypes.schema import parse_question

__all__ = ["BLANK_MARK", "CardFaces", "card_faces", "format_numeric"]


@dataclass(frozen=True)
class CardFaces:
    front_text: str
    back_text: str
    kind: str  # the question type's name in app.qtypes.registry.TYPES
    explanation: str = ""
    source_quote: str = ""


def card_faces(question: dict) -> CardFaces:
    """The faces of a question given in its dict form; an invalid question raises pydantic.ValidationError."""
    q = parse_question(question)
    qtype = get_type(q.type)
    return CardFaces(
        front_text=qtype.card_front(q),
        back_text=qtype.card_back(q),
        kind=q.type,
        explanation=q.explanation,
        source_quote=q.source.quote if q.source else "",
    )
