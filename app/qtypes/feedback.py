"""The per-answer feedback a student's answer earns (the question's `feedback`, keyed as the schema keys it):
what the quiz review shows under "Your answer". Pure: a canonical question dict and a stored answer in."""

from __future__ import annotations

from typing import Any

from app.qtypes.reading import accepts
from app.qtypes.schema import NUMERIC_FEEDBACK_KEY, cloze_feedback_key


def _matched(variants: list[str], given: Any, fuzzy: float | None) -> str | None:
    """The accepted variant a typed answer matched (the first, as the grader reads them), or None."""
    if not isinstance(given, str) or not given.strip():
        return None
    return next((v for v in variants if accepts([v], given, fuzzy)), None)


def answer_feedback(question: dict, answer: Any, right: bool) -> list[str]:
    """The feedback of each part of `answer` that has some: the chosen option(s) (mcq, multi), the chosen
    truth value (tf), the right number (numeric, when `right`), the accepted answer matched (short) or,
    blank by blank, the accepted variant each blank matched (cloze). Empty when none applies."""
    said = question.get("feedback") or {}
    if not said or answer is None:
        return []
    qtype, fuzzy = question["type"], question.get("fuzzy")
    keys: list[str | None] = []
    if qtype == "mcq":
        keys = [answer] if isinstance(answer, str) else []
    elif qtype == "multi":
        chosen = set(answer) if isinstance(answer, list) else set()
        keys = [option for option in question.get("options") or [] if option in chosen]
    elif qtype == "tf":
        keys = [("true" if answer else "false")] if isinstance(answer, bool) else []
    elif qtype == "numeric":
        keys = [NUMERIC_FEEDBACK_KEY] if right else []
    elif qtype == "short":
        keys = [_matched(question["answer"], answer, fuzzy)]
    elif qtype == "cloze" and isinstance(answer, list):
        for n, (variants, given) in enumerate(zip(question["answer"], answer, strict=False), start=1):
            variant = _matched(variants, given, fuzzy)
            keys.append(cloze_feedback_key(n, variant) if variant is not None else None)
    return [said[key] for key in keys if key is not None and said.get(key)]
