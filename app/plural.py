"""Counts in messages, singular or plural as English has them: "1 new candidate", "14 new candidates"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and its noun: the singular for exactly one, else `plural` (the noun with an "s" unless given)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
