"""What an essay's rubric adds up to, read from the weights its criteria state."""

from __future__ import annotations

import pytest

from app.qtypes.essay import rubric_total

SEEDED = """- **What each side brings and needs (4 points):** FAW's scale against its weakness.
- **Use of the article's figures (2 points):** 3.2 million vs nearly 300,000 vehicles in 2024.
- **One risk, weighed (2 points):** loss of product uniqueness.
- **A reasoned recommendation (2 points):** a clear yes/no/conditional answer."""


@pytest.mark.parametrize(
    ("rubric", "total"),
    [
        (SEEDED, 10.0),
        ("Thesis (1 point). Evidence (2 pts). Style (0,5 marks).", 3.5),
        ("Structure (3 POINTS) and evidence (2 Points)", 5.0),
    ],
)
def test_a_rubric_with_stated_weights_adds_them_up(rubric, total):
    assert rubric_total(rubric) == pytest.approx(total)


@pytest.mark.parametrize(
    "rubric",
    [
        "",
        None,
        "Use 3.2 million vehicles and 2 points of view.",  # numbers that are not weights
        "Anything (0 points)",
        "A long run (" + "9" * 20 + " points)",  # more digits than a weight has
    ],
)
def test_a_rubric_without_weights_has_no_total(rubric):
    assert rubric_total(rubric) is None
