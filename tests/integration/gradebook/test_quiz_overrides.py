"""Per-student overrides (time limit, extra attempts, close date) where attempts start and close, their
refusals, and previews that nothing counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, QuizOverride, utcnow
from app.quizzes import overrides, service
from tests.integration.quizzes.conftest import first_of, login_client


def _count(model=QuizOverride):
    return db.session.scalar(select(func.count()).select_from(model))


def test_extra_attempt_and_time_limit_apply_to_that_student_only(app, make_quiz, demo):
    quiz = make_quiz(types=("tf",), attempts_allowed=1, time_limit_s=600)
    tf = first_of("tf")
    first = service.start_attempt(quiz, demo.student)
    service.submit_attempt(first, {tf.id: tf.answer})
    with pytest.raises(service.QuizError, match="used the one attempt allowed"):
        service.start_attempt(quiz, demo.student)

    client = login_client(app, "instructor")
    form = {"student": str(demo.student.id), "time_limit": "25", "extra_attempts": "1"}
    assert client.post(f"/quizzes/{quiz.id}/overrides", data=form).status_code == 302
    db.session.expire_all()
    second = service.start_attempt(quiz, demo.student)
    assert second.number == 2
    assert second.deadline_at - second.started_at == timedelta(minutes=25)
    other = service.start_attempt(quiz, demo.student2)  # no override: the quiz's 10 minutes
    assert other.deadline_at - other.started_at == timedelta(minutes=10)
    page = login_client(app, "student").get(f"/quizzes/{quiz.id}").get_data(as_text=True)
    assert "Time limit: 25 minutes" in page and "adjusted these settings for you" in page
    results = client.get(f"/quizzes/{quiz.id}/gradebook").get_data(as_text=True)
    assert "25 min" in results and "Sam Student" in results.split('id="overrides"')[1]


def test_a_later_close_date_re_times_the_open_attempt_and_removing_it_restores(app, make_quiz, demo):
    closes = utcnow() + timedelta(hours=1)
    quiz = make_quiz(types=("tf",), closes_at=closes)
    attempt = service.start_attempt(quiz, demo.student)
    assert attempt.deadline_at == closes
    later = closes + timedelta(days=2)
    overrides.set_override(quiz, demo.student.id, None, 0, later)
    db.session.refresh(attempt)
    assert attempt.deadline_at == later
    # After the quiz closed for everyone, this student can still start (another attempt if allowed).
    assert (
        service.window_problem(quiz, closes + timedelta(hours=1), overrides.rules_for(quiz, demo.student))
        is None
    )
    assert service.window_problem(quiz, closes + timedelta(hours=1)) is not None
    client = login_client(app, "instructor")
    assert client.post(f"/quizzes/{quiz.id}/overrides/{demo.student.id}/delete").status_code == 302
    db.session.expire_all()
    assert _count() == 0 and db.session.get(Attempt, attempt.id).deadline_at == closes
    assert client.post(f"/quizzes/{quiz.id}/overrides/{demo.student.id}/delete").status_code == 404


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"time_limit": "-5"}, 422, "Between 1 and 10080 minutes"),
        ({"extra_attempts": "-1"}, 422, "Between 0 and 100"),
        ({"extra_attempts": "101"}, 422, "Between 0 and 100"),
        ({"closes_at": "2020-01-01T10:00"}, 422, "must be after the quiz opens"),
        ({}, 422, "Give at least one of"),
    ],
)
def test_bad_overrides_are_refused_beside_the_field_and_write_nothing(
    app, make_quiz, demo, form, status, message
):
    quiz = make_quiz(types=("tf",), opens_at=utcnow() - timedelta(days=1))
    client = login_client(app, "instructor")
    response = client.post(f"/quizzes/{quiz.id}/overrides", data={"student": str(demo.student.id), **form})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _count() == 0


def test_extra_attempts_on_an_unlimited_quiz_are_refused(app, make_quiz, demo):
    quiz = make_quiz(types=("tf",), attempts_allowed=0)
    with pytest.raises(overrides.OverrideError, match="already allows unlimited attempts"):
        overrides.set_override(quiz, demo.student.id, None, 2, None)
    assert _count() == 0


def test_an_archived_courses_quiz_takes_no_new_attempt(app, make_quiz, demo):
    from app.courses.service import set_archived

    quiz = make_quiz(types=("tf",))
    set_archived(demo.course, True)
    with pytest.raises(service.QuizError, match="archived"):
        service.start_attempt(quiz, demo.student)
    assert _count(Attempt) == 0
    assert service.start_preview(quiz, demo.instructor).mode == "preview"


def test_override_for_someone_outside_the_course_is_404_naming_them(app, make_quiz, demo, make_user):
    quiz = make_quiz(types=("tf",))
    outsider = make_user("outsider", display_name="Olga Outsider")
    client = login_client(app, "instructor")
    response = client.post(
        f"/quizzes/{quiz.id}/overrides", data={"student": str(outsider.id), "extra_attempts": "2"}
    )
    assert response.status_code == 404
    assert "Olga Outsider (outsider) is not a student" in response.get_data(as_text=True)
    teacher = client.post(
        f"/quizzes/{quiz.id}/overrides", data={"student": str(demo.instructor.id), "extra_attempts": "2"}
    )
    assert teacher.status_code == 404
    assert (
        client.post(
            f"/quizzes/{quiz.id}/overrides", data={"student": "987654", "extra_attempts": "1"}
        ).status_code
        == 404
    )
    assert _count() == 0
    student = login_client(app, "student")
    assert (
        student.post(f"/quizzes/{quiz.id}/overrides", data={"student": str(demo.student.id)}).status_code
        == 403
    )


def test_a_past_close_date_for_an_open_attempt_is_409(app, make_quiz, demo):
    quiz = make_quiz(types=("tf",))
    attempt = service.start_attempt(quiz, demo.student)
    client = login_client(app, "instructor")
    response = client.post(
        f"/quizzes/{quiz.id}/overrides",
        data={"student": str(demo.student.id), "closes_at": "2021-03-01T09:00"},
    )
    assert response.status_code == 409 and "has an attempt open" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _count() == 0 and db.session.get(Attempt, attempt.id).deadline_at is None


def test_preview_is_not_counted_anywhere(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "tf"), attempts_allowed=1, published=False)
    mcq, tf = first_of("mcq"), first_of("tf")
    client = login_client(app, "instructor")
    response = client.post(f"/quizzes/{quiz.id}/preview")
    assert response.status_code == 302
    preview = db.session.scalar(select(Attempt).where(Attempt.mode == "preview"))
    assert response.headers["Location"].endswith(f"/quizzes/attempts/{preview.id}")
    page = client.get(f"/quizzes/attempts/{preview.id}").get_data(as_text=True)
    assert "not counted" in page and "preview 1" in page
    autosave = client.post(
        f"/quizzes/attempts/{preview.id}/save", json={"question_id": tf.id, "answer": tf.answer, "seq": 1}
    )
    assert autosave.status_code == 200, autosave.get_data(as_text=True)
    client.post(
        f"/quizzes/attempts/{preview.id}",
        data={f"q-{mcq.id}": mcq.answer, f"seq-{mcq.id}": "0", "submit": "1"},
    )
    db.session.expire_all()
    preview = db.session.get(Attempt, preview.id)
    assert preview.state == "submitted" and preview.score == 2.0
    # A second preview is a new one; the instructor's one real attempt is still there.
    assert service.start_preview(quiz, demo.instructor).number == -2
    assert service.start_attempt(quiz, demo.instructor).number == 1
    assert service.statistics(quiz).test.n_attempts == 0
    assert all(not row.attempts for row in service.gradebook(quiz))
    assert login_client(app, "student").post(f"/quizzes/{quiz.id}/preview").status_code == 403


def test_publishing_unapproved_questions_asks_for_a_confirmation(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq",), published=False)
    quiz.items[0].question.status = "retired"
    db.session.commit()
    client = login_client(app, "instructor")
    settings = {
        "title": quiz.title,
        "course_id": str(demo.course.id),
        "attempts_allowed": "1",
        "grading_method": "highest",
        "feedback_timing": "after_submission",
        "published": "y",
    }
    warned = client.post(f"/quizzes/{quiz.id}/edit", data=settings)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 422 and "1 question is not approved" in html and "Publish anyway" in html
    db.session.expire_all()
    assert not quiz.published
    assert (
        client.post(f"/quizzes/{quiz.id}/edit", data={**settings, "confirm_publish": "y"}).status_code == 302
    )
    db.session.expire_all()
    assert quiz.published
