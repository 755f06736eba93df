"""The per-answer feedback a student's answer earns (the question's `feedback`, keyed as the schema keys it)
and, for the types answered in parts, each part marked right or wrong: what the quiz review shows under
"Your answer". Pure: a canonical question dict and a stored answer in."""

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


def marked_parts(question: dict, answer: Any) -> list[tuple[str, bool]]:
    """Each option chosen (multi) or pair matched (matching, a left item left unmatched included) with
    whether it is right, one line each; empty for other types and for no answer."""
    qtype = question["type"]
    if qtype == "multi" and isinstance(answer, list) and answer:
        chosen, right = set(answer), set(question["answer"])
        return [(option, option in right) for option in question["options"] if option in chosen]
    if qtype == "matching" and isinstance(answer, dict) and answer:
        return [
            (
                f"{pair['left']} → {answer.get(pair['left']) or '(not matched)'}",
                answer.get(pair["left"]) == pair["right"],
            )
            for pair in question["answer"]
        ]
    return []


def key_parts(question: dict) -> list[str]:
    """The correct answer one option (multi, in the options' order) or pair (matching) a line; empty for
    the types whose key is one line."""
    if question["type"] == "multi":
        return [option for option in question["options"] if option in question["answer"]]
    if question["type"] == "matching":
        return [f"{pair['left']} → {pair['right']}" for pair in question["answer"]]
    return []
