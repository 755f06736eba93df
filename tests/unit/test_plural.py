"""Counts in messages: the singular for one, the plural otherwise, never "candidate(s)"."""

from __future__ import annotations

from app.plural import counted


def test_one_is_singular_and_every_other_count_plural():
    assert counted(1, "new candidate") == "1 new candidate"
    assert counted(14, "new candidate") == "14 new candidates"
    assert counted(0, "overdue attempt") == "0 overdue attempts"
    assert counted(2, "entry", "entries") == "2 entries" and counted(1, "entry", "entries") == "1 entry"
