"""The item analysis page: the response analysis per option, the "too few attempts" note, full stems."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Response
from app.quizzes import service
from app.quizzes.manual import grade_response
from tests.integration.quizzes.conftest import first_of, login_client


def test_response_analysis_and_too_few_note(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "tf"))
    mcq, tf = first_of("mcq"), first_of("tf")
    wrong = next(o for o in mcq.options if o != mcq.answer)
    for user, answer in ((demo.student, mcq.answer), (demo.student2, wrong)):
        attempt = service.start_attempt(quiz, user)
        service.submit_attempt(attempt, {mcq.id: answer, tf.id: tf.answer})
    stats = service.statistics(quiz)
    rows = {r.label: r for r in stats.responses[mcq.id]}
    assert rows[mcq.answer].count == 1 and rows[mcq.answer].correct and rows[wrong].count == 1
    assert set(rows) == set(mcq.options)
    html = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    assert "Too few attempts (n = 2, fewer than 10)" in html
    assert "too few attempts (n&nbsp;&lt;&nbsp;10)" in html  # discrimination of 2 attempts
    assert "Response analysis" in html and "Top third" in html and "correct</span>" in html
    assert html.count(mcq.uid + ": ") >= 2  # the stem in full: in the table and above its responses


def test_a_pending_essay_is_left_out_not_counted_as_zero_and_shows_graded_by_hand(app, make_quiz, demo):

    quiz = make_quiz(types=("mcq",))
    mcq, essay = first_of("mcq"), first_of("essay")
    service.add_questions(quiz, [essay.id], points=10)
    attempts = []
    for user in (demo.student, demo.student2):
        attempt = service.start_attempt(quiz, user)
        assert service.submit_attempt(attempt, {mcq.id: mcq.answer, essay.id: "Scale meets technology."})
        attempts.append(attempt)

    stats = service.statistics(quiz)
    by_id = {item.question_id: item for item in stats.items}
    # Both essays wait for a person: no attempt counts for the essay, rather than two zeros.
    assert by_id[essay.id].n == 0 and by_id[essay.id].facility is None
    assert by_id[mcq.id].n == 2 and by_id[mcq.id].facility == 100
    assert essay.id not in stats.responses
    assert (stats.hand_graded[essay.id].graded, stats.hand_graded[essay.id].pending) == (0, 2)

    response = db.session.scalars(
        select(Response).where(Response.attempt_id == attempts[0].id, Response.question_id == essay.id)
    ).one()
    grade_response(demo.instructor, response.id, "7", "")
    db.session.expire_all()
    stats = service.statistics(quiz)
    by_id = {item.question_id: item for item in stats.items}
    assert by_id[essay.id].n == 1 and by_id[essay.id].facility == 70  # only the graded one, 7 of 10
    assert (stats.hand_graded[essay.id].graded, stats.hand_graded[essay.id].pending) == (1, 1)

    html = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    assert "Graded by hand: no options to count. 1 graded," in html
    assert "1 waiting for a grade" in html
    assert "1 answer waiting for a grade is left out of the mean" in html


def test_below_ten_attempts_every_spread_statistic_says_too_few_whatever_it_computes(app, make_quiz, demo):
    """Two attempts: the mcq (one right, one wrong) has a computable discrimination, the tf (both right) none;
    both say "too few attempts", not 100% for one and "too few" for the other."""
    quiz = make_quiz(types=("mcq", "tf", "short"))
    mcq, tf, short = first_of("mcq"), first_of("tf"), first_of("short")
    wrong = next(o for o in mcq.options if o != mcq.answer)
    for user, answer, typed in ((demo.student, mcq.answer, short.answer[0]), (demo.student2, wrong, "no")):
        attempt = service.start_attempt(quiz, user)
        service.submit_attempt(attempt, {mcq.id: answer, tf.id: tf.answer, short.id: typed})
    by_id = {item.question_id: item for item in service.statistics(quiz).items}
    assert by_id[mcq.id].discrimination_index is not None and by_id[tf.id].discrimination_index is None
    html = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    table = html[html.index('<table class="table analysis">') : html.index("</table>")]
    rows = re.findall(r"<tr><td>Q\d+</td>.*?</tr>", table, re.S)
    assert len(rows) == 3
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        assert all("too few attempts" in cell for cell in cells[-2:]), cells


@pytest.mark.parametrize(
    ("value", "n", "sd", "shown"),
    [
        (100.0, 2, 50.0, "too few attempts"),
        (None, 2, 0.0, "too few attempts"),
        (None, 12, 0.0, "no spread: everyone scored the same"),
        (None, 12, 30.0, "no spread in the rest of the quiz"),
        (42.0, 12, 30.0, "42.0%"),
        (None, 12, None, "n/a"),
    ],
)
def test_a_statistic_that_needs_spread_gives_the_true_reason_it_is_not_shown(app, value, n, sd, shown):
    macros = app.jinja_env.get_template("quizzes/_stats.html").module
    assert shown in str(macros.reliable(value, n, sd))


def test_a_cloze_stem_shows_its_blanks_as_lines_not_template_text(app, make_quiz, demo):
    quiz = make_quiz(types=("cloze",))
    cloze = first_of("cloze")
    assert "{{1}}" in cloze.stem
    attempt = service.start_attempt(quiz, demo.student)
    service.submit_attempt(attempt, {cloze.id: [cloze.answer[0][0]]})
    html = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    assert "{{1}}" not in html
    assert html.count("_____ (1)") >= 2  # in the table and above its responses
