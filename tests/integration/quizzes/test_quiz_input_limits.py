"""Input the QA walkthrough found misread: absurd item points, superscript digits in numeric answers, emoji
after a right typed answer. Each is refused with a message (nothing written) or read as the student meant."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import QuizItem, Response
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client


def _points(quiz_id: int) -> list[float]:
    db.session.expire_all()
    return list(db.session.scalars(select(QuizItem.points).where(QuizItem.quiz_id == quiz_id)))


@pytest.mark.parametrize(
    "typed", ["Infinity", "12345678901234567890", "1e-9", "NaN", "-1", "0", "1001", "lots"]
)
def test_out_of_range_item_points_are_refused_beside_the_box(app, make_quiz, typed):
    quiz = make_quiz(types=("mcq",))
    item = quiz.items[0]
    client = login_client(app, "instructor")
    response = client.post(f"/quizzes/{quiz.id}/items/{item.id}", data={"action": "points", "points": typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="item-{item.id}-points-error"' in page and "from 0.01 to 1000" in page
    assert _points(quiz.id) == [1.0]
    assert "inf points" not in client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)


@pytest.mark.parametrize("typed", ["Infinity", "1e-9", "1001"])
def test_out_of_range_points_for_new_questions_and_draws_write_nothing(app, make_quiz, typed):
    quiz = make_quiz(types=("mcq",))
    client = login_client(app, "instructor")
    tf = first_of("tf")
    client.post(f"/quizzes/{quiz.id}/items/add", data={"question_id": str(tf.id), "points": typed})
    draw = {"draw_topic": tf.topic, "draw_count": "1", "points": typed}
    assert client.post(f"/quizzes/{quiz.id}/items/draw", data=draw).status_code == 422
    assert _points(quiz.id) == [1.0]
    for bad in (float("inf"), float("nan"), 1e-9, 1e19):
        with pytest.raises(service.QuizError, match="from 0.01 to 1000"):
            service.add_questions(quiz, [tf.id], bad)
        with pytest.raises(service.QuizError, match="from 0.01 to 1000"):
            service.add_draw(quiz, tf.topic, 1, bad)
    assert _points(quiz.id) == [1.0]


def test_analysis_survives_an_item_stored_with_infinite_points(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "tf"))
    attempt = service.start_attempt(quiz, demo.student)
    service.submit_attempt(attempt, {})
    quiz.items[0].points = float("inf")  # written before the builder checked points
    db.session.commit()
    page = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/analysis")
    assert page.status_code == 200
    assert "points that are not a number from 0.01 to 1000" in page.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["²", "2²", "½", "٣"])
def test_numeric_answers_with_superscripts_or_other_digits_are_refused(app, make_quiz, typed):
    quiz = make_quiz(types=("numeric",))
    numeric = first_of("numeric")
    client = login_client(app, "student")
    attempt_id = int(client.post(f"/quizzes/{quiz.id}/start").headers["Location"].rstrip("/").split("/")[-1])
    body = {"question_id": numeric.id, "answer": typed, "seq": 1}
    response = client.post(f"/quizzes/attempts/{attempt_id}/save", json=body)
    assert response.status_code == 422 and response.json["error"]["code"] == "bad_answer"
    assert "type digits 0-9" in response.json["error"]["message"]
    assert db.session.scalar(select(Response.id).where(Response.attempt_id == attempt_id)) is None


@pytest.mark.parametrize("number", [-12345678901234567890, 1.5e3, 12345678901234567890])
def test_a_json_number_saved_by_autosave_does_not_block_the_form_that_shows_it(app, make_quiz, number):
    """A JSON number is stored as a float and the page shows it as Python writes it (-1.2345678901234567e+19);
    the form post, sending that text back, had been refused ("'e' is not a unit"), so Finish failed."""
    quiz = make_quiz(types=("numeric",))
    numeric = first_of("numeric")
    client = login_client(app, "student")
    attempt_id = int(client.post(f"/quizzes/{quiz.id}/start").headers["Location"].rstrip("/").split("/")[-1])
    body = {"question_id": numeric.id, "answer": number, "seq": 1}
    assert client.post(f"/quizzes/attempts/{attempt_id}/save", json=body).status_code == 200
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    shown = re.search(rf'name="q-{numeric.id}"[^>]*value="([^"]*)"', page).group(1)
    finished = client.post(
        f"/quizzes/attempts/{attempt_id}",
        data={f"q-{numeric.id}": shown, f"seq-{numeric.id}": "1", "finish": "1"},
    )
    assert finished.status_code == 302 and finished.headers["Location"].endswith("/summary")
    db.session.expire_all()
    stored = db.session.scalar(select(Response.answer).where(Response.attempt_id == attempt_id))
    assert float(stored) == pytest.approx(float(number))


@pytest.mark.parametrize("suffix", [" 🤝", "🤝", " 👍🏽", " ❤️", "\u00a0", "\u200b"])
def test_a_right_short_answer_with_an_emoji_or_invisible_space_at_the_end_is_right(
    app, make_quiz, demo, suffix
):
    quiz = make_quiz(types=("short",))
    short = first_of("short")
    attempt = service.start_attempt(quiz, demo.student)
    service.submit_attempt(attempt, {short.id: short.answer[0] + suffix})
    db.session.expire_all()
    row = db.session.scalar(select(Response).where(Response.attempt_id == attempt.id))
    assert row.fraction == 1.0


def test_the_gradebook_marks_a_grade_with_answers_still_to_grade_as_provisional(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq",))
    mcq, essay = first_of("mcq"), first_of("essay")
    service.add_questions(quiz, [essay.id], points=1)
    attempt = service.start_attempt(quiz, demo.student)
    service.submit_attempt(attempt, {mcq.id: mcq.answer, essay.id: "Scale meets technology."})
    html = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/gradebook").get_data(as_text=True)
    row = next(r for r in html.split("<tr>") if f"({demo.student.username})" in r)
    assert "so far (1 to grade)" in row
    assert not re.search(r"<td>[\d.]+%</td>", row)  # no bare percentage reading like a final grade
