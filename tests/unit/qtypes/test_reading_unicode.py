"""Typed answers with Unicode the QA walkthrough tried: emoji after a right word, NFKC forms, non-breaking and
zero-width spaces, lone surrogates, superscript and other non-ASCII digits in numbers."""

from __future__ import annotations

import pytest

from app.qtypes.base import ResponseError
from app.qtypes.reading import accepts, foreign_digit, normalise_text, number_hint, read_number
from app.qtypes.registry import get_type


@pytest.mark.parametrize(
    "typed",
    [
        "symbiosis 🤝",
        "🤝 symbiosis",
        "symbiosis👍🏽",
        "symbiosis ❤️",
        "symbiosis \ufe0f\u20e3",  # a keycap's pieces left over
        "symbiosis\u00a0",
        "\u200bsymbio\u200bsis",
        "sym\u00adbiosis",  # a soft hyphen
        "ＳＹＭＢＩＯＳＩＳ",  # full-width letters, NFKC
        "Symbiosis!",
        "symbiosis \ud83e",  # half of a surrogate pair
    ],
)
def test_noise_around_a_right_word_keeps_it_right(typed):
    assert normalise_text(typed) == "symbiosis"
    assert accepts(["symbiosis"], typed)


@pytest.mark.parametrize(
    ("accepted", "typed"),
    [
        ("symbiosis", "symbiosis 🤝 partnership"),  # a symbol between words is not trimmed into a match
        ("symbiosis", "sym🤝biosis"),
        ("C++", "C"),  # maths symbols are part of the answer
        ("US$", "US"),  # and currency marks
        ("नमस्ते", "नमस्त"),  # a letter's own combining vowel sign is not noise
        ("22", "2²"),  # a superscript is not trimmed into a different number
    ],
)
def test_genuinely_different_answers_stay_different(accepted, typed):
    assert not accepts([accepted], typed)


def test_cloze_and_short_graders_share_the_rule():
    short = {"type": "short", "answer": ["symbiosis"]}
    assert get_type("short").grade(short, "symbiosis 🤝").correct
    cloze = {"type": "cloze", "stem": "A {{1}}.", "answer": [["symbiosis"]]}
    assert get_type("cloze").grade(cloze, ["symbiosis 🤝"]).correct


@pytest.mark.parametrize("typed", ["²", "2²", "³⁄₄", "½", "٣", "۳", "Ⅻ", "①"])
def test_numbers_with_superscripts_or_other_scripts_digits_are_refused_naming_the_character(typed):
    with pytest.raises(ResponseError, match="type digits 0-9"):
        read_number(typed)
    assert foreign_digit(typed) is not None


def test_full_width_digits_are_read_as_the_same_digits():
    assert read_number("５３４") == 534.0
    assert foreign_digit("５３４ million") is None


@pytest.mark.parametrize(
    ("unit", "example"),
    [
        ("HK$ per share", "55.29"),
        ("US$ billion", "55.29"),
        ("%", "10.6 or 0.5"),
        ("percentage points", "10.6 or 0.5"),
        ("vehicles", "534 or 1,234.5"),
        ("thousand vehicles", "534 or 1,234.5"),
        ("", "534, 534 million or 10.6%"),
    ],
)
def test_the_number_hint_gives_an_example_that_fits_the_unit(unit, example):
    hint = number_hint(unit)
    assert example in hint and "digits 0-9" in hint
    if unit and unit != "%" and "percent" not in unit:  # no percentage, no scale word against a unit
        assert "%" not in hint and "million" not in hint


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1e5", 1e5), ("1.5E3", 1500.0), (" -1.2345678901234567e+19 ", -1.2345678901234567e19)],
)
def test_scientific_notation_reads_as_moodle_reads_it(typed, value):
    assert read_number(typed, "vehicles") == value


@pytest.mark.parametrize(
    ("typed", "why"), [("1e309", "too large"), ("1e5 million", "not a unit"), ("e5", "not a unit")]
)
def test_scientific_notation_that_overflows_or_carries_words_is_refused(typed, why):
    with pytest.raises(ResponseError, match=why):
        read_number(typed)
