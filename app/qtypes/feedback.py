"""The per-answer feedback a student's answer earns (the question's `feedback`, keyed as the schema keys it)
and, for the types answered in parts, each part marked right or wrong: what the quiz review shows under
"Your answer". Pure: a canonical question dict and a stored answer in; each type says what applies to it
(`feedback_keys`, `marked_parts`, `key_parts` in app.qtypes.registry.TYPES)."""

from __future__ import annotations

from typing import Any

from app.qtypes.registry import get_type


def answer_feedback(question: dict, answer: Any, right: bool) -> list[str]:
    """The feedback of each part of `answer` that has some: the chosen option(s) (mcq, multi), the chosen
    truth value (tf), the right number (numeric, when `right`), the accepted answer matched (short) or,
    blank by blank, the accepted variant each blank matched (cloze). Empty when none applies."""
    said = question.get("feedback") or {}
    if not said or answer is None:
        return []
    keys = get_type(question["type"]).feedback_keys(question, answer, right)
    return [said[key] for key in keys if key is not None and said.get(key)]


def marked_parts(question: dict, answer: Any) -> list[tuple[str, bool]]:
    """Each option chosen (multi) or pair matched (matching, a left item left unmatched included) with
    whether it is right, one line each; empty for other types and for no answer."""
    return get_type(question["type"]).marked_parts(question, answer)


def key_parts(question: dict) -> list[str]:
    """The correct answer one option (multi, in the options' order) or pair (matching) a line; empty for
    the types whose key is one line."""
    return get_type(question["type"]).key_parts(question)
