"""Editing a course, removing a student, a new join code, archiving; and who may do each."""

from __future__ import annotations

from sqlalchemy import select

from app.courses.service import create_course, find_by_code, membership
from app.extensions import db
from app.models import Course, Enrolment
from tests.integration.quizzes.conftest import login_client


def test_edit_course_and_refusals(app, demo, make_user):
    client = login_client(app, "instructor")
    assert client.get(f"/courses/{demo.course.id}/edit").status_code == 200
    saved = client.post(
        f"/courses/{demo.course.id}/edit", data={"title": "Strategy 201", "description": "New"}
    )
    assert saved.status_code == 302
    empty = client.post(f"/courses/{demo.course.id}/edit", data={"title": "  ", "description": ""})
    assert empty.status_code == 422 and "Give the course a title" in empty.get_data(as_text=True)
    db.session.expire_all()
    assert (demo.course.title, demo.course.description) == ("Strategy 201", "New")
    other_teacher = make_user("teacher2", "instructor")
    create_course(other_teacher, "Theirs")
    assert (
        login_client(app, "teacher2")
        .post(f"/courses/{demo.course.id}/edit", data={"title": "Mine"})
        .status_code
        == 403
    )
    assert login_client(app, "student").get(f"/courses/{demo.course.id}/edit").status_code == 403
    db.session.expire_all()
    assert demo.course.title == "Strategy 201"


def test_remove_student_but_never_yourself(app, demo):
    client = login_client(app, "instructor")
    yourself = client.post(f"/courses/{demo.course.id}/students/{demo.instructor.id}/remove")
    assert yourself.status_code == 409 and "cannot remove yourself" in yourself.get_data(as_text=True)
    gone = client.post(f"/courses/{demo.course.id}/students/{demo.student2.id}/remove")
    assert gone.status_code == 302
    db.session.expire_all()
    assert membership(demo.student2, demo.course) is None
    assert membership(demo.instructor, demo.course) is not None
    again = client.post(f"/courses/{demo.course.id}/students/{demo.student2.id}/remove")
    assert again.status_code == 404 and "is not a student" in again.get_data(as_text=True)
    assert (
        login_client(app, "student")
        .post(f"/courses/{demo.course.id}/students/{demo.student.id}/remove")
        .status_code
        == 403
    )


def test_new_join_code_retires_the_old_one(app, demo):
    old = demo.course.join_code
    client = login_client(app, "instructor")
    page = client.post(f"/courses/{demo.course.id}/code", follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    new = demo.course.join_code
    assert new != old and new in page and find_by_code(old) is None


def test_archived_course_leaves_students_lists_and_refuses_joins(app, demo, make_user):
    client = login_client(app, "instructor")
    assert client.post(f"/courses/{demo.course.id}/archive", data={"archived": "1"}).status_code == 302
    db.session.expire_all()
    assert demo.course.archived_at is not None
    student = login_client(app, "student")
    assert demo.course.title not in student.get("/courses/").get_data(as_text=True)
    assert demo.course.title not in student.get("/grades").get_data(as_text=True)
    make_user("newbie")
    refused = login_client(app, "newbie").post("/courses/join", data={"code": demo.course.join_code})
    assert refused.status_code == 409 and "archived" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(select(Enrolment).join(Course).where(Enrolment.user.has(username="newbie"))) is None
    )
    listing = client.get("/courses/").get_data(as_text=True)
    assert demo.course.title in listing and "archived" in listing
    assert client.post(f"/courses/{demo.course.id}/archive", data={"archived": "0"}).status_code == 302
    assert (
        login_client(app, "newbie").post("/courses/join", data={"code": demo.course.join_code}).status_code
        == 302
    )
