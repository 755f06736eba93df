"""How typed answers are read: text normalised for comparison, numbers with money, scale and percent.

Shared by the cloze, short and numeric types; plain functions, no Flask.
"""

from __future__ import annotations

import math
import re
import unicodedata

from rapidfuzz import fuzz

from app.qtypes.base import ResponseError, show

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
        return ResponseError(f"Could not read {show(text.strip())} as a number: {why}. {_EXAMPLES}")

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
            raise unreadable(f"{show(value)} is not a unit or scale we know")
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
