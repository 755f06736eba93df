"""Helpers the option-based types (mcq, multi) share: lettered options, shuffled order, Moodle credit."""

from __future__ import annotations

from fractions import Fraction
from string import ascii_uppercase


def lettered(options: list[str]) -> list[str]:
    return [f"{letter}. {option}" for letter, option in zip(ascii_uppercase, options, strict=False)]


def ordered(values: list[str], order: list[int] | None) -> list[str]:
    """`values` in an attempt's shuffled `order` (indexes), or as they are when there is none."""
    if not order or len(order) != len(values):
        return list(values)
    return [values[i] for i in order]


def multi_fraction(right_chosen: int, wrong_chosen: int, n_right: int, n_wrong: int) -> Fraction:
    """Moodle's default multi-answer credit: +1/n_right per right choice, -1/n_wrong per wrong, in [0, 1]."""
    score = Fraction(right_chosen, n_right) - (Fraction(wrong_chosen, n_wrong) if n_wrong else 0)
    return min(max(score, Fraction(0)), Fraction(1))
