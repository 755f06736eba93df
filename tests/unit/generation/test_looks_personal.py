"""A two- or three-word capitalised name reads as a person's unless one of its words is a company word."""

from __future__ import annotations

import pytest

from app.generation.clauses import looks_personal


@pytest.mark.parametrize(
    "name", ["Nordvind Power", "Halvorsen Mining", "Cobalt Ridge Resources", "Meridian Software", "Arden Oil"]
)
def test_a_company_named_by_its_trade_is_not_a_person(name):
    assert looks_personal(name) is False


@pytest.mark.parametrize("name", ["Tom Hale", "Makoto Uchida", "Anna Maria Lind"])
def test_a_persons_name_still_is(name):
    assert looks_personal(name) is True
