"""The course grid (grading methods, pending grades, pages), its CSV, a page's bounded statement count,
and the student's "My grades" page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Attempt, Enrolment, User, utcnow
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client


def _take(quiz, user, answers):
    attempt = service.start_attempt(quiz, user)
    assert service.submit_attempt(attempt, answers) is True
    return attempt


def _pending(quiz, user, number=1):
    """A submitted attempt waiting for a hand grade (score NULL), as an ungraded essay leaves it."""
    attempt = Attempt(
        mode="quiz",
        quiz_id=quiz.id,
        user_id=user.id,
        number=number,
        state="submitted",
        layout=[],
        submitted_at=utcnow(),
        score=None,
        max_score=2.0,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def test_grid_applies_each_quizs_method_and_shows_pending_grades(app, make_quiz, demo):
    mcq, tf = first_of("mcq"), first_of("tf")
    wrong = next(o for o in mcq.options if o != mcq.answer)
    right = {mcq.id: mcq.answer, tf.id: tf.answer}
    half = {mcq.id: wrong, tf.id: tf.answer}
    average = make_quiz(
        types=("mcq", "tf"), title="Average quiz", attempts_allowed=0, grading_method="average"
    )
    last = make_quiz(types=("mcq", "tf"), title="Last quiz", attempts_allowed=0, grading_method="last")
    _take(average, demo.student, right)
    _take(average, demo.student, half)
    _take(last, demo.student, right)
    _take(last, demo.student, half)
    _pending(last, demo.student2)
    service.start_preview(average, demo.instructor)  # a preview is never a grade

    client = login_client(app, "instructor")
    page = client.get(f"/courses/{demo.course.id}/gradebook")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Average quiz" in html and "Last quiz" in html and "needs grading" in html
    assert "1.5 / 2" in html and "1 / 2" in html  # average of 2 and 1; the last attempt's 1
    last_attempt = service.attempts_of(last, demo.student)[-1]
    assert f'href="/quizzes/attempts/{last_attempt.id}/review">1 / 2</a>' in html  # the counted attempt
    assert "Ada Instructor" not in html.split("<tbody>")[1]  # only students are rows, no preview
    per_quiz = client.get(f"/quizzes/{last.id}/gradebook").get_data(as_text=True)
    assert '#1: <span class="badge pending">needs grading</span>' in per_quiz

    response = client.get(f"/courses/{demo.course.id}/gradebook.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "username",
        "display_name",
        "Average quiz (max 2, average)",
        "Last quiz (max 2, last)",
        "average_percentage",
    ]
    by_user = {row[0]: row for row in rows[1:]}
    assert by_user["student"] == ["student", "Sam Student", "1.5", "1", "62.5"]
    assert by_user["student2"] == ["student2", "Lee Student", "", "needs grading", ""]


def test_grid_csv_neutralises_formulas_and_only_teachers_see_it(app, make_quiz, demo):
    make_quiz(types=("tf",), title="=SUM(A1:A9)")
    demo.student.display_name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    client = login_client(app, "instructor")
    rows = list(
        csv.reader(io.StringIO(client.get(f"/courses/{demo.course.id}/gradebook.csv").get_data(as_text=True)))
    )
    assert rows[0][2].startswith("'=SUM")
    assert {row[0]: row[1] for row in rows[1:]}["student"].startswith("'=HYPERLINK")
    student = login_client(app, "student")
    assert student.get(f"/courses/{demo.course.id}/gradebook").status_code == 403
    assert student.get(f"/courses/{demo.course.id}/gradebook.csv").status_code == 403
    assert client.get("/courses/99999/gradebook").status_code == 404


def _add_students(course, count, quizzes, start=0):
    """`count` students enrolled straight into the course, each with a graded attempt at every quiz."""
    password_hash = db.session.scalar(select(User.password_hash).limit(1))
    users = [
        User(
            username=f"bulk{start + i:04d}", display_name=f"Bulk {start + i:04d}", password_hash=password_hash
        )
        for i in range(count)
    ]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(Enrolment(course_id=course.id, user_id=u.id, role="student") for u in users)
    for quiz in quizzes:
        db.session.add_all(
            Attempt(
                mode="quiz",
                quiz_id=quiz.id,
                user_id=u.id,
                number=1,
                state="submitted",
                layout=[],
                submitted_at=utcnow(),
                score=float(i % 3),
                max_score=2.0,
            )
            for i, u in enumerate(users)
        )
    db.session.commit()


def _statements(client, url):
    """The statements one GET of `url` sends, with the test's session emptied first (as a new request's)."""
    db.session.expire_all()
    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return count, response.get_data(as_text=True)


def test_a_grid_page_costs_the_same_statements_for_30_and_300_students(app, make_quiz, demo):
    quizzes = [make_quiz(types=("mcq", "tf"), title=f"Quiz {n}") for n in range(3)]
    _add_students(demo.course, 28, quizzes)
    client = login_client(app, "instructor")
    url = f"/courses/{demo.course.id}/gradebook"
    small, html = _statements(client, url)
    assert "Bulk 0027" in html and "Page 1 of" not in html
    _add_students(demo.course, 270, quizzes, start=28)
    assert (
        db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.role == "student"))
        == 300
    )
    large, html = _statements(client, url)
    assert "Page 1 of 6" in html and html.count('<th scope="row">') == 50
    assert large == small, f"{small} statements for 30 students, {large} for 300"
    assert small <= 12
    last, html = _statements(client, url + "?page=6")
    assert last == small and "Page 6 of 6" in html and "Sam Student" in html


def test_my_grades_across_courses_with_review_links_by_feedback_timing(app, make_quiz, demo):
    from app.courses.service import create_course, join_course

    mcq, tf = first_of("mcq"), first_of("tf")
    open_quiz = make_quiz(types=("mcq", "tf"), title="Open feedback")
    later = make_quiz(
        types=("mcq", "tf"),
        title="Feedback after close",
        feedback_timing="after_close",
        closes_at=utcnow() + timedelta(days=3),
    )
    other = create_course(demo.instructor, "Second course", "", "SECOND22")
    join_course(demo.student, "SECOND22")
    third = make_quiz(types=("tf",), title="Pending quiz", course=other)
    attempt = _take(open_quiz, demo.student, {mcq.id: mcq.answer, tf.id: tf.answer})
    _take(later, demo.student, {mcq.id: mcq.answer, tf.id: tf.answer})
    _pending(third, demo.student)
    make_quiz(types=("tf",), title="Draft quiz", published=False)

    html = login_client(app, "student").get("/grades").get_data(as_text=True)
    assert "Strategy" in html or demo.course.title in html
    assert "Second course" in html and "Pending quiz" in html and "needs grading" in html
    assert "2 / 2" in html and "100%" in html
    assert f"/quizzes/attempts/{attempt.id}/review" in html
    assert "After the quiz closes" in html  # the after_close quiz links no review yet
    assert "Draft quiz" not in html
    empty = login_client(app, "instructor").get("/grades").get_data(as_text=True)
    assert "not a student in any course" in empty


def test_a_quiz_left_out_of_the_average_keeps_its_column_and_says_so(app, make_quiz, demo):
    mcq, tf = first_of("mcq"), first_of("tf")
    wrong = next(o for o in mcq.options if o != mcq.answer)
    graded = make_quiz(types=("mcq", "tf"), title="Graded quiz")
    practice = make_quiz(
        types=("mcq", "tf"), title="Practice quiz", attempts_allowed=0, counts_in_average=False
    )
    _take(graded, demo.student, {mcq.id: mcq.answer, tf.id: tf.answer})
    _take(practice, demo.student, {mcq.id: wrong, tf.id: not tf.answer})
    _take(graded, demo.student2, {mcq.id: wrong, tf.id: tf.answer})

    client = login_client(app, "instructor")
    html = client.get(f"/courses/{demo.course.id}/gradebook").get_data(as_text=True)
    head = html.split("<tbody>")[0]
    assert head.count("(not in average)") == 1
    assert head.index("Practice quiz") < head.index("(not in average)")
    assert "0 / 2" in html  # the practice grade still shows
    student_row = next(r for r in html.split("<tr>") if "(student)" in r)
    assert "100.0%" in student_row and "50.0%" not in student_row

    rows = list(
        csv.reader(io.StringIO(client.get(f"/courses/{demo.course.id}/gradebook.csv").get_data(as_text=True)))
    )
    assert rows[0][2:] == [
        "Graded quiz (max 2, highest)",
        "Practice quiz (max 2, highest, not in average)",
        "average_percentage",
    ]
    by_user = {row[0]: row[2:] for row in rows[1:]}
    assert by_user["student"] == ["2", "0", "100"]
    assert by_user["student2"] == ["1", "", "50"]
