"""Figure extraction: unit, scale, qualifier and kind of each figure a sentence states."""

from __future__ import annotations

import pytest

from app.generation.figures import extract_figures, option_text, parse_option, write_like


def _only(text: str):
    figs = extract_figures(text)
    assert len(figs) == 1, figs
    return figs[0]


@pytest.mark.parametrize(
    ("text", "kind", "value", "scale", "currency", "unit", "qualifier"),
    [
        ("FAW took a US$534 million stake.", "money", 534, "million", "US$", "", ""),
        ("a $400 billion market", "money", 400, "billion", "$", "", ""),
        ("at HK$55.29 per share", "per-share", 55.29, "", "HK$", "per share", ""),
        ("sales of 3.2 million vehicles", "count", 3.2, "million", "", "vehicles", ""),
        ("It will deliver nearly 300,000 vehicles", "count", 300000, "", "", "vehicles", "nearly"),
        ("a range of 1,000 kilometers", "distance", 1000, "", "", "kilometers", ""),
        (
            "The more than 1.2 billion kilometers of data",
            "distance",
            1.2,
            "billion",
            "",
            "kilometers",
            "more than",
        ),
        ("the penetration rate is only 10.6%", "percent", 10.6, "", "", "%", "only"),
        ("revenue of 1.1 billion reais", "money", 1.1, "billion", "reais", "", ""),
        ("which already has 410,000 active users", "count", 410000, "", "", "active users", ""),
        ("a 20 GWh plant", "count", 20, "", "", "GWh", ""),
    ],
)
def test_figures_carry_unit_scale_and_qualifier(text, kind, value, scale, currency, unit, qualifier):
    fig = _only(text)
    assert (fig.kind, fig.value, fig.scale, fig.currency, fig.unit, fig.qualifier) == (
        kind, value, scale, currency, unit, qualifier,
    )  # fmt: skip


def test_dates_years_multiples_and_vague_quantities():
    figs = extract_figures(
        'On March 3, 2025, sales rose in 2024 to "more than twice the level", costing tens of billions.'
    )
    assert [(f.kind, f.number) for f in figs] == [
        ("date", "March 3, 2025"),
        ("year", "2024"),
        ("multiple", "twice"),
        ("vague", "tens of billions"),
    ]
    assert figs[2].qualifier == "more than" and figs[2].bound == "lower"


def test_year_as_adjective_is_a_year_but_a_counted_noun_makes_a_count():
    assert _only("Q1 2025 revenue rose").kind == "year"
    assert _only("below the 2024 spot average").kind == "year"
    assert _only("it sold 2024 vehicles").kind == "count"


def test_ordinal_half_is_not_a_multiple():
    assert [f.kind for f in extract_figures("start in the second half of 2027")] == ["year"]


def test_bounds_from_qualifiers():
    assert _only("sales are less than 20,000").bound == "upper"
    assert _only("over 500,000 vehicles").bound == "lower"
    assert _only("about 250,000 vehicles").bound == "approx"


def test_format_number_follows_the_written_form():
    assert write_like(450000, "300,000") == "450,000"
    assert write_like(1068, "534") == "1,068"
    assert write_like(15.9, "10.6") == "15.9"
    assert write_like(2000, "1000") == "2000"


def test_option_text_keeps_bounds_and_drops_emphasis():
    assert option_text(_only("only 10.6%")) == "10.6%"
    assert option_text(_only("less than 20,000")) == "less than 20,000"
    assert option_text(_only("RMB 5.6 billion"), 2.8) == "RMB 2.8 billion"


def test_parse_option_reads_options_back():
    assert parse_option("US$801 million").magnitude == pytest.approx(801e6)
    assert parse_option("fewer than 8").value == 8
    assert parse_option("Leapmotor") is None
