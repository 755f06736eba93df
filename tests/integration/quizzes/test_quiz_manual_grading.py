"""Manual grading: essays wait for a person, the grade and comment are written with the attempt's new score
in one transaction, short answers can be overridden, and every bad grade is refused with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.courses.service import create_course
from app.extensions import db
from app.models import Attempt, Response
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client

ESSAY_TEXT = "FAW brings **scale** and Leapmotor brings technology; the risk is Stellantis's dilution."


@pytest.fixture
def taken(make_quiz, demo):
    """A quiz of mcq (1 point), short (1) and essay (10), submitted by the demo student."""
    quiz = make_quiz(types=("mcq", "short"))
    essay = first_of("essay")
    service.add_questions(quiz, [essay.id], points=10)
    mcq, short = first_of("mcq"), first_of("short")
    attempt = service.start_attempt(quiz, demo.student)
    assert service.submit_attempt(
        attempt, {mcq.id: mcq.answer, short.id: "certainly not it", essay.id: ESSAY_TEXT}
    )
    return quiz, attempt, essay, short


def _response(attempt_id: int, question_id: int) -> Response:
    db.session.expire_all()
    return db.session.scalars(
        select(Response).where(Response.attempt_id == attempt_id, Response.question_id == question_id)
    ).one()


def _state(attempt_id: int) -> tuple:
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    rows = db.session.scalars(select(Response).where(Response.attempt_id == attempt_id).order_by(Response.id))
    return (attempt.score, attempt.ungraded) + tuple(
        (r.fraction, r.manual_points, r.comment, r.graded_by_id, r.graded_at) for r in rows
    )


def test_an_essay_waits_for_a_person_and_grading_it_recomputes_the_score(app, taken, demo):
    quiz, attempt, essay, _ = taken
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert (attempt.ungraded, attempt.score, attempt.max_score) == (1, 1.0, 12.0)
    assert _response(attempt.id, essay.id).fraction is None

    student = login_client(app, "student")
    review = student.get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Needs grading" in review and "score is pending" in review and "1 response" in review

    assert "Needs grading</span> score pending" in student.get(f"/quizzes/{quiz.id}").get_data(as_text=True)

    teacher = login_client(app, "instructor")
    gradebook = teacher.get(f"/quizzes/{quiz.id}/gradebook").get_data(as_text=True)
    assert (
        "1.0 / 12.0 so far (1 to grade)" in gradebook
        and '#1: <span class="badge pending">needs grading</span>' in gradebook
    )
    page = teacher.get(f"/quizzes/{quiz.id}/grading").get_data(as_text=True)
    assert "1 of 1 need grading" in page and "<strong>scale</strong>" in page and "Rubric" in page
    assert "Single-key shortcuts" in page
    row = _response(attempt.id, essay.id)
    graded = teacher.post(
        f"/quizzes/responses/{row.id}/grade",
        json={"points": "7.5", "comment": "Good use of the *capacity* figure; weigh the risk more."},
        headers={"X-CSRFToken": "unused-in-tests"},
    )
    assert graded.status_code == 200, graded.data
    body = graded.get_json()
    assert body["points"] == 7.5 and body["attempt"] == {
        "id": attempt.id,
        "score": 8.5,
        "max_score": 12.0,
        "ungraded": 0,
    }
    row = _response(attempt.id, essay.id)
    assert (row.manual_points, row.fraction, row.graded_by_id) == (7.5, 0.75, demo.instructor.id)
    assert row.graded_at is not None

    review = student.get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Needs grading" not in review and "8.5 / 12.0" in review
    assert "8.5 / 12.0" in teacher.get(f"/quizzes/{quiz.id}/gradebook").get_data(as_text=True)
    assert "Comment from your instructor" in review and "<em>capacity</em>" in review
    assert "Model answer" in review


def test_a_short_answer_can_be_regraded_by_hand(app, taken):
    quiz, attempt, _, short = taken
    row = _response(attempt.id, short.id)
    assert row.fraction == 0.0
    teacher = login_client(app, "instructor")
    page = teacher.get(f"/quizzes/{quiz.id}/grading?by=student&id={attempt.id}").get_data(as_text=True)
    assert "Graded automatically: 0.0 / 1.0" in page and "certainly not it" in page
    # Without JavaScript the form posts and the screen comes back (303 to the same view).
    posted = teacher.post(
        f"/quizzes/responses/{row.id}/grade",
        data={"points": "1", "comment": "Accepted: same meaning.", "by": "student", "id": attempt.id},
    )
    assert posted.status_code == 303 and posted.headers["Location"].endswith(f"#r{row.id}")
    row = _response(attempt.id, short.id)
    assert (row.fraction, row.manual_points, row.comment) == (1.0, 1.0, "Accepted: same meaning.")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).score == 2.0  # mcq 1 + short 1; the essay still waits


@pytest.mark.parametrize(
    ("points", "comment", "status", "message"),
    [
        ("10.5", "", 422, "above this question's maximum of 10 points"),
        ("-1", "", 422, "cannot be negative"),
        ("lots", "", 400, "Points must be a number"),
        ("٣", "", 400, "Points must be a number"),
        ("", "", 400, "Enter the points"),
        ("5", "x" * 5001, 422, "shorten it to 5,000"),
        ("11/10", "", 422, "more than the whole mark"),
        ("101%", "", 422, "more than the whole mark"),
        ("7/0", "", 400, "out of 0 cannot be scaled"),
        ("1" * 400 + "/10", "", 400, "finite number"),
        ("Infinity", "", 400, "finite number"),
        ("٣/4", "", 400, "Points must be a number"),
        ("7/10/2", "", 400, "Points must be a number"),
    ],
)
def test_bad_grades_are_refused_with_a_message_and_nothing_written(
    app, taken, points, comment, status, message
):
    _, attempt, essay, _ = taken
    row = _response(attempt.id, essay.id)
    before = _state(attempt.id)
    teacher = login_client(app, "instructor")
    refused = teacher.post(f"/quizzes/responses/{row.id}/grade", json={"points": points, "comment": comment})
    assert refused.status_code == status
    assert message in refused.get_json()["error"]["message"]
    assert _state(attempt.id) == before


def test_the_form_fallback_shows_the_error_beside_the_response(app, taken):
    quiz, attempt, essay, _ = taken
    row = _response(attempt.id, essay.id)
    before = _state(attempt.id)
    teacher = login_client(app, "instructor")
    refused = teacher.post(
        f"/quizzes/responses/{row.id}/grade", data={"points": "11", "comment": "", "by": "question"}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert (
        f'id="r{row.id}-msg" role="alert">11 is above this question' in page and 'aria-invalid="true"' in page
    )
    assert _state(attempt.id) == before


def test_who_may_grade_what(app, taken, make_user, demo, make_quiz):
    quiz, attempt, essay, _ = taken
    row = _response(attempt.id, essay.id)
    before = _state(attempt.id)
    other = make_user("other", "instructor")
    create_course(other, "Another course")
    stranger = login_client(app, "other")
    assert stranger.post(f"/quizzes/responses/{row.id}/grade", json={"points": 1}).status_code == 403
    assert stranger.get(f"/quizzes/{quiz.id}/grading").status_code == 403
    student = login_client(app, "student")
    assert student.post(f"/quizzes/responses/{row.id}/grade", json={"points": 10}).status_code == 403
    teacher = login_client(app, "instructor")
    missing = teacher.post("/quizzes/responses/999999/grade", json={"points": 1})
    assert missing.status_code == 404 and "No such response" in missing.get_json()["error"]["message"]
    mcq_row = _response(attempt.id, first_of("mcq").id)
    automatic = teacher.post(f"/quizzes/responses/{mcq_row.id}/grade", json={"points": 0})
    assert automatic.status_code == 422 and "graded automatically" in automatic.get_json()["error"]["message"]
    assert _state(attempt.id) == before
    # An attempt still in progress cannot be graded.
    open_attempt = service.start_attempt(make_quiz(types=("short",)), demo.student2)
    service.save_answer(open_attempt, first_of("short").id, "an answer", 1)
    open_row = _response(open_attempt.id, first_of("short").id)
    assert teacher.post(f"/quizzes/responses/{open_row.id}/grade", json={"points": 1}).status_code == 409
    assert _response(open_attempt.id, first_of("short").id).manual_points is None


def test_an_essay_over_50k_characters_is_refused_and_not_saved(app, make_quiz, demo):
    quiz = make_quiz(types=("essay",))
    essay = first_of("essay")
    attempt = service.start_attempt(quiz, demo.student)
    student = login_client(app, "student")
    long = student.post(
        f"/quizzes/attempts/{attempt.id}/save",
        json={"question_id": essay.id, "answer": "w " * 25_001, "seq": 1},
    )
    assert long.status_code == 422 and "shorten it to 50000" in long.get_json()["error"]["message"]
    db.session.expire_all()
    assert db.session.scalars(select(Response).where(Response.attempt_id == attempt.id)).all() == []
    ok = student.post(
        f"/quizzes/attempts/{attempt.id}/save", json={"question_id": essay.id, "answer": ESSAY_TEXT, "seq": 1}
    )
    assert ok.status_code == 200
    page = student.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert 'data-word-limit="400"' in page and "(at most 400 words)" in page and "12 words of 400" in page


def test_practice_never_draws_an_essay(app, demo):
    attempt = service.start_practice(demo.student, topic="partnership-models", count=30)
    qtypes = {q.qtype for q in service.questions_by_id([e["question_id"] for e in attempt.layout]).values()}
    assert "essay" not in qtypes and len(attempt.layout) >= 10


def test_essay_text_and_comments_are_sanitised_markdown(app, make_quiz, demo):
    quiz = make_quiz(types=("essay",))
    essay = first_of("essay")
    attempt = service.start_attempt(quiz, demo.student)
    hostile = "**Bold** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    assert service.submit_attempt(attempt, {essay.id: hostile})
    teacher = login_client(app, "instructor")
    page = teacher.get(f"/quizzes/{quiz.id}/grading").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page and "<img" not in page
    row = _response(attempt.id, essay.id)
    assert (
        teacher.post(f"/quizzes/responses/{row.id}/grade", json={"points": 1, "comment": hostile}).status_code
        == 200
    )
    review = login_client(app, "student").get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert review.count("<strong>Bold</strong>") == 2  # the essay and the comment
    assert "<script>alert" not in review and 'href="javascript' not in review and "<img" not in review


def test_the_grading_screen_and_review_queue_follow_the_single_key_shortcuts_setting(app, taken, demo):
    """One setting for every page with single-key shortcuts (study, review queue, grading)."""
    quiz = taken[0]
    teacher = login_client(app, "instructor")
    checkbox = '<input type="checkbox" id="grading-shortcuts" checked>'
    assert checkbox in teacher.get(f"/quizzes/{quiz.id}/grading").get_data(as_text=True)
    assert 'data-shortcuts="on"' in teacher.get("/bank/review?status=approved").get_data(as_text=True)
    demo.instructor.study_shortcuts = False
    db.session.commit()
    grading = teacher.get(f"/quizzes/{quiz.id}/grading").get_data(as_text=True)
    assert '<input type="checkbox" id="grading-shortcuts">' in grading and checkbox not in grading
    queue = teacher.get("/bank/review?status=approved").get_data(as_text=True)
    assert 'data-shortcuts="off"' in queue and "Single-key shortcuts are off" in queue


@pytest.mark.parametrize(
    ("typed", "points"), [("7/10", 7.0), ("7,5 / 10", 7.5), ("70%", 7.0), ("2/3", 20 / 3)]
)
def test_a_mark_on_another_scale_is_scaled_to_the_questions_points(app, taken, typed, points):
    _, attempt, essay, _ = taken  # the essay is worth 10 points in this quiz
    row = _response(attempt.id, essay.id)
    teacher = login_client(app, "instructor")
    saved = teacher.post(f"/quizzes/responses/{row.id}/grade", json={"points": typed, "comment": ""})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["points"] == pytest.approx(points)
    row = _response(attempt.id, essay.id)
    assert (row.manual_points, row.fraction) == (pytest.approx(points), pytest.approx(points / 10))


def test_the_screen_says_when_the_rubric_is_out_of_more_than_the_question(app, make_quiz, demo):
    """The seeded essay's rubric adds up to 10 points; in a quiz that gives it 1, the grader is told how to
    type a mark out of 10, and a quiz that gives it 10 says nothing."""
    essay = first_of("essay")
    pages = {}
    for points in (1, 10):
        quiz = make_quiz(types=("mcq",))
        service.add_questions(quiz, [essay.id], points=points)
        attempt = service.start_attempt(quiz, demo.student)
        assert service.submit_attempt(attempt, {essay.id: ESSAY_TEXT})
        teacher = login_client(app, "instructor")
        pages[points] = teacher.get(f"/quizzes/{quiz.id}/grading").get_data(as_text=True)
    assert (
        "The rubric adds up to 10 points; this quiz gives the question 1 point. "
        "Type the rubric's mark as 7/10 and it counts 0.7." in pages[1]
    )
    assert "The rubric adds up to" not in pages[10]
