"""Distractors: same kind, unit and scale; never true; respecting stated comparisons and bounds."""

from __future__ import annotations

from app.generation.distractors import Limits, arrange, figure_options, pick_phrases
from app.generation.drafts import limits_for
from app.generation.figures import extract_figures, parse_option

PENETRATION = "the penetration rate of new energy is only 10.6%, far below the industry average of 40%."


def test_comparison_keeps_every_distractor_below_the_stated_average():
    rate, average = extract_figures(PENETRATION)
    limits = limits_for(rate, [rate, average], PENETRATION)
    assert limits.below == 40
    below, above = figure_options(rate, [rate, average], [], limits)
    values = [parse_option(o.text).value for o in below + above]
    assert values and all(v < 40 for v in values)
    assert 10.6 not in values


def test_the_average_gets_distractors_above_the_rate():
    rate, average = extract_figures(PENETRATION)
    below, above = figure_options(
        average, [rate, average], [], limits_for(average, [rate, average], PENETRATION)
    )
    assert all(parse_option(o.text).value > 10.6 for o in below + above)


def test_a_range_keeps_its_order():
    text = "approval typically takes 60 to 90 days"
    low, high = extract_figures(text)
    assert limits_for(low, [low, high], text) == Limits(below=90, above=None)


def test_an_upper_bound_is_never_answered_by_a_looser_bound():
    (fig,) = extract_figures("sales are less than 20,000")
    below, above = figure_options(fig, [fig], [], Limits())
    assert not above
    assert all(o.text.startswith("less than ") and o.order < 20000 for o in below)


def test_never_another_figure_of_the_same_sentence():
    text = "Nordlicht will hold 60% of the venture and Sunhe 40%."
    sixty, forty = extract_figures(text)
    below, above = figure_options(sixty, [sixty, forty], [], Limits())
    assert "40%" not in [o.text for o in below + above]


def test_article_figures_of_the_same_family_are_offered():
    (fig,) = extract_figures("a US$534 million stake")
    (other,) = extract_figures("a US$310 million grant")
    (euro,) = extract_figures("a €310 million grant")
    below, _ = figure_options(fig, [fig], [(other, "the grant"), (euro, "a grant")], Limits())
    assert below[0].text == "US$310 million" and below[0].origin == "article"
    assert all("€" not in o.text for o in below)


def test_arrange_puts_the_answer_where_asked_in_ascending_order():
    (fig,) = extract_figures("sales of 3.2 million vehicles")
    below, above = figure_options(fig, [fig], [], Limits())
    for position in range(4):
        options, chosen = arrange("3.2 million", 3.2e6, below, above, position)
        assert options.index("3.2 million") == position
        values = [parse_option(o).magnitude for o in options]
        assert values == sorted(values) and len(chosen) == 3


def test_vague_and_multiple_distractors_contradict_the_statement():
    (vague,) = extract_figures("is often tens of billions")
    below, above = figure_options(vague, [vague], [], Limits())
    texts = [o.text for o in below + above]
    assert "billions" not in texts and "tens of billions" not in texts  # "billions" would also be true
    assert {"hundreds of millions", "trillions"} <= set(texts)
    (multiple,) = extract_figures('a margin of "more than twice the sales')
    below, above = figure_options(multiple, [multiple], [], Limits())
    assert {o.text for o in below + above} >= {"less than twice", "about the same as"}


def test_phrase_distractors_skip_what_the_sentence_says():
    chosen = pick_phrases("funding scarcity", ["integration speed", "capital cost", "labour shortages"],
                          "shifts constraints from funding scarcity to integration speed")  # fmt: skip
    assert chosen == ["labour shortages", "capital cost"]  # closest in length first
