"""Feedback after each answer ("immediate"): a Check button under each auto-graded question grades the saved
answer at once, shows its feedback on the attempt page, and makes the answer final (autosave and the form
refuse or skip a new one); the submission grades it to the same fraction. Without JavaScript the button
posts the whole form, as every button of the attempt page does."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, Response
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client


@pytest.fixture
def immediate(make_quiz, demo):
    """A quiz with feedback after each answer (mcq, numeric, short and an essay), started by the student."""
    quiz = make_quiz(types=("mcq", "numeric", "short", "essay"), feedback_timing="immediate")
    attempt = service.start_attempt(quiz, demo.student)
    return quiz, attempt


def _row(attempt_id: int, question_id: int) -> Response | None:
    db.session.expire_all()
    return db.session.scalars(
        select(Response).where(Response.attempt_id == attempt_id, Response.question_id == question_id)
    ).first()


def test_checking_grades_the_saved_answer_and_makes_it_final(app, immediate):
    _, attempt = immediate
    mcq, numeric = first_of("mcq"), first_of("numeric")
    wrong = next(option for option in mcq.options if option != mcq.answer)
    service.save_answer(attempt, mcq.id, wrong, 1)
    assert service.check_answer(attempt, mcq.id) == 0.0
    assert _row(attempt.id, mcq.id).fraction == 0.0
    assert service.check_answer(attempt, mcq.id) == 0.0  # checking again changes nothing
    with pytest.raises(service.AnswerChecked, match="final"):
        service.save_answer(attempt, mcq.id, mcq.answer, 2)
    assert _row(attempt.id, mcq.id).answer == wrong
    # The whole form (no JavaScript) skips a checked answer and saves the others.
    service.save_answers(attempt, {mcq.id: mcq.answer, numeric.id: str(numeric.answer["value"])})
    assert _row(attempt.id, mcq.id).answer == wrong
    assert _row(attempt.id, numeric.id).answer is not None
    assert service.check_answer(attempt, numeric.id) == 1.0
    # The submission grades every answer again, to the same fractions.
    assert service.submit_attempt(attempt)
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    assert (_row(attempt.id, mcq.id).fraction, _row(attempt.id, numeric.id).fraction) == (0.0, 1.0)
    assert done.score == 1.0


def test_what_cannot_be_checked_is_refused_with_a_message_and_nothing_written(
    app, immediate, make_quiz, demo
):
    _, attempt = immediate
    mcq, essay, short = first_of("mcq"), first_of("essay"), first_of("short")
    with pytest.raises(service.BadAnswer, match="Answer the question before checking it"):
        service.check_answer(attempt, short.id)
    service.save_answer(attempt, essay.id, "An essay.", 1)
    with pytest.raises(service.QuizError, match="graded by your instructor"):
        service.check_answer(attempt, essay.id)
    for bad in (10**20, -1, "1", None, 2**31):
        with pytest.raises(service.NotInAttempt):
            service.check_answer(attempt, bad)
    assert _row(attempt.id, essay.id).fraction is None and _row(attempt.id, short.id) is None
    later = make_quiz(types=("mcq",), title="Feedback after submission")
    other = service.start_attempt(later, demo.student)
    service.save_answer(other, mcq.id, mcq.answer, 1)
    with pytest.raises(service.QuizError, match="after you submit"):
        service.check_answer(other, mcq.id)
    assert _row(other.id, mcq.id).fraction is None
    service.submit_attempt(attempt)
    with pytest.raises(service.AttemptClosed):
        service.check_answer(attempt, mcq.id)


def test_the_attempt_page_offers_check_and_then_shows_the_feedback(app, immediate, demo):
    quiz, attempt = immediate
    mcq, essay = first_of("mcq"), first_of("essay")
    client = login_client(app, "student")
    page = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    # One Check button per auto-graded question, none for the essay.
    assert page.count('name="check"') == 3 and f'name="check" value="{essay.id}"' not in page
    posted = client.post(
        f"/quizzes/attempts/{attempt.id}",
        data={f"q-{mcq.id}": mcq.answer, f"seq-{mcq.id}": "0", "check": str(mcq.id), "page": "1"},
    )
    assert posted.status_code == 302 and posted.headers["Location"].endswith(f"#q{mcq.id}")
    page = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    checked = re.search(rf'<section class="question checked" id="q{mcq.id}".*?</section>', page, re.DOTALL)
    assert checked and "Correct" in checked.group(0) and "Correct answer" in checked.group(0)
    assert f'name="q-{mcq.id}"' not in page  # no input left for a final answer
    assert page.count('name="check"') == 2
    # A check with nothing typed says so beside the question and keeps the page.
    short = first_of("short")
    refused = client.post(
        f"/quizzes/attempts/{attempt.id}", data={"check": str(short.id), "page": "1", f"seq-{short.id}": "0"}
    )
    assert refused.status_code == 422
    assert "Answer the question before checking it." in refused.get_data(as_text=True)


def test_autosave_of_a_checked_answer_is_refused_as_final(app, immediate):
    _, attempt = immediate
    mcq = first_of("mcq")
    client = login_client(app, "student")
    first = client.post(
        f"/quizzes/attempts/{attempt.id}/save", json={"question_id": mcq.id, "answer": mcq.answer, "seq": 1}
    )
    assert first.status_code == 200
    service.check_answer(attempt, mcq.id)
    again = client.post(
        f"/quizzes/attempts/{attempt.id}/save",
        json={"question_id": mcq.id, "answer": mcq.options[0], "seq": 2},
    )
    assert again.status_code == 409
    body = again.get_json()
    assert body["error"]["code"] == "checked" and "final" in body["error"]["message"]
    assert _row(attempt.id, mcq.id).answer == mcq.answer


def test_a_quiz_with_feedback_after_submission_has_no_check(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "short"))
    attempt = service.start_attempt(quiz, demo.student)
    page = login_client(app, "student").get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert 'name="check"' not in page
