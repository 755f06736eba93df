"""The builder: settings validation, fixed questions and random draws, access to other courses' quizzes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.courses.service import create_course
from app.extensions import db
from app.models import Quiz, QuizItem
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client

SETTINGS = {"title": "Week 1", "attempts_allowed": "1", "grading_method": "highest"}
SETTINGS["feedback_timing"] = "after_submission"


def test_close_before_open_is_refused_beside_the_field(app, demo):
    client = login_client(app, "instructor")
    data = {
        **SETTINGS,
        "course_id": str(demo.course.id),
        "opens_at": "2030-05-02T10:00",
        "closes_at": "2030-05-01T10:00",
    }
    response = client.post("/quizzes/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="closes_at-error"' in page and "close after it opens" in page
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0


def test_instructor_builds_a_quiz_with_fixed_questions_and_a_draw(app, demo):
    client = login_client(app, "instructor")
    settings = {**SETTINGS, "course_id": str(demo.course.id), "published": "y"}
    warned = client.post("/quizzes/new", data=settings)  # publishing an empty quiz asks for a confirmation
    assert warned.status_code == 422 and "no questions yet" in warned.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0
    response = client.post("/quizzes/new", data={**settings, "confirm_publish": "y"})
    assert response.status_code == 302
    quiz = db.session.scalar(select(Quiz))
    mcq = first_of("mcq")
    editor = client.get(f"/quizzes/{quiz.id}/edit?topic={mcq.topic}&type=mcq").get_data(as_text=True)
    assert mcq.stem[:30] in editor
    ids = [str(first_of(t).id) for t in ("mcq", "tf")]
    assert (
        client.post(f"/quizzes/{quiz.id}/items/add", data={"question_id": ids, "points": "2"}).status_code
        == 302
    )
    draw = {"draw_topic": "strategic-risks", "draw_count": "3", "points": "1"}
    assert client.post(f"/quizzes/{quiz.id}/items/draw", data=draw).status_code == 302
    too_many = client.post(f"/quizzes/{quiz.id}/items/draw", data={**draw, "draw_count": "99"})
    assert too_many.status_code == 422
    db.session.expire_all()
    assert [(i.position, i.question_id is not None, i.points) for i in quiz.items] == [
        (1, True, 2.0),
        (2, True, 2.0),
        (3, False, 1.0),
    ]
    assert service.max_points(quiz) == 7.0
    # Reorder: the draw moves up, positions stay 1..n.
    draw_item = quiz.items[2]
    client.post(f"/quizzes/{quiz.id}/items/{draw_item.id}", data={"action": "up"})
    db.session.expire_all()
    assert [i.id for i in quiz.items][1] == draw_item.id
    assert sorted(i.position for i in quiz.items) == [1, 2, 3]
    # Students see the published quiz on the course's list.
    listing = service.quizzes_for_course(demo.course, demo.student)
    assert [entry.quiz.id for entry in listing] == [quiz.id]


def test_random_draws_differ_by_seed_and_never_repeat_a_fixed_question(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq",))
    fixed = first_of("mcq")
    service.add_draw(quiz, fixed.topic, 4)
    layouts = set()
    for seed in range(6):
        layout = service.layout_for(quiz, seed)
        ids = [entry["question_id"] for entry in layout]
        assert len(ids) == 5 and len(set(ids)) == 5 and ids[0] == fixed.id
        layouts.add(tuple(ids))
        assert service.layout_for(quiz, seed) == layout  # the seed alone decides it
    assert len(layouts) > 1


def test_unpublished_quizzes_are_hidden_and_other_instructors_get_403(app, make_quiz, demo, make_user):
    quiz = make_quiz(published=False)
    assert service.quizzes_for_course(demo.course, demo.student) == []
    student = login_client(app, "student")
    assert student.get(f"/quizzes/{quiz.id}").status_code == 403
    assert student.get(f"/quizzes/{quiz.id}/edit").status_code == 403
    other = make_user("other", "instructor")
    create_course(other, "Another course")
    outsider = login_client(app, "other")
    for path in ("edit", "gradebook", "grades.csv", "analysis"):
        assert outsider.get(f"/quizzes/{quiz.id}/{path}").status_code == 403
    # An instructor cannot move a quiz into a course they do not teach.
    data = {**SETTINGS, "course_id": str(demo.course.id)}
    assert outsider.post("/quizzes/new", data=data).status_code == 422
    assert (
        db.session.scalar(select(func.count()).select_from(QuizItem).where(QuizItem.quiz_id != quiz.id)) == 0
    )


def _counts_box(page: str) -> str:
    return re.search(r'<input[^>]*name="counts_in_average"[^>]*>', page).group(0)


def test_counts_toward_the_course_average_round_trips_through_the_settings_form(app, demo):
    client = login_client(app, "instructor")
    data = {**SETTINGS, "course_id": str(demo.course.id)}
    new_form = client.get("/quizzes/new").get_data(as_text=True)
    assert "Counts toward the course average" in new_form
    assert "checked" in _counts_box(new_form)  # a new quiz counts by default
    created = client.post("/quizzes/new", data={**data, "counts_in_average": "y"})
    assert created.status_code == 302
    quiz = db.session.scalar(select(Quiz).where(Quiz.title == "Week 1"))
    assert quiz.counts_in_average is True

    # An unticked box sends nothing: the quiz leaves the average, and the form shows it unticked.
    assert client.post(f"/quizzes/{quiz.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Quiz, quiz.id).counts_in_average is False
    assert "checked" not in _counts_box(client.get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True))

    assert client.post(f"/quizzes/{quiz.id}/edit", data={**data, "counts_in_average": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Quiz, quiz.id).counts_in_average is True
    assert "checked" in _counts_box(client.get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True))


@pytest.mark.parametrize(
    ("field", "value"),
    [("closes_at", "9999-12-31T22:00"), ("opens_at", "9999-12-31T23:59"), ("closes_at", "0001-01-01T00:00")],
)
def test_a_date_out_of_the_calendar_is_refused_beside_the_field_not_a_500(app, demo, field, value):
    """9999-12-31 22:00 in New York is in the year 10000 in UTC: it overflowed and gave a 500."""
    demo.instructor.timezone = "America/New_York"
    db.session.commit()
    client = login_client(app, "instructor")
    data = {**SETTINGS, "course_id": str(demo.course.id), field: value}
    response = client.post("/quizzes/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and "between the years 2000 and 2999" in page
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0
    quiz = service.save_quiz(demo.instructor, service.QuizSettings(title="Open", course=demo.course))
    edited = client.post(f"/quizzes/{quiz.id}/edit", data=data)
    assert edited.status_code == 422 and "between the years 2000 and 2999" in edited.get_data(as_text=True)
    override = client.post(
        f"/quizzes/{quiz.id}/overrides", data={"student": str(demo.student.id), "closes_at": value}
    )
    assert override.status_code == 422
    assert "between the years 2000 and 2999" in override.get_data(as_text=True)


def test_adding_questions_keeps_the_filter_and_says_what_happened(app, demo):
    client = login_client(app, "instructor")
    quiz = service.save_quiz(demo.instructor, service.QuizSettings(title="Filtered", course=demo.course))
    mcq = first_of("mcq")
    query = f"?topic={mcq.topic}&type=mcq"
    page = client.get(f"/quizzes/{quiz.id}/edit{query}").get_data(as_text=True)
    action = re.search(r'action="(/quizzes/\d+/items/add[^"]*)"', page).group(1).replace("&amp;", "&")
    assert f"topic={mcq.topic}" in action and "type=mcq" in action
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"points": "1", "csrf_token": token.group(1) if token else ""}
    cases = [
        ({**data, "question_id": str(mcq.id)}, "Added 1 question."),
        ({**data, "question_id": str(mcq.id)}, "Nothing added: the ticked questions are already in the quiz"),
        (data, "Tick at least one question to add."),
        (
            {**data, "points": "0", "question_id": str(mcq.id)},
            "Points each: give a number from 0.01 to 1000.",
        ),
    ]
    for form, message in cases:
        response = client.post(action, data=form)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/quizzes/{quiz.id}/edit{query}")
        assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [item.question_id for item in db.session.get(Quiz, quiz.id).items] == [mcq.id]
