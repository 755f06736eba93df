"""One approved question of every type from the seed bank (cloze with 1 and with 2 blanks), with a right
answer, a half-right answer and an answer of the wrong shape for each, in the JSON shape autosave takes.

Shared by the autosave integration tests and the browser matrix (tests/e2e/test_attempt_matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.bank.convert import to_canonical
from app.extensions import db
from app.models import Question

# The matrix's rows, in quiz order: (label, type, blanks for cloze).
ROWS = (
    ("mcq", "mcq", 0),
    ("multi", "multi", 0),
    ("tf", "tf", 0),
    ("numeric", "numeric", 0),
    ("cloze-1", "cloze", 1),
    ("cloze-2", "cloze", 2),
    ("matching", "matching", 0),
    ("short", "short", 0),
)


@dataclass
class Row:
    label: str
    question: Question
    canonical: dict

    @property
    def qtype(self) -> str:
        return self.question.qtype

    def right(self) -> Any:
        """A fully right answer, as autosave takes it."""
        c = self.canonical
        if self.qtype == "mcq":
            return c["answer"]
        if self.qtype == "multi":
            return list(c["answer"])
        if self.qtype == "tf":
            return "true" if c["answer"] else "false"
        if self.qtype == "numeric":
            return _number(c["answer"]["value"])
        if self.qtype == "cloze":
            return [variants[0] for variants in c["answer"]]
        if self.qtype == "matching":
            return {pair["left"]: pair["right"] for pair in c["answer"]}
        return c["answer"][0]  # short

    def stored_right(self) -> Any:
        """The right answer as the server stores it once validated."""
        answer = self.right()
        if self.qtype == "tf":
            return answer == "true"
        if self.qtype == "multi":
            return [o for o in self.canonical["options"] if o in answer]
        return answer

    def wrong_shape(self) -> tuple[Any, str]:
        """An answer of the wrong shape for this type, and a word its 422 message must contain."""
        blanks = len(self.canonical["answer"]) if self.qtype == "cloze" else 0
        return {
            "mcq": (["a", "list"], "one option"),
            "multi": ("one string", "list of option texts"),
            "tf": ("maybe", "true or false"),
            "numeric": ("about twelve", "number"),
            "cloze": (["x"] * (blanks + 1), f"{blanks} blank"),
            "matching": ("left to right", "matching question takes"),
            "short": (["a", "list"], "must be text"),
        }[self.qtype]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def matrix_rows() -> list[Row]:
    """The first approved question of each row's type (by uid) in the loaded seed bank."""
    rows = []
    for label, qtype, blanks in ROWS:
        candidates = db.session.scalars(
            select(Question)
            .where(Question.qtype == qtype, Question.status == "approved")
            .order_by(Question.uid)
        )
        for question in candidates:
            if qtype != "cloze" or len(question.answer) == blanks:
                rows.append(Row(label, question, to_canonical(question)))
                break
        else:
            raise LookupError(f"the seed bank has no approved {label} question")
    return rows
