"""Courses: instructors create them with a join code; students join; outsiders are kept out."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Course, Enrolment


def test_instructor_creates_a_course_with_a_join_code(client, make_user, auth):
    make_user("teach", "instructor")
    auth.login("teach")
    response = client.post("/courses/new", data={"title": "Strategy 101", "description": "EV cases"})
    assert response.status_code == 302
    course = db.session.scalar(select(Course))
    assert len(course.join_code) == 8
    page = client.get(f"/courses/{course.id}")
    assert course.join_code.encode() in page.data


def test_student_cannot_create_a_course(client, make_user, auth):
    make_user("sam")
    auth.login("sam")
    assert client.post("/courses/new", data={"title": "Mine"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_student_joins_with_code_in_any_case_and_spacing(client, make_user, make_course, auth):
    course = make_course(code="ABCD2345")
    make_user("sam")
    auth.login("sam")
    response = client.post("/courses/join", data={"code": " abcd-2345 "})
    assert response.status_code == 302
    assert client.get(f"/courses/{course.id}").status_code == 200
    # Joining twice changes nothing.
    client.post("/courses/join", data={"code": "ABCD2345"})
    assert (
        db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.course_id == course.id))
        == 2
    )


def test_wrong_join_code_gets_a_message_and_no_enrolment(client, make_user, make_course, auth):
    make_course(code="ABCD2345")
    make_user("sam")
    auth.login("sam")
    response = client.post("/courses/join", data={"code": "ZZZZ9999"})
    assert response.status_code == 422
    assert b"No course has that join code" in response.data
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1  # only the owner


def test_outsider_cannot_see_a_course_and_students_do_not_see_the_roster(
    client, make_user, make_course, auth
):
    course = make_course(code="ABCD2345")
    make_user("sam")
    make_user("outsider")
    auth.login("outsider")
    assert client.get(f"/courses/{course.id}").status_code == 403
    auth.logout()
    auth.login("sam")
    client.post("/courses/join", data={"code": "ABCD2345"})
    page = client.get(f"/courses/{course.id}")
    assert page.status_code == 200
    assert b"ABCD2345" not in page.data  # the join code and roster are for the instructor
    assert client.get("/courses/999999").status_code == 404
