"""How typed answers are read: text normalised for comparison, numbers with money, scale and percent.

Shared by the cloze, short and numeric types; plain functions, no Flask.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from rapidfuzz import fuzz

from app.qtypes.base import ResponseError, show

_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")


def foreign_digit(text: str) -> str | None:
    """The first character of `text` that counts as a number in Unicode but is not a digit 0-9, or None.

    NFKC (and float()) would silently read "²" as 2, "2²" as 22 and "½" as "1⁄2"; such answers are refused
    instead. Full-width digits (０-９, typed with East Asian keyboards) are the same digits and are read.
    """
    return next(
        (ch for ch in text if ch.isnumeric() and not ch.isascii() and ch not in _FULL_WIDTH_DIGITS), None
    )


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


# Emoji and other pictographs (So), emoji modifiers (Sk), keycaps (Me), variation selectors and lone
# surrogates say nothing about the answer, so they are trimmed from its ends: "symbiosis 🤝" is "symbiosis".
# Symbols that can be part of an answer (currency $, maths + =) and letters' own marks are kept.
_END_NOISE = frozenset({"So", "Sk", "Me", "Cs"})
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _noise(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in _END_NOISE or bool(_VARIATION_SELECTORS.match(ch))


def _nfkc_keeping_numbers(text: str) -> str:
    """NFKC, except for numbers other than 0-9: NFKC reads "2²" as "22" and "½" as "1⁄2", a different answer."""
    if foreign_digit(text) is None:
        return unicodedata.normalize("NFKC", text)
    pieces, run = [], []
    for ch in text:
        if foreign_digit(ch) is None:
            run.append(ch)
        else:
            pieces += [unicodedata.normalize("NFKC", "".join(run)), ch]
            run = []
    return "".join(pieces) + unicodedata.normalize("NFKC", "".join(run))


def normalise_text(text: str) -> str:
    """NFKC, casefold, unify quotes and dashes, drop invisible format characters (zero-width spaces and
    joiners, soft hyphens) and emoji at the ends, drop punctuation except inside numbers, collapse spaces."""
    text = _nfkc_keeping_numbers(text).translate(_UNIFY).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    start, end = 0, len(text)
    while start < end and _noise(text[start]):
        start += 1
    while end > start and _noise(text[end - 1]):
        end -= 1
    text = _THOUSANDS.sub("", text[start:end])
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


def matched_variant(variants: list[str], given: Any, fuzzy: float | None) -> str | None:
    """The accepted variant a typed answer matched (the first, as the grader reads them), or None."""
    if not isinstance(given, str) or not given.strip():
        return None
    return next((v for v in variants if accepts([v], given, fuzzy)), None)


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


def number_hint(unit: str = "") -> str:
    """What to type for a number in `unit`, with examples that fit it: an amount for money, not "10.6%"."""
    words = {value for kind, value in _tokens(unit) if kind == "word"}
    if words & _CURRENCIES:
        examples = "55.29 or 1,234.50"
    elif words & {"%", "percent", "percentage"}:
        examples = "10.6 or 0.5"
    elif unit:  # a count in its own unit ("thousand vehicles"): a percentage or "million" would mislead
        examples = "534 or 1,234.5"
    else:
        examples = "534, 534 million or 10.6%"
    where = f" in {unit}" if unit else ""
    return f"A number{where}, e.g. {examples} (digits 0-9, a point for decimals)."


# A number in scientific notation and nothing else: "1.5e3", "-1.2345678901234567e+19" (ASCII only).
_SCIENTIFIC = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+\s*\Z", re.ASCII)


def read_number(text: str, unit: str = "", multiplier: float = 1.0) -> float:
    """Read a typed number and express it in the question's unit; raises ResponseError if unreadable.

    Currency marks are read and ignored (no exchange). A bare number, or one with only the question's own
    unit words, is taken as already in that unit; a scale word or percent converts through `multiplier`
    (what one unit is: 1e6 for "US$ million"), so "0.534 billion" reads as 534 there.
    """

    def unreadable(why: str) -> ResponseError:
        return ResponseError(f"Could not read {show(text.strip())} as a number: {why}. {_EXAMPLES}")

    odd = foreign_digit(text)
    if odd is not None:
        raise unreadable(f"{odd!r} is not a digit we read; type digits 0-9 (not superscripts or fractions)")
    scientific = _SCIENTIFIC.match(text)
    if scientific:  # "1.5e3", as Moodle's numerical questions take it, and a JSON number saved as text
        result = float(scientific.group(0))
        if not math.isfinite(result):
            raise unreadable("it is too large")
        return result

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
