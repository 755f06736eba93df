"""Moodle's response analysis as a pure function: counts per option, shares of the top and bottom thirds."""

from __future__ import annotations

import pytest

from app.quizzes.analysis import NO_ANSWER, OTHER, response_analysis

MCQ = {"type": "mcq", "options": ["Alpha", "Beta", "Gamma"], "answer": "Beta"}


def by_label(rows):
    return {r.label: r for r in rows}


def test_mcq_counts_and_thirds():
    # Six attempts ranked by total: the top two chose Beta (right), the bottom two Gamma; one blank.
    responses = [
        ("Beta", 1.0, 10.0),
        ("Beta", 1.0, 9.0),
        ("Alpha", 0.0, 6.0),
        (None, None, 5.0),
        ("Gamma", 0.0, 2.0),
        ("Gamma", 0.0, 1.0),
    ]
    rows = by_label(response_analysis(MCQ, responses))
    assert list(rows) == ["Alpha", "Beta", "Gamma", NO_ANSWER]
    assert rows["Beta"].correct and not rows["Alpha"].correct
    assert [rows[k].count for k in rows] == [1, 2, 2, 1]
    assert rows["Beta"].share == pytest.approx(100 * 2 / 6)
    assert (rows["Beta"].top_share, rows["Beta"].bottom_share) == (100.0, 0.0)
    assert (rows["Gamma"].top_share, rows["Gamma"].bottom_share) == (0.0, 100.0)
    assert rows["Alpha"].top_share == rows["Alpha"].bottom_share == 0.0


def test_an_option_nobody_chose_is_listed_with_zero_and_no_blank_row_without_blanks():
    rows = by_label(response_analysis(MCQ, [("Beta", 1.0, 3.0), ("Alpha", 0.0, 1.0), ("Beta", 1.0, 2.0)]))
    assert rows["Gamma"].count == 0 and NO_ANSWER not in rows
    assert rows["Beta"].top_share == 100.0 and rows["Alpha"].bottom_share == 100.0


def test_fewer_than_three_attempts_have_no_thirds():
    rows = response_analysis(MCQ, [("Beta", 1.0, 3.0), ("Alpha", 0.0, 1.0)])
    assert all(r.top_share is None and r.bottom_share is None for r in rows)
    assert by_label(rows)["Beta"].share == 50.0
    assert all(r.share is None for r in response_analysis(MCQ, []))


def test_tf_and_multi():
    tf = by_label(response_analysis({"type": "tf", "answer": False}, [(False, 1.0, 2.0), (True, 0.0, 1.0)]))
    assert tf["False"].correct and tf["False"].count == 1 and tf["True"].count == 1
    multi = {"type": "multi", "options": ["a", "b", "c"], "answer": ["a", "c"]}
    rows = by_label(
        response_analysis(multi, [(["a", "c"], 1.0, 3.0), (["a", "b"], 0.0, 2.0), (None, None, 0.0)])
    )
    assert [rows[k].count for k in ("a", "b", "c", NO_ANSWER)] == [2, 1, 1, 1]
    assert rows["a"].correct and rows["c"].correct and not rows["b"].correct
    assert (rows["c"].top_share, rows["c"].bottom_share) == (100.0, 0.0)


def test_typed_answers_show_the_most_common_then_the_rest():
    short = {"type": "short", "answer": ["Leapmotor"]}
    answers = ["Leapmotor"] * 4 + ["leap motor"] * 3 + ["FAW", "Stellantis", "BYD", "Geely", "Nio"]
    responses = [
        (a, 1.0 if a == "Leapmotor" else 0.0, float(len(answers) - i)) for i, a in enumerate(answers)
    ]
    rows = response_analysis(short, responses)
    labels = [r.label for r in rows]
    assert labels[:2] == ["Leapmotor", "leap motor"] and labels[-1] == OTHER and len(labels) == 6
    assert rows[0].correct and not rows[1].correct
    assert rows[-1].count == 2  # the two least common of the five singletons
    assert sum(r.count for r in rows) == len(answers)
    numeric = response_analysis({"type": "numeric"}, [(1.5, 1.0, 1.0), (2, 0.0, 0.0)])
    assert [r.label for r in numeric] == ["1.5", "2"]
    matching = response_analysis({"type": "matching"}, [({"FAW": "state-owned"}, 1.0, 1.0)])
    assert matching[0].label == "FAW → state-owned" and matching[0].correct
