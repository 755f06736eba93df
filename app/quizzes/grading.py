"""Grades a student's response to a question given as the canonical dict of app.qtypes.schema.

One validator and one grader per type, in registries; `grade` and `validate_response` dispatch on `type`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from rapidfuzz import fuzz

MAX_TEXT = 500


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response: `detail` holds per-part results, `message` why it scored 0."""

    fraction: float
    correct: bool
    detail: dict = field(default_factory=dict)
    message: str | None = None

    @classmethod
    def of(cls, fraction: Fraction | int, detail: dict, message: str | None = None) -> Grade:
        exact = min(max(Fraction(fraction), Fraction(0)), Fraction(1))
        return cls(float(exact), exact == 1, detail, message)


class ResponseError(ValueError):
    """The response does not have the shape its question type takes; the message says how to fix it."""


# ---------------------------------------------------------------- text normalisation (cloze, short)

_UNIFY = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`", "'"),
        **dict.fromkeys("“”„‟″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
# Marks that join the parts of one word ("FAW's", "N.V.") are dropped; other punctuation separates words.
_JOINERS = frozenset("'\".")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


def _number_mark(text: str, i: int) -> bool:
    """Whether the punctuation at text[i] is part of a number: 10.6, 1,5, 10.6 %, -5."""
    ch = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if ch in ".,":
        return before.isdigit() and after.isdigit()
    if ch == "%":
        return text[:i].rstrip()[-1:].isdigit()
    if ch == "-":
        return after.isdigit() and (not before or before.isspace())
    return False


def normalise_text(text: str) -> str:
    """Casefold, unify quotes and dashes, drop punctuation except inside numbers, collapse whitespace."""
    text = _THOUSANDS.sub("", unicodedata.normalize("NFKC", text).translate(_UNIFY).casefold())
    kept = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch).startswith("P") and not _number_mark(text, i):
            kept.append("" if ch in _JOINERS else " ")
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _key(text: str) -> str:
    # Spacing is not meaningful in a typed answer: "joint-venture", "joint venture" and "jointventure" agree.
    return normalise_text(text).replace(" ", "")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def accepts(variants: list[str], given: str, fuzzy: float | None = None) -> bool:
    """Whether `given` matches one of the accepted `variants` after normalisation.

    With `fuzzy`, a near spelling counts when rapidfuzz's ratio/100 reaches it, but figures must still
    agree digit for digit: fuzzy matching forgives typos, never a wrong number.
    """
    key = _key(given)
    if not key:
        return False
    keys = [_key(v) for v in variants]
    if key in keys:
        return True
    if fuzzy is None:
        return False
    # The tiny slack keeps a ratio of exactly the threshold (e.g. 80.0 vs 0.8) from losing to float noise.
    return any(k and _digits(k) == _digits(key) and fuzz.ratio(key, k) / 100 + 1e-9 >= fuzzy for k in keys)


# ---------------------------------------------------------------- numbers with money, scale and percent

_CURRENCIES = frozenset(
    {"$", "us$", "hk$", "nt$", "s$", "a$", "c$", "nz$", "€", "£", "¥"}
    | {"rmb", "cny", "usd", "hkd", "eur", "gbp", "jpy", "yuan", "euro", "euros"}
)
_SCALES = {
    **dict.fromkeys(("thousand", "thousands", "k"), 1e3),
    **dict.fromkeys(("million", "millions", "m", "mn", "mln"), 1e6),
    **dict.fromkeys(("billion", "billions", "b", "bn", "bln"), 1e9),
    **dict.fromkeys(("trillion", "trillions", "tn", "trn"), 1e12),
}
_DOLLAR_PREFIX = re.compile(r"\b(us|hk|nt|s|a|c|nz)\s+\$")
_PERCENT_WORDS = re.compile(r"\bper\s*cent\b|\bpct\b")
_NUMBER_TOKENS = re.compile(
    r"(?P<number>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)"
    r"|(?P<word>[^\W\d_]+\$?|[$€£¥%])"
    r"|(?P<sign>[-+])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)"
)
_EXAMPLES = "Type a number, optionally with a unit or scale, e.g. 534, 534 million, US$0.53bn or 10.6%."


def _show(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _tokens(text: str) -> list[tuple[str, str]]:
    text = unicodedata.normalize("NFKC", text).translate(_UNIFY).casefold()
    text = _PERCENT_WORDS.sub("%", _DOLLAR_PREFIX.sub(r"\1$", text))
    found = ((m.lastgroup or "other", m.group()) for m in _NUMBER_TOKENS.finditer(text))
    return [(kind, value) for kind, value in found if kind != "space"]


def read_number(text: str, unit: str = "", multiplier: float = 1.0) -> float:
    """Read a typed number and express it in the question's unit; raises ResponseError if unreadable.

    Currency marks are read and ignored (no exchange). A bare number, or one with only the question's own
    unit words, is taken as already in that unit; a scale word or percent converts through `multiplier`
    (what one unit is: 1e6 for "US$ million"), so "0.534 billion" reads as 534 there.
    """

    def unreadable(why: str) -> ResponseError:
        return ResponseError(f"Could not read {_show(text.strip())} as a number: {why}. {_EXAMPLES}")

    unit_words = {value for kind, value in _tokens(unit) if kind == "word"}
    number: float | None = None
    sign = 1.0
    signed = False
    scale: float | None = None
    percent = False
    for kind, value in _tokens(text):
        if kind == "number":
            if number is not None:
                raise unreadable("it holds more than one number")
            number = float(value.replace(",", ""))
        elif kind == "sign":
            if signed or number is not None:
                raise unreadable(f"the sign {value!r} is out of place")
            signed, sign = True, (-1.0 if value == "-" else 1.0)
        elif kind == "word" and (value in unit_words or value in _CURRENCIES):
            continue
        elif kind == "word" and number is not None and value == "%" and not percent and scale is None:
            percent = True
        elif kind == "word" and number is not None and value in _SCALES and scale is None and not percent:
            scale = _SCALES[value]
        elif kind == "word" and (value == "%" or value in _SCALES):
            raise unreadable(f"{value!r} is out of place")
        elif kind == "word":
            raise unreadable(f"{_show(value)} is not a unit or scale we know")
        else:
            hint = " (use a point for decimals)" if value == "," else ""
            raise unreadable(f"{value!r} is out of place{hint}")
    if number is None:
        raise unreadable("there is no number in it")
    result = sign * number
    if scale is not None or percent:
        result = result * (scale or 1.0) * (0.01 if percent else 1.0) / multiplier
    if not math.isfinite(result):
        raise unreadable("it is too large")
    return result


def within_tolerance(x: float, value: float, tolerance: float = 0.0, mode: str = "absolute") -> bool:
    """|x - value| <= tolerance (absolute) or <= tolerance*|value| (relative), forgiving float rounding."""
    allowed = tolerance if mode == "absolute" else tolerance * abs(value)
    diff = abs(x - value)
    return diff <= allowed or math.isclose(diff, allowed, rel_tol=1e-9, abs_tol=1e-12 * max(1.0, abs(value)))


# ---------------------------------------------------------------- response validation, per type


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ResponseError(f"{what} must be text, not {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ResponseError(f"{what} is {len(value)} characters long; shorten it to {MAX_TEXT} or fewer")
    return value.strip()


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _pick(choices: list[str], given: Any, what: str) -> str:
    """The choice `given` names, exactly or up to case and spacing (the schema keeps those distinct)."""
    text = _text(given, what)
    if text in choices:
        return text
    for choice in choices:
        if _fold(choice) == _fold(text):
            return choice
    listed = ", ".join(repr(c) for c in choices)
    raise ResponseError(f"{_show(text)} is not one of the {what}s; send the exact text of one of: {listed}")


def _validate_mcq(question: dict, response: Any) -> str:
    if not isinstance(response, str):
        raise ResponseError(
            f"a single-answer (mcq) question takes the text of one option, not {type(response).__name__}"
        )
    return _pick(question["options"], response, "option")


def _validate_multi(question: dict, response: Any) -> list[str]:
    if not isinstance(response, list | tuple):
        raise ResponseError(
            'a multiple-answer question takes a list of option texts, e.g. ["first", "third"]; '
            f"got {type(response).__name__}"
        )
    chosen = {_pick(question["options"], item, "option") for item in response if not _blank(item)}
    return [option for option in question["options"] if option in chosen]


def _validate_tf(question: dict, response: Any) -> bool:
    if isinstance(response, bool):
        return response
    if isinstance(response, str) and response.strip().casefold() in ("true", "false"):
        return response.strip().casefold() == "true"
    raise ResponseError(f"a true/false question takes true or false, not {_show(str(response))}")


def _validate_numeric(question: dict, response: Any) -> str | float:
    if isinstance(response, int | float) and not isinstance(response, bool):
        number = float(response) if abs(response) < 1e300 else math.inf  # huge ints overflow float()
        if not math.isfinite(number):
            raise ResponseError("the number must be finite and below 1e300")
        return number
    if not isinstance(response, str):
        raise ResponseError(f"a numeric question takes the number as typed, not {type(response).__name__}")
    text = _text(response, "the answer")
    answer = question["answer"]
    read_number(text, answer.get("unit", ""), answer.get("multiplier", 1.0))
    return text


def _validate_cloze(question: dict, response: Any) -> list[str]:
    blanks = len(question["answer"])
    if not isinstance(response, list | tuple):
        raise ResponseError(
            f"a cloze question takes a list of {blanks} answer(s), one per blank, "
            f"not {type(response).__name__}"
        )
    if len(response) != blanks:
        raise ResponseError(
            f"this cloze question has {blanks} blank(s); send {blanks} answer(s), not {len(response)}"
        )
    return [_text(item or "", f"the answer to blank {i}") for i, item in enumerate(response, start=1)]


def _validate_short(question: dict, response: Any) -> str:
    return _text(response, "the answer")


def _validate_matching(question: dict, response: Any) -> dict[str, str]:
    lefts = [pair["left"] for pair in question["answer"]]
    rights = [pair["right"] for pair in question["answer"]]
    if isinstance(response, dict):
        items = list(response.items())
    elif isinstance(response, list | tuple):
        items = [_pair(item) for item in response]
    else:
        raise ResponseError(
            "a matching question takes an object {left: right} or a list of [left, right] pairs, "
            f"not {type(response).__name__}"
        )
    matched: dict[str, str] = {}
    for left, right in items:
        item = _pick(lefts, left, "left-hand item")
        if item in matched:
            raise ResponseError(f"{_show(item)} is matched twice; give each left-hand item one answer")
        if not _blank(right):
            matched[item] = _pick(rights, right, "right-hand item")
    return {left: matched[left] for left in lefts if left in matched}


def _pair(item: Any) -> tuple[Any, Any]:
    if isinstance(item, dict) and set(item) == {"left", "right"}:
        return item["left"], item["right"]
    if isinstance(item, list | tuple) and len(item) == 2:
        return item[0], item[1]
    raise ResponseError(
        f'each pair must be [left, right] or {{"left": …, "right": …}}, not {_show(str(item))}'
    )


# ---------------------------------------------------------------- graders, per type (validated responses)


def multi_fraction(right_chosen: int, wrong_chosen: int, n_right: int, n_wrong: int) -> Fraction:
    """Moodle's default multi-answer credit: +1/n_right per right choice, -1/n_wrong per wrong, in [0, 1]."""
    score = Fraction(right_chosen, n_right) - (Fraction(wrong_chosen, n_wrong) if n_wrong else 0)
    return min(max(score, Fraction(0)), Fraction(1))


def _grade_mcq(question: dict, chosen: str) -> Grade:
    return Grade.of(int(chosen == question["answer"]), {"chosen": chosen})


def _grade_multi(question: dict, chosen: list[str]) -> Grade:
    right = set(question["answer"])
    n_wrong = len(question["options"]) - len(right)
    right_chosen = sum(option in right for option in chosen)
    fraction = multi_fraction(right_chosen, len(chosen) - right_chosen, len(right), n_wrong)
    return Grade.of(
        fraction, {"chosen": {o: o in right for o in chosen}, "missed": len(right) - right_chosen}
    )


def _grade_tf(question: dict, chosen: bool) -> Grade:
    return Grade.of(int(chosen == question["answer"]), {"chosen": chosen})


def _grade_numeric(question: dict, typed: str | float) -> Grade:
    answer = question["answer"]
    if isinstance(typed, float):
        value = typed
    else:
        value = read_number(typed, answer.get("unit", ""), answer.get("multiplier", 1.0))
    ok = within_tolerance(
        value, answer["value"], answer.get("tolerance", 0.0), answer.get("tolerance_mode", "absolute")
    )
    return Grade.of(int(ok), {"value": value})


def _grade_cloze(question: dict, blanks: list[str]) -> Grade:
    fuzzy = question.get("fuzzy")
    results = [
        accepts(variants, given, fuzzy) for variants, given in zip(question["answer"], blanks, strict=True)
    ]
    return Grade.of(Fraction(sum(results), len(results)), {"blanks": results})


def _grade_short(question: dict, text: str) -> Grade:
    ok = accepts(question["answer"], text, question.get("fuzzy"))
    return Grade.of(int(ok), {"matched": ok})


def _grade_matching(question: dict, matched: dict[str, str]) -> Grade:
    results = {pair["left"]: matched.get(pair["left"]) == pair["right"] for pair in question["answer"]}
    return Grade.of(Fraction(sum(results.values()), len(results)), {"pairs": results})


# What each type's autosave answer looks like: one sentence per type, rendered into the attempt page as
# data-answer-shape so the browser's collectors (app/static/quiz.js) and these validators visibly agree.
# `essay` is collected by the client already; its validator arrives with the essay type.
ANSWER_SHAPES: dict[str, str] = {
    "mcq": "one string: the exact text of the chosen option",
    "multi": "list of strings: the exact text of every chosen option (may be empty)",
    "tf": 'one string, "true" or "false" (or a JSON boolean)',
    "numeric": 'one string: the number as typed, e.g. "534", "534 million" or "10.6%"',
    "cloze": "list of N strings, one per blank in order (an empty string for a blank left empty)",
    "matching": 'object {left item: chosen right item} (a right item of "" leaves that left item unmatched)',
    "short": "one string: the answer as typed",
    "essay": "one string: the written answer",
}

VALIDATORS: dict[str, Callable[[dict, Any], Any]] = {
    "mcq": _validate_mcq,
    "multi": _validate_multi,
    "tf": _validate_tf,
    "numeric": _validate_numeric,
    "cloze": _validate_cloze,
    "matching": _validate_matching,
    "short": _validate_short,
}
GRADERS: dict[str, Callable[[dict, Any], Grade]] = {
    "mcq": _grade_mcq,
    "multi": _grade_multi,
    "tf": _grade_tf,
    "numeric": _grade_numeric,
    "cloze": _grade_cloze,
    "matching": _grade_matching,
    "short": _grade_short,
}


def _blank(response: Any) -> bool:
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, list | tuple):
        return all(_blank(item) for item in response)
    if isinstance(response, dict):
        return all(_blank(item) for item in response.values())
    return False


def _type_of(question: dict) -> str:
    qtype = question.get("type")
    if qtype not in GRADERS:
        raise ValueError(f"unknown question type {qtype!r}; expected one of {', '.join(GRADERS)}")
    return qtype


def validate_response(question: dict, response: Any) -> Any:
    """The response normalised for storage (None when blank); raises ResponseError if its shape is wrong."""
    qtype = _type_of(question)
    if _blank(response):
        return None
    return VALIDATORS[qtype](question, response)


def grade(question: dict, response: Any) -> Grade:
    """Grade a raw response: blank scores 0 without a message, a malformed one scores 0 with the reason."""
    qtype = _type_of(question)
    if _blank(response):
        return Grade(0.0, False, {"answered": False})
    try:
        clean = VALIDATORS[qtype](question, response)
    except ResponseError as err:
        return Grade(0.0, False, {"answered": True}, str(err))
    return GRADERS[qtype](question, clean)
