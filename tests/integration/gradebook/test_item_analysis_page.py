"""The item analysis page: the response analysis per option, the "too few attempts" note, full stems."""

from __future__ import annotations

from app.quizzes import service
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
