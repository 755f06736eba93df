"""Wrong options that look right (same kind, unit, scale and format) and are never true: not another
figure of the source sentence, not implied by a stated bound, not against a stated comparison."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from app.generation.figures import (
    MONTHS,
    VAGUE_LADDER,
    Figure,
    date_text,
    option_text,
)

# Factors for made-up wrong figures, most plausible first. Never half, one and a half or twice the answer,
# nor quarters of it: "US$534m → 267 / 801 / 1,070" and "87.8 → 21.9 / 43.9 / 65.8" read as the answer's
# multiples, which a tester and the reviewers spotted as giving the answer away.
_BELOW = (0.6, 0.8, 0.45, 0.7, 0.35, 0.55, 0.3)
_ABOVE = (1.3, 1.7, 2.4, 1.45, 3.2, 1.85, 4.5)
_MULTIPLE_LADDER = ("half", "twice", "three times", "five times", "ten times")
_MULTIPLE_VALUES = {"half": 0.5, "twice": 2.0, "three times": 3.0, "five times": 5.0, "ten times": 10.0}
_FRACTIONS = {"a quarter": 0.25, "a third": 1 / 3, "half": 0.5, "two-thirds": 2 / 3, "three-quarters": 0.75}


@dataclass(frozen=True)
class Option:
    """A distractor: its text, its value in base units (for ordering and checks) and where it came from."""

    text: str
    order: float
    origin: str  # "article" (another figure of the article) or "perturbed"
    note: str = ""  # for the explanation: where an article figure comes from


@dataclass(frozen=True)
class Limits:
    """What the stem says about the answer: strictly below / above another figure (base units)."""

    below: float | None = None
    above: float | None = None

    def allows(self, magnitude: float | None) -> bool:
        if magnitude is None:
            return True
        if self.below is not None and magnitude >= self.below:
            return False
        return not (self.above is not None and magnitude <= self.above)


def _significant(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def _sig_digits(number: str) -> int:
    """Significant digits as written (trailing zeros of an integer do not count), at least two."""
    digits = number.replace(",", "")
    if "." in digits:
        return max(2, len(digits.replace(".", "").lstrip("0")))
    return max(2, len(digits.lstrip("0").rstrip("0")))


def _perturbed(fig: Figure, factor: float) -> float | None:
    assert fig.value is not None
    value = _significant(fig.value * factor, _sig_digits(fig.number))
    decimals = len(fig.number.split(".")[1]) if "." in fig.number else 0
    value = round(value, decimals)
    if value <= 0 or (fig.scale and fig.value >= 1 and value < 1):
        return None
    if fig.kind == "percent" and fig.value <= 100 and value > 100:
        return None
    return value


def _render(fig: Figure, value: float) -> str:
    return option_text(fig, value)


def implied_by(answer: Figure, other_magnitude: float) -> bool:
    """Would 'qualifier + other' also be true when 'qualifier + answer' is? ('less than 40,000' given
    'less than 20,000' is; 'over 250,000' given 'over 500,000' is.)"""
    mag = answer.magnitude
    if mag is None:
        return False
    if answer.bound == "upper":
        return other_magnitude >= mag
    if answer.bound == "lower":
        return other_magnitude <= mag
    return False


def figure_options(
    fig: Figure,
    others_in_sentence: Sequence[Figure],
    article_figures: Sequence[tuple[Figure, str]],
    limits: Limits,
) -> tuple[list[Option], list[Option]]:
    """Distractor candidates below and above the answer, most plausible first."""
    if fig.kind == "date":
        return _date_options(fig, others_in_sentence)
    if fig.kind == "multiple":
        return _multiple_options(fig)
    if fig.kind == "vague":
        return _ladder_options(fig)
    assert fig.value is not None and fig.magnitude is not None
    answer_text = option_text(fig)
    taken = {answer_text.casefold()}
    blocked = [o.magnitude for o in others_in_sentence if o.kind == fig.kind and o.magnitude is not None]
    below: list[Option] = []
    above: list[Option] = []

    def consider(text: str, magnitude: float, origin: str, note: str = "") -> None:
        if text.casefold() in taken or magnitude == fig.magnitude:
            return
        if any(abs(magnitude - b) <= 1e-9 * max(abs(b), 1) for b in blocked):
            return
        if not limits.allows(magnitude) or implied_by(fig, magnitude):
            return
        if fig.kind == "percent" and 0 < fig.magnitude < 100 and not 0 < magnitude < 100:
            return  # a stake or a share of 100 percent is no share ("a 100 percent stake in the venture")
        taken.add(text.casefold())
        (below if magnitude < fig.magnitude else above).append(Option(text, magnitude, origin, note))

    if fig.kind == "year":
        for offset in (-1, 1, -2, 2, 3, -3, 5, -5):
            year = int(fig.value) + offset
            consider(str(year), float(year), "perturbed")
        return below, above
    for other, where in article_figures:
        if other.family() == fig.family() and other.magnitude is not None and other.value is not None:
            # Written as the article writes it, with the answer's qualifier so the options read alike.
            consider(option_text(replace(other, qualifier=fig.qualifier)), other.magnitude, "article", where)
    for factor in _BELOW + _ABOVE:
        value = _perturbed(fig, factor)
        if value is not None:
            consider(_render(fig, value), value * fig.multiplier, "perturbed")
    return below, above


def _date_options(fig: Figure, others: Sequence[Figure]) -> tuple[list[Option], list[Option]]:
    month = MONTHS.index(fig.month)
    blocked = {(o.month, o.day, o.year) for o in others if o.kind == "date"}
    shifts = ((0, 10, 0), (2, 0, 0), (0, 0, -1), (-2, 0, 0), (0, -2, 0), (0, 0, 1), (1, 0, 0), (0, 7, 0))
    below: list[Option] = []
    above: list[Option] = []
    seen = {(fig.month, fig.day, fig.year)}
    for dm, dd, dy in shifts:
        if dy and not fig.year:
            continue
        m = (month + dm) % 12
        day = fig.day + dd
        if not 1 <= day <= 28 and dd:
            continue
        key = (MONTHS[m], day, fig.year + dy if fig.year else 0)
        if key in seen or key in blocked:
            continue
        seen.add(key)
        order = (key[2] or 2000) * 400 + m * 32 + day
        option = Option(date_text(key[0], key[1], key[2], fig), float(order), "perturbed")
        (below if order < (fig.year or 2000) * 400 + month * 32 + fig.day else above).append(option)
    return below, above


def _multiple_options(fig: Figure) -> tuple[list[Option], list[Option]]:
    """'more than twice' → options that contradict it: 'less than twice', 'about half'…"""
    word = fig.number.lower()
    value = fig.value or 2.0
    opposite = {"lower": "less than", "upper": "more than"}.get(fig.bound, "")
    texts: list[tuple[str, float]] = []
    if value < 1:
        # "Teva gets almost half its revenue from generics": a share of a whole, so the other options are
        # shares too ("almost twice its revenue" cannot be true of anything).
        for rung, rung_value in _FRACTIONS.items():
            if rung != word and abs(rung_value - value) > 0.01:
                texts.append(((f"{fig.qualifier} {rung}" if fig.qualifier else rung), rung_value))
        below = [Option(t, v, "perturbed") for t, v in texts if v < value]
        above = [Option(t, v, "perturbed") for t, v in texts if v >= value]
        return below, above
    if opposite:
        texts.append((f"{opposite} {word}", value * (0.99 if fig.bound == "lower" else 1.01)))
    for rung in _MULTIPLE_LADDER:
        rung_value = _MULTIPLE_VALUES[rung]
        if (
            rung == word
            or (fig.bound == "lower" and rung_value > value)
            or (fig.bound == "upper" and rung_value < value)
        ):
            continue
        qualifier = opposite or fig.qualifier
        texts.append(((f"{qualifier} {rung}" if qualifier else rung), rung_value))
    texts.append(("about the same as", 1.0))
    below = [Option(t, v, "perturbed") for t, v in texts if v < value]
    above = [Option(t, v, "perturbed") for t, v in texts if v >= value]
    return below, above


def _ladder_options(fig: Figure) -> tuple[list[Option], list[Option]]:
    """'tens of billions' → rungs at least two orders of magnitude away, so none is also true."""
    rung = VAGUE_LADDER.index(fig.number)
    below = [Option(VAGUE_LADDER[i], float(i), "perturbed") for i in (rung - 2, rung - 3, rung - 4) if i >= 0]
    above = [
        Option(VAGUE_LADDER[i], float(i), "perturbed")
        for i in (rung + 2, rung + 3, rung + 1)
        if i < len(VAGUE_LADDER)
    ]
    return below, above


def arrange(
    answer: str,
    answer_order: float,
    below: Sequence[Option],
    above: Sequence[Option],
    position: int,
    size: int = 4,
) -> tuple[list[str], list[Option]]:
    """Options in ascending order with the answer at `position` when the candidates allow it (else the
    nearest position they allow); returns the options and the distractors used."""
    n_below = max(0, min(position, len(below), size - 1))
    n_above = min(size - 1 - n_below, len(above))
    n_below = min(len(below), size - 1 - n_above)
    chosen = list(below[:n_below]) + list(above[:n_above])
    ordered = sorted([*chosen, Option(answer, answer_order, "answer")], key=lambda o: o.order)
    return [o.text for o in ordered], chosen


def place(answer: str, distractors: Sequence[str], position: int) -> list[str]:
    """Options in the given order with the answer inserted at `position`."""
    options = list(distractors)
    options.insert(min(position, len(options)), answer)
    return options


def pick_phrases(
    answer: str,
    pool: Sequence[str],
    exclude_text: str,
    exclude_labels: frozenset[str] | set[str] = frozenset(),
    label: Callable[[str], str] | None = None,
    preferred: int | None = None,
) -> list[str]:
    """Pool phrases unlike the answer and absent from the source sentence: the first `preferred` of the
    pool before the rest, each group closest in length first."""
    source = exclude_text.casefold()
    cut = len(pool) if preferred is None else preferred
    ranked = sorted(enumerate(pool), key=lambda ip: (ip[0] >= cut, abs(len(ip[1]) - len(answer)), ip[1]))
    chosen: list[str] = []
    for _, phrase in ranked:
        if phrase in chosen:
            continue
        if phrase.casefold() == answer.casefold() or phrase.casefold() in source:
            continue
        if label is not None and label(phrase) in exclude_labels:
            continue
        chosen.append(phrase)
    return chosen
