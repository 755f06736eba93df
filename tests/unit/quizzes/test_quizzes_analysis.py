"""Item analysis against an independent numpy computation of Moodle's formulas, plus the edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from app.qtypes.schema import parse_question
from app.quizzes.analysis import ItemStats, TestStats, analyse, random_guess_score, to_json

QIDS = ["q1", "q2", "q3", "q4", "q5"]
MAX = {"q1": 1.0, "q2": 1.0, "q3": 2.0, "q4": 1.0, "q5": 3.0}
# 8 attempts x 5 items, mixed partial credit (q3 out of 2, q5 out of 3).
SCORES = np.array(
    [
        [1.0, 1.0, 2.0, 1.0, 3.0],
        [1.0, 0.5, 1.5, 1.0, 2.0],
        [1.0, 1.0, 1.0, 0.0, 2.5],
        [0.0, 0.5, 1.0, 1.0, 1.0],
        [1.0, 0.0, 0.5, 0.0, 1.5],
        [0.0, 0.0, 0.0, 1.0, 0.5],
        [1.0, 1.0, 2.0, 0.0, 2.0],
        [0.0, 0.5, 0.5, 0.0, 0.0],
    ]
)
MATRIX = [dict(zip(QIDS, row.tolist(), strict=True)) for row in SCORES]


def numpy_expected(scores: np.ndarray, max_scores: np.ndarray) -> tuple[dict, list[dict]]:
    """Moodle's statistics written from textbook definitions, independently of app.quizzes.analysis."""
    n, k = scores.shape
    totals = scores.sum(axis=1)
    items = []
    for i in range(k):
        x = scores[:, i]
        rest = totals - x
        cov = np.cov(x, rest, ddof=1)[0, 1]
        cov_max = np.cov(np.sort(x), np.sort(rest), ddof=1)[0, 1]
        with np.errstate(invalid="ignore", divide="ignore"):  # a constant item has no correlation (NaN)
            items.append(
                {
                    "facility": 100 * x.mean() / max_scores[i],
                    "sd": 100 * x.std(ddof=1) / max_scores[i],
                    "discrimination_index": 100 * np.corrcoef(x, rest)[0, 1],
                    "discriminative_efficiency": 100 * cov / cov_max,
                }
            )
    d = totals - totals.mean()
    g1 = (d**3).mean() / (d**2).mean() ** 1.5
    g2 = (d**4).mean() / (d**2).mean() ** 2 - 3
    var_t = totals.var(ddof=1)
    alpha = k / (k - 1) * (1 - scores.var(axis=0, ddof=1).sum() / var_t)
    top = max_scores.sum()
    test = {
        "mean": 100 * totals.mean() / top,
        "median": 100 * np.median(totals) / top,
        "sd": 100 * totals.std(ddof=1) / top,
        # Sample-adjusted skewness G1 and excess kurtosis G2 (what Moodle's k-statistics reduce to).
        "skewness": math.sqrt(n * (n - 1)) / (n - 2) * g1,
        "kurtosis": (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6),
        "alpha": 100 * alpha,
        "error_ratio": 100 * math.sqrt(1 - alpha),
        "standard_error": 100 * totals.std(ddof=1) * math.sqrt(1 - alpha) / top,
    }
    return test, items


def test_realistic_matrix_matches_numpy():
    test, items = analyse(MATRIX, MAX)
    expected_test, expected_items = numpy_expected(SCORES, np.array([MAX[q] for q in QIDS]))
    assert test.n_attempts == 8 and test.max_total == 8.0
    for name, value in expected_test.items():
        assert getattr(test, name) == pytest.approx(value, rel=1e-9), name
    assert [item.question_id for item in items] == QIDS
    for item, expected in zip(items, expected_items, strict=True):
        assert item.n == 8
        for name, value in expected.items():
            assert getattr(item, name) == pytest.approx(value, rel=1e-9), (item.question_id, name)


def test_realistic_matrix_spot_values():
    # A few figures worked by hand, so a shared mistake in both computations would still show.
    test, items = analyse(MATRIX, MAX)
    assert items[0].facility == pytest.approx(62.5)  # 5 of 8 right
    assert items[2].facility == pytest.approx(100 * 8.5 / 8 / 2)
    assert test.mean == pytest.approx(100 * 34.5 / 8 / 8)  # totals sum to 34.5
    assert test.median == pytest.approx(100 * 4.5 / 8)  # totals sorted: 1 1.5 3 3.5 5.5 6 6 8


def test_random_guess_scores_with_questions():
    base = {"stem": "A question stem long enough.", "topic": "key-figures"}
    questions = {
        "q1": {"type": "mcq", "options": ["a", "b", "c", "d"], "answer": "a"},
        "q2": {"type": "tf", "answer": True},
        "q3": {"type": "multi", "options": ["a", "b", "c", "d"], "answer": ["a", "b"]},
        "q4": {"type": "matching", "answer": [{"left": f"l{i}", "right": f"r{i}"} for i in range(4)]},
        "q5": {"type": "numeric", "answer": {"value": 5}},
    }
    dumped = {q: parse_question({**base, "id": f"id-{q}", **d}).model_dump() for q, d in questions.items()}
    _, items = analyse(MATRIX, MAX, dumped)
    # multi, 2 right of 4, picking 2 at random: 1/6 both right (1), 4/6 one of each (1/2 - 1/2 = 0),
    # 1/6 both wrong (clamped 0) -> 1/6.
    assert [item.random_guess for item in items] == pytest.approx([25.0, 50.0, 100 / 6, 25.0, 0.0])
    _, without = analyse(MATRIX, MAX)
    assert all(item.random_guess is None for item in without)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ({"type": "mcq", "options": ["a", "b", "c"]}, 1 / 3),
        ({"type": "multi", "options": ["a", "b", "c"], "answer": ["a"]}, 1 / 3),
        # 3 right of 5, pick 3: 1/10 all right (1), 6/10 two right (2/3 - 1/2), 3/10 one right (clamped 0)
        ({"type": "multi", "options": ["a", "b", "c", "d", "e"], "answer": ["a", "b", "c"]}, 0.2),
        ({"type": "cloze"}, 0.0),
        ({"type": "short"}, 0.0),
        ({"type": "essay"}, 0.0),
        ({"type": "no-such-type"}, None),
    ],
)
def test_random_guess_score(question, expected):
    assert random_guess_score(question) == (pytest.approx(expected) if expected is not None else None)


def test_one_attempt():
    test, items = analyse([MATRIX[1]], MAX)
    assert test.n_attempts == 1
    assert test.mean == test.median == pytest.approx(100 * 6.0 / 8)
    assert (test.sd, test.skewness, test.kurtosis, test.alpha, test.error_ratio, test.standard_error) == (
        None,
    ) * 6
    assert items[0].facility == 100.0 and items[1].facility == 50.0
    assert all(
        i.sd is None and i.discrimination_index is None and i.discriminative_efficiency is None for i in items
    )


def test_no_attempts():
    test, items = analyse([], MAX)
    assert test == TestStats(0, None, None, None, None, None, None, None, None, 8.0)
    assert all(item.n == 0 and item.facility is None for item in items)


def test_all_correct_has_no_spread_to_analyse():
    test, items = analyse([dict(MAX) for _ in range(5)], MAX)
    assert test.mean == test.median == 100.0
    assert test.sd == 0.0
    assert (test.skewness, test.kurtosis, test.alpha, test.error_ratio, test.standard_error) == (None,) * 5
    for item in items:
        assert item.facility == 100.0 and item.sd == 0.0
        assert item.discrimination_index is None and item.discriminative_efficiency is None


def test_zero_variance_item_among_varying_ones():
    rows = [{**row, "q4": 0.3} for row in MATRIX]  # 0.3 is not exact in binary: no float-noise variance
    test, items = analyse(rows, MAX)
    q4 = items[3]
    assert q4.sd == 0.0 and q4.facility == pytest.approx(30.0)
    assert q4.discrimination_index is None and q4.discriminative_efficiency is None
    assert test.alpha is not None
    assert items[0].discrimination_index is not None


def test_item_nobody_got_right():
    rows = [{**row, "q2": 0.0} for row in MATRIX]
    test, items = analyse(rows, MAX)
    assert items[1].facility == 0.0 and items[1].sd == 0.0
    assert items[1].discrimination_index is None and items[1].discriminative_efficiency is None
    scores = SCORES.copy()
    scores[:, 1] = 0.0
    expected_test, _ = numpy_expected(scores, np.array([MAX[q] for q in QIDS]))
    assert test.alpha == pytest.approx(expected_test["alpha"])


def test_question_nobody_was_given_and_unanswered_none():
    max_scores = {**MAX, "q6": 1.0}
    rows = [{**row, "q5": None} if i % 2 else row for i, row in enumerate(MATRIX)]
    test, items = analyse(rows, max_scores)
    q5, q6 = items[4], items[5]
    assert q6 == ItemStats("q6", None, None, None, None, None, 0)
    assert q5.n == 8  # None means seen but unanswered: it counts, as 0
    assert q5.facility == pytest.approx(100 * (3.0 + 2.5 + 1.5 + 2.0) / 8 / 3)
    assert test.max_total == 9.0


def test_partial_presence_uses_only_attempts_with_the_item():
    rows = [dict(row) for row in MATRIX]
    for row in rows[:3]:
        del row["q1"]
    _, items = analyse(rows, MAX)
    x = SCORES[3:, 0]
    rest = SCORES[3:].sum(axis=1) - x
    assert items[0].n == 5
    assert items[0].facility == pytest.approx(100 * x.mean())
    assert items[0].discrimination_index == pytest.approx(100 * np.corrcoef(x, rest)[0, 1])


def test_single_item_has_no_alpha():
    rows = [{"q1": v} for v in (0.0, 1.0, 1.0, 0.0, 1.0)]
    test, items = analyse(rows, {"q1": 1.0})
    assert test.alpha is None and test.error_ratio is None and test.standard_error is None
    assert test.sd == pytest.approx(100 * np.std([0, 1, 1, 0, 1], ddof=1))
    # the rest of the test is empty (always 0): no correlation to speak of
    assert items[0].discrimination_index is None


def test_two_and_three_attempts_skewness_and_kurtosis_thresholds():
    test2, _ = analyse(MATRIX[:2], MAX)
    assert test2.sd is not None and test2.skewness is None and test2.kurtosis is None
    assert test2.alpha is not None
    test3, _ = analyse(MATRIX[:3], MAX)
    assert test3.skewness is not None and test3.kurtosis is None


def test_discriminative_efficiency_is_100_for_a_perfectly_ordered_item():
    rows = [{"a": a, "b": b} for a, b in [(0, 0), (0, 1), (1, 1), (1, 2), (1, 3)]]
    _, items = analyse(rows, {"a": 1, "b": 3})
    assert items[0].discriminative_efficiency == pytest.approx(100.0)
    assert 0 < items[0].discrimination_index < 100


def test_negative_discrimination():
    rows = [{"a": a, "b": b} for a, b in [(1, 0), (1, 0), (0, 1), (0, 1), (1, 1)]]
    _, items = analyse(rows, {"a": 1, "b": 1})
    assert items[0].discrimination_index < 0 and items[0].discriminative_efficiency < 0


@pytest.mark.parametrize(
    ("matrix", "max_scores", "message"),
    [
        ([{"zz": 1.0}], {"q1": 1.0}, "attempt 1 scores question 'zz', which has no max score"),
        ([{"q1": "1"}], {"q1": 1.0}, "attempt 1 scores question 'q1' as '1'"),
        ([{"q1": float("nan")}], {"q1": 1.0}, "use a number or None"),
        ([], {"q1": -1.0}, "max score of question 'q1' is -1.0"),
    ],
)
def test_bad_input_names_the_problem(matrix, max_scores, message):
    with pytest.raises(ValueError, match=message):
        analyse(matrix, max_scores)


def test_zero_max_score_gives_no_percentages():
    _, items = analyse([{"a": 0.0, "b": 1.0}, {"a": 0.0, "b": 0.0}], {"a": 0.0, "b": 1.0})
    assert items[0].facility is None and items[0].sd is None


def test_to_json_round_trips_through_json():
    test, items = analyse(MATRIX[:1], MAX)
    data = json.loads(json.dumps(to_json(test, items)))
    assert data["test"]["n_attempts"] == 1 and data["test"]["alpha"] is None
    assert [item["question_id"] for item in data["items"]] == QIDS
    assert list(data["items"][0]) == [
        "question_id",
        "facility",
        "sd",
        "random_guess",
        "discrimination_index",
        "discriminative_efficiency",
        "n",
    ]


def test_the_chart_draws_no_discrimination_bar_below_ten_attempts_as_the_table_says():
    from app.quizzes.analysis import ItemStats
    from app.quizzes.charts import item_chart

    few = ItemStats("q1", 50.0, 10.0, None, 80.0, 60.0, n=3)
    enough = ItemStats("q2", 50.0, 10.0, None, 80.0, 60.0, n=12)
    svg = str(item_chart([few, enough]))
    assert "Q1 facility 50.0%" in svg  # facility is shown at any size
    assert "Q1 discrimination" not in svg and "too few attempts (n &lt; 10)" in svg
    assert "Q2 discrimination 80.0%" in svg
