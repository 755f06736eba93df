"""The pure grade of one student on one quiz: grading methods, pending hand grades, the counted attempt."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.gradebook.grades import AttemptRow, average_percentage, feedback_open, grade_cell


def rows(*scores, state="submitted"):
    return [AttemptRow(i + 10, i + 1, state, s, 4.0) for i, s in enumerate(scores)]


@pytest.mark.parametrize(
    ("method", "grade", "counted"),
    [("highest", 3.0, 11), ("last", 1.0, 12), ("first", 2.0, 10), ("average", 2.0, 12)],
)
def test_each_method_and_the_attempt_it_counts(method, grade, counted):
    cell = grade_cell(rows(2.0, 3.0, 1.0), method, 9.0)
    assert (cell.state, cell.grade, cell.counted, cell.finished) == ("graded", grade, counted, 3)
    assert cell.max_points == 4.0  # the attempt's own maximum wins over the quiz's current one
    assert cell.percentage == pytest.approx(25 * grade)


def test_attempts_given_out_of_order_are_sorted_by_number():
    given = list(reversed(rows(2.0, 3.0, 1.0)))
    assert grade_cell(given, "first", 4.0).grade == 2.0
    assert grade_cell(given, "last", 4.0).grade == 1.0


def test_no_attempt_and_in_progress_only():
    assert grade_cell([], "highest", 5.0).state == "none"
    cell = grade_cell(rows(None, state="in_progress"), "highest", 5.0)
    assert (cell.state, cell.grade, cell.max_points, cell.in_progress) == ("in_progress", None, 5.0, True)
    both = grade_cell([*rows(2.0), AttemptRow(99, 2, "in_progress", None, None)], "last", 4.0)
    assert (both.state, both.grade, both.in_progress) == ("graded", 2.0, True)


@pytest.mark.parametrize(
    ("method", "state"),
    [
        ("highest", "needs_grading"),
        ("average", "needs_grading"),
        ("first", "graded"),
        ("last", "needs_grading"),
    ],
)
def test_a_pending_hand_grade_holds_back_only_grades_that_depend_on_it(method, state):
    cell = grade_cell(rows(2.0, None), method, 4.0)
    assert cell.state == state
    assert (cell.grade is None) == (state == "needs_grading")


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown grading method"):
        grade_cell(rows(1.0), "median", 4.0)


def test_average_percentage_and_feedback_timing():
    cells = [
        grade_cell(rows(4.0), "highest", 4.0),
        grade_cell(rows(1.0), "highest", 4.0),
        grade_cell([], "last", 4.0),
    ]
    assert average_percentage(cells) == pytest.approx(62.5)
    assert average_percentage(cells[2:]) is None
    now = datetime(2026, 5, 1, tzinfo=UTC)
    assert feedback_open("after_submission", None, now)
    assert not feedback_open("after_close", datetime(2026, 6, 1, tzinfo=UTC), now)
    assert feedback_open("after_close", datetime(2026, 4, 1, tzinfo=UTC), now)


def test_a_quiz_that_does_not_count_is_left_out_of_the_average():
    """The tester's case: a 0 on the practice quiz must not pull 81% down to 40%."""
    cells = [grade_cell(rows(3.24), "highest", 4.0), grade_cell(rows(0.0), "highest", 4.0)]
    assert average_percentage(cells) == pytest.approx(40.5)
    assert average_percentage(cells, [True, False]) == pytest.approx(81.0)
    assert average_percentage(cells, [False, False]) is None
    with pytest.raises(ValueError):
        average_percentage(cells, [True])
