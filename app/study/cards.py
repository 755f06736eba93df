"""Flashcard faces for a canonical question: a front to recall from and a readable answer on the back.

Plain text with newlines (templates escape it and keep the line breaks); no HTML is built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import ascii_uppercase

from app.qtypes.schema import (
    BLANK_RE,
    MCQ,
    TF,
    Cloze,
    Matching,
    Multi,
    Numeric,
    NumericAnswer,
    Question,
    parse_question,
)

BLANK_MARK = "[…]"


@dataclass(frozen=True)
class CardFaces:
    front_text: str
    back_text: str
    kind: str  # the question type: mcq, multi, tf, numeric, cloze, matching, short
    explanation: str = ""
    source_quote: str = ""


def _lettered(options: list[str]) -> list[str]:
    return [f"{letter}. {option}" for letter, option in zip(ascii_uppercase, options, strict=False)]


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


def _fill_blanks(stem: str, fills: list[str]) -> str:
    return BLANK_RE.sub(lambda m: fills[int(m.group(1)) - 1], stem)


def _front(q: Question) -> str:
    if isinstance(q, Cloze):
        return _fill_blanks(q.stem, [BLANK_MARK] * len(q.answer))
    if isinstance(q, MCQ | Multi):
        return "\n\n".join([q.stem, "\n".join(_lettered(q.options))])
    if isinstance(q, Matching):
        return "\n\n".join([q.stem, "\n".join(f"• {pair.left}" for pair in q.answer)])
    return q.stem


def _back(q: Question) -> str:
    if isinstance(q, MCQ):
        return _lettered(q.options)[q.options.index(q.answer)]
    if isinstance(q, Multi):
        # Options in their listed order, whatever order the answer names them in.
        return "\n".join(
            line for line, option in zip(_lettered(q.options), q.options, strict=True) if option in q.answer
        )
    if isinstance(q, TF):
        return "True" if q.answer else "False"
    if isinstance(q, Numeric):
        return format_numeric(q.answer)
    if isinstance(q, Cloze):
        return _fill_blanks(q.stem, [variants[0] for variants in q.answer])
    if isinstance(q, Matching):
        return "\n".join(f"{pair.left} → {pair.right}" for pair in q.answer)
    return q.answer[0]  # short: the first accepted answer is the model one


def card_faces(question: dict) -> CardFaces:
    """The faces of a question given in its dict form; an invalid question raises pydantic.ValidationError."""
    q = parse_question(question)
    return CardFaces(
        front_text=_front(q),
        back_text=_back(q),
        kind=q.type,
        explanation=q.explanation,
        source_quote=q.source.quote if q.source else "",
    )
