"""Gradebook by grading method, the CSV export, item analysis page and `flask quiz stats`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 3.0), ("last", 1.0), ("first", 2.0), ("average", 2.0)]
)
def test_final_grade_by_method(method, expected):
    assert service.final_grade([2.0, 3.0, 1.0], method) == expected


def _take(quiz, user, answers):
    attempt = service.start_attempt(quiz, user)
    assert service.submit_attempt(attempt, answers) is True
    return attempt


def test_gradebook_and_csv(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "tf"), attempts_allowed=0, grading_method="average")
    mcq, tf = first_of("mcq"), first_of("tf")
    wrong = next(o for o in mcq.options if o != mcq.answer)
    _take(quiz, demo.student, {mcq.id: mcq.answer, tf.id: tf.answer})
    _take(quiz, demo.student, {mcq.id: wrong, tf.id: tf.answer})
    client = login_client(app, "instructor")
    page = client.get(f"/quizzes/{quiz.id}/gradebook").get_data(as_text=True)
    assert "Sam Student" in page and "Lee Student" in page and "75.0%" in page
    response = client.get(f"/quizzes/{quiz.id}/grades.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["username", "display_name", "grade", "max_points", "percentage", "attempts"]
    by_user = {row[0]: row for row in rows[1:]}
    assert by_user["student"] == ["student", "Sam Student", "1.5", "2", "75", "2"]
    assert by_user["student2"] == ["student2", "Lee Student", "", "2", "", "0"]
    quiz.grading_method = "highest"
    assert {row.student.username: row.grade for row in service.gradebook(quiz)}["student"] == 2.0


def test_grades_csv_does_not_hand_a_formula_to_the_spreadsheet(app, make_quiz, demo):
    quiz = make_quiz(types=("tf",))
    demo.student.display_name = '=HYPERLINK("http://evil.example","Grades")'
    demo.student2.display_name = "-2+3"
    app.extensions["sqlalchemy"].session.commit()
    response = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/grades.csv")
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    assert rows["student"][1] == '\'=HYPERLINK("http://evil.example","Grades")'
    assert rows["student2"][1] == "'-2+3"


def test_item_analysis_page_and_cli_use_first_attempts(app, make_quiz, demo, runner):
    quiz = make_quiz(types=("mcq", "tf"), attempts_allowed=0)
    mcq, tf = first_of("mcq"), first_of("tf")
    wrong = next(o for o in mcq.options if o != mcq.answer)
    _take(quiz, demo.student, {mcq.id: mcq.answer, tf.id: tf.answer})
    _take(quiz, demo.student2, {mcq.id: wrong, tf.id: tf.answer})
    _take(quiz, demo.student2, {mcq.id: mcq.answer, tf.id: tf.answer})  # a second attempt: not counted
    client = login_client(app, "instructor")
    page = client.get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    assert "<svg" in page and "facility 50.0%" in page and "first" in page
    result = runner.invoke(args=["quiz", "stats", str(quiz.id), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["test"]["n_attempts"] == 2
    facility = {item["question_id"]: item["facility"] for item in data["items"]}
    assert facility == {mcq.id: 50.0, tf.id: 100.0}
    missing = runner.invoke(args=["quiz", "stats", "9999"])
    assert missing.exit_code != 0 and "No quiz" in missing.output
