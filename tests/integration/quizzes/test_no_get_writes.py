"""No GET writes: pages show an attempt past its deadline as closed, graded in memory from its saved answers,
and leave the database alone; the next write, the timer's close POST, `flask quiz close-overdue` or the
`quiz.close_overdue` job store it (and grade passback hears of it then). On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import jobs
from app.extensions import db
from app.models import Attempt, utcnow
from app.quizzes import service
from app.quizzes.events import attempt_graded
from tests.integration.pages.statements import no_writes
from tests.integration.quizzes.conftest import first_of, login_client


@pytest.fixture
def overdue(make_quiz, demo):
    """A timed quiz with the student's attempt past its deadline: the MCQ answered right, the rest blank."""
    quiz = make_quiz(time_limit_s=600)
    attempt = service.start_attempt(quiz, demo.student)
    mcq = first_of("mcq")
    service.save_answer(attempt, mcq.id, mcq.answer, 1)
    attempt.deadline_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    return quiz, attempt.id


def _state(attempt_id: int) -> tuple[str, float | None]:
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    return attempt.state, attempt.score


@pytest.fixture
def graded_ids():
    heard: list[int] = []

    def listen(attempt_id: int) -> None:
        heard.append(attempt_id)

    attempt_graded.connect(listen)
    yield heard
    attempt_graded.disconnect(listen)


def test_quiz_attempt_and_gradebook_pages_show_an_overdue_attempt_closed_and_write_nothing(
    app, overdue, demo, graded_ids
):
    quiz, attempt_id = overdue
    student, instructor = login_client(app, "student"), login_client(app, "instructor")
    student_pages = [
        (f"/quizzes/{quiz.id}", 200),
        ("/quizzes/", 200),
        (f"/quizzes/attempts/{attempt_id}", 302),
        (f"/quizzes/attempts/{attempt_id}/summary", 302),
        (f"/quizzes/attempts/{attempt_id}/review", 200),
        ("/grades", 200),
        ("/account/data.json", 200),
    ]
    instructor_pages = [
        (f"/quizzes/{quiz.id}/gradebook", 200),
        (f"/quizzes/{quiz.id}/grades.csv", 200),
        (f"/quizzes/{quiz.id}/analysis", 200),
        (f"/quizzes/attempts/{attempt_id}/review", 200),
        (f"/courses/{demo.course.id}/gradebook", 200),
        (f"/courses/{demo.course.id}/gradebook.csv", 200),
    ]
    bodies = {}
    for client, pages in ((student, student_pages), (instructor, instructor_pages)):
        for url, status in pages:
            with no_writes(db.engine, f"GET {url}"):
                response = client.get(url)
            assert response.status_code == status, (url, response.data[:300])
            if status == 302:
                assert response.headers["Location"].endswith(f"/quizzes/attempts/{attempt_id}/review")
            bodies[(client is student, url)] = response.get_data(as_text=True)
            db.session.remove()  # the next request reads the database afresh, not this one's overlay
    assert _state(attempt_id) == ("in_progress", None) and graded_ids == []
    # Shown as closed with the saved answers graded, as a closed attempt is.
    review = bodies[(True, f"/quizzes/attempts/{attempt_id}/review")]
    assert "Closed at the deadline with the saved answers" in review
    csv_lines = bodies[(False, f"/quizzes/{quiz.id}/grades.csv")].splitlines()
    assert any(line.startswith("student,") and ",1,3,33.33,1" in line for line in csv_lines), csv_lines
    data = [
        a for a in app.json.loads(bodies[(True, "/account/data.json")])["attempts"] if a["id"] == attempt_id
    ]
    assert data[0]["state"] == "finished" and data[0]["score"] == 1.0
    # The command stores what the pages showed, and grade passback hears of it.
    result = app.test_cli_runner().invoke(args=["quiz", "close-overdue"])
    assert result.exit_code == 0 and "Closed 1 overdue attempt." in result.output
    assert _state(attempt_id) == ("finished", 1.0) and graded_ids == [attempt_id]
    assert app.test_cli_runner().invoke(args=["quiz", "close-overdue"]).output.startswith("Closed 0")


def test_the_close_job_and_the_timers_post_close_the_attempt(app, overdue, demo, graded_ids):
    quiz, attempt_id = overdue
    job = jobs.start("quiz.close_overdue", demo.instructor)
    assert job.state == "done" and job.result == {"closed": 1}
    assert _state(attempt_id) == ("finished", 1.0) and graded_ids == [attempt_id]
    # The timer's POST at the deadline: closes (nothing left to close here) and answers with the state.
    student = login_client(app, "student")
    response = student.post(f"/quizzes/attempts/{attempt_id}/close", json={})
    assert response.status_code == 200 and response.json == {"state": "finished"}
    assert (
        login_client(app, "student2").post(f"/quizzes/attempts/{attempt_id}/close", json={}).status_code
        == 404
    )


def test_the_next_write_closes_it_first(app, overdue, demo, graded_ids):
    """Starting a new attempt (a POST) closes the overdue one first, in its own transaction."""
    quiz, attempt_id = overdue
    student = login_client(app, "student")
    assert student.post(f"/quizzes/{quiz.id}/start").status_code == 302
    assert _state(attempt_id) == ("finished", 1.0) and graded_ids == [attempt_id]


def test_an_override_posted_for_the_student_closes_the_overdue_attempt_first(app, overdue, demo, graded_ids):
    """As when the gradebook's GET closed it: more time given afterwards does not reopen an attempt whose
    deadline has passed."""
    quiz, attempt_id = overdue
    instructor = login_client(app, "instructor")
    response = instructor.post(
        f"/quizzes/{quiz.id}/overrides", data={"student": demo.student.id, "time_limit": "60"}
    )
    assert response.status_code == 302, response.data[:300]
    assert _state(attempt_id) == ("finished", 1.0) and graded_ids == [attempt_id]
