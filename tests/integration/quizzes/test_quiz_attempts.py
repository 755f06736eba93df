"""Attempts: start, autosave with stale protection, bad answers, resume, deadline, one submission, no keys."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, Question, Response, utcnow
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client


def _start(client, quiz) -> int:
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.data
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _save(client, attempt_id, question_id, answer, seq):
    return client.post(
        f"/quizzes/attempts/{attempt_id}/save",
        json={"question_id": question_id, "answer": answer, "seq": seq},
    )


def _stored(attempt_id, question_id):
    db.session.expire_all()
    return db.session.scalar(
        select(Response).where(Response.attempt_id == attempt_id, Response.question_id == question_id)
    )


def test_lifecycle_autosave_resume_submit_review(app, make_quiz):
    quiz = make_quiz()
    mcq, numeric, short = (first_of(t) for t in ("mcq", "numeric", "short"))
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    assert _save(client, attempt_id, mcq.id, mcq.answer, 1).status_code == 200
    assert _save(client, attempt_id, short.id, "wrong person", 1).status_code == 200
    # A reload (or a second tab) resumes the same attempt with the saved answers.
    assert _start(client, quiz) == attempt_id
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert 'value="wrong person"' in page
    assert f'value="{mcq.answer}" checked' in page
    response = client.post(
        f"/quizzes/attempts/{attempt_id}",
        data={
            "submit": "1",
            f"q-{mcq.id}": mcq.answer,
            f"q-{short.id}": "wrong person",
            **{f"seq-{q.id}": "1" for q in (mcq, short)},
            f"seq-{numeric.id}": "0",
        },
    )
    assert response.status_code == 302 and "/review" in response.headers["Location"]
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == "submitted"
    assert attempt.score == 1.0 and attempt.max_score == 3.0
    review = client.get(f"/quizzes/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "1 / 3" in review.replace(".0", "")
    assert short.answer[0] in review and "Incorrect" in review
    assert f"/articles/{short.article.slug}?s={short.sentence_ids[0]}#{short.sentence_ids[0]}" in review
    # After submission nothing changes any more.
    closed = _save(client, attempt_id, numeric.id, "5", 2)
    assert closed.status_code == 409 and closed.json["error"]["code"] == "closed"
    # The submitted form left it blank and nothing was stored for it: no row (a blank row would have taken
    # save number 1 from another tab's first autosave of it); the review says so.
    assert _stored(attempt_id, numeric.id) is None
    assert "(no answer)" in review


def test_stale_seq_never_overwrites(app, make_quiz):
    quiz = make_quiz()
    short = first_of("short")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    assert _save(client, attempt_id, short.id, "newest", 5).status_code == 200
    stale = _save(client, attempt_id, short.id, "older", 4)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale"
    assert _save(client, attempt_id, short.id, "same seq", 5).status_code == 409
    assert _stored(attempt_id, short.id).answer == "newest"
    assert _save(client, attempt_id, short.id, "newer still", 6).status_code == 200
    assert _stored(attempt_id, short.id).answer == "newer still"


def test_bad_answers_are_422_with_a_message_and_write_nothing(app, make_quiz):
    quiz = make_quiz()
    numeric, short = first_of("numeric"), first_of("short")
    foreign = db.session.scalar(select(Question).where(Question.qtype == "tf"))
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    letters = _save(client, attempt_id, numeric.id, "five-ish abc", 1)
    assert letters.status_code == 422 and "number" in letters.json["error"]["message"]
    long = _save(client, attempt_id, short.id, "x" * 501, 1)
    assert long.status_code == 422 and "500" in long.json["error"]["message"]
    other = _save(client, attempt_id, foreign.id, True, 1)
    assert other.status_code == 404 and "not part of this attempt" in other.json["error"]["message"]
    assert _save(client, attempt_id, short.id, "ok", 0).status_code == 422
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    # The form fallback refuses the whole form and keeps what was typed on the page.
    page = client.post(
        f"/quizzes/attempts/{attempt_id}",
        data={"save": "1", f"q-{numeric.id}": "12 apples", f"seq-{numeric.id}": "0"},
    )
    assert page.status_code == 422 and 'value="12 apples"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_after_the_time_limit_saves_are_refused_and_the_attempt_closes_with_saved_answers(app, make_quiz):
    quiz = make_quiz(time_limit_s=600)
    mcq = first_of("mcq")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.deadline_at is not None
    assert _save(client, attempt_id, mcq.id, mcq.answer, 1).status_code == 200
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    late = _save(client, attempt_id, first_of("short").id, "late", 1)
    assert late.status_code == 409 and "Time is up" in late.json["error"]["message"]
    assert _stored(attempt_id, first_of("short").id) is None
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == "finished" and attempt.score == 1.0
    assert client.get(f"/quizzes/attempts/{attempt_id}").status_code == 302
    assert service.submit_attempt(attempt) is False


def test_deadline_is_the_earlier_of_limit_and_close(app, make_quiz, demo):
    now = utcnow()
    quiz = make_quiz(time_limit_s=3600, closes_at=now + timedelta(minutes=10))
    attempt = service.start_attempt(quiz, demo.student, now=now)
    assert attempt.deadline_at == quiz.closes_at
    mcq = first_of("mcq")
    assert service.save_answer(attempt, mcq.id, mcq.answer, 1, now=now + timedelta(minutes=9)) == 1
    with pytest.raises(service.AttemptClosed):
        service.save_answer(attempt, mcq.id, mcq.options[0], 2, now=now + timedelta(minutes=11))
    assert attempt.state == "finished" and attempt.score == 1.0


def test_window_and_attempts_allowed(app, make_quiz, demo):
    now = utcnow()
    quiz = make_quiz(opens_at=now + timedelta(days=1))
    with pytest.raises(service.QuizError, match="opens"):
        service.start_attempt(quiz, demo.student, now=now)
    quiz2 = make_quiz(attempts_allowed=1)
    first = service.start_attempt(quiz2, demo.student)
    assert service.submit_attempt(first) is True
    client = login_client(app, "student")
    response = client.post(f"/quizzes/{quiz2.id}/start", follow_redirects=True)
    assert "used the one attempt allowed" in response.get_data(as_text=True)


def test_double_submission_from_two_threads_counts_once(app, make_quiz, demo):
    quiz = make_quiz()
    attempt_id = service.start_attempt(quiz, demo.student).id
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def submit() -> None:
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            barrier.wait()
            results.append(service.submit_attempt(attempt))
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).state == "submitted"


def test_no_answer_keys_before_submission(app, make_quiz):
    quiz = make_quiz(types=("mcq", "numeric", "short", "cloze", "matching"))
    questions = [first_of(t) for t in ("mcq", "numeric", "short", "cloze", "matching")]
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    for question in questions:
        assert question.explanation[:40] not in page
    assert first_of("short").answer[0] not in page
    assert first_of("cloze").answer[0][0] not in page
    mcq = questions[0]
    wrong = next(option for option in mcq.options if option != mcq.answer)
    # The correct option appears exactly as often as a wrong one: nothing marks it.
    assert page.count(mcq.answer) == page.count(wrong) == 2
    assert "Correct answer" not in page and 'class="correct"' not in page
    # Matching: the right-hand items are shown, but not in the key's order next to their left items.
    saved = _save(client, attempt_id, questions[0].id, questions[0].options[0], 1).json
    assert set(saved) == {"saved", "question_id"}


def test_a_stale_form_never_clobbers_a_newer_autosave(app, make_quiz):
    quiz = make_quiz()
    short = first_of("short")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    assert _save(client, attempt_id, short.id, "typed in the other tab", 3).status_code == 200
    stale_form = {"save": "1", f"q-{short.id}": "old page", f"seq-{short.id}": "1"}
    assert client.post(f"/quizzes/attempts/{attempt_id}", data=stale_form).status_code == 302
    assert _stored(attempt_id, short.id).answer == "typed in the other tab"
    fresh_form = {"submit": "1", f"q-{short.id}": "final", f"seq-{short.id}": "3"}
    assert client.post(f"/quizzes/attempts/{attempt_id}", data=fresh_form).status_code == 302
    assert _stored(attempt_id, short.id).answer == "final"


def test_another_students_attempt_is_404(app, make_quiz):
    quiz = make_quiz()
    owner = login_client(app, "student")
    attempt_id = _start(owner, quiz)
    intruder = login_client(app, "student2")
    assert intruder.get(f"/quizzes/attempts/{attempt_id}").status_code == 404
    assert _save(intruder, attempt_id, first_of("mcq").id, "x", 1).status_code == 404
    assert intruder.post(f"/quizzes/attempts/{attempt_id}", data={"submit": "1"}).status_code == 404
    assert intruder.get(f"/quizzes/attempts/{attempt_id}/review").status_code == 404


def test_after_close_feedback_waits_for_the_close(app, make_quiz, demo):
    quiz = make_quiz(feedback_timing="after_close", closes_at=utcnow() + timedelta(days=1))
    attempt = service.start_attempt(quiz, demo.student)
    assert service.submit_attempt(attempt) is True
    client = login_client(app, "student")
    page = client.get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "after the quiz closes" in page and "Correct answer" not in page
    teacher = login_client(app, "instructor").get(f"/quizzes/attempts/{attempt.id}/review")
    assert "Correct answer" in teacher.get_data(as_text=True)
