"""Flashcard faces for a canonical question: a front to recall from and a readable answer on the back.

Plain text with newlines (templates escape it and keep the line breaks); no HTML is built here.
"""

from __future__ import annotations

import re
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


# 'The article states: “…”.' (app/generation/drafts.py states()): the explanation the generator writes
# around the source sentence, which the card shows once, as its source.
_STATES = re.compile(r"\s*The article states: “(?P<body>[^”]*)”\.?\s*")


def _without_source(explanation: str, quote: str) -> str:
    """The explanation without a quotation of the source sentence the card shows anyway (the back read the
    same sentence twice); unchanged when it quotes something else."""
    if not quote:
        return explanation

    def drop(m: re.Match[str]) -> str:
        body = m.group("body").rstrip("…").rstrip(".").strip()
        return " " if body and body in quote else m.group(0)

    return _STATES.sub(drop, explanation).strip()


def card_faces(question: dict) -> CardFaces:
    """The faces of a question given in its dict form; an invalid question raises pydantic.ValidationError."""
    q = parse_question(question)
    qtype = get_type(q.type)
    quote = q.source.quote if q.source else ""
    return CardFaces(
        front_text=qtype.card_front(q),
        back_text=qtype.card_back(q),
        kind=q.type,
        explanation=_without_source(q.explanation, quote),
        source_quote=quote,
    )
