"""Hostile values the live sweep (NUL, 20-digit ids) found answering 500 on PostgreSQL: now a message beside
the field or an error naming it, and nothing written. Both databases (SQLite took them; PostgreSQL refuses NUL
in a text column and an integer beyond its range)."""

from __future__ import annotations

import json

import pytest

from tests.security.conftest import client_for, row_counts

NUL = "a\x00b"
ACCEPT_JSON = {"Accept": "application/json"}


@pytest.mark.parametrize(
    ("role", "url", "data", "field"),
    [
        ("teacher", "/courses/new", {"title": NUL, "description": ""}, "title"),
        ("teacher", "/courses/new", {"title": "Ok", "description": NUL}, "description"),
        ("student_a", "/courses/join", {"code": "COURSE\x0011"}, "code"),
        (
            "anon",
            "/register",
            {"username": NUL, "password": "long-enough-pw", "confirm": "long-enough-pw"},
            "username",
        ),
        ("anon", "/login", {"username": NUL, "password": "x"}, "username"),
        ("admin", "/lti/platforms", {"name": NUL, "issuer": "https://lms.example"}, "name"),
    ],
)
def test_a_control_character_in_a_form_field_is_named_beside_it(app, world, backend, role, url, data, field):
    client = client_for(app, world.user(role))
    client.get(url)  # a first visit may create what the page shows (the LTI tool key): not this request's
    before = row_counts()
    response = client.post(url, data=data)
    assert response.status_code in (400, 422), response.status_code
    page = response.get_data(as_text=True)
    assert "control character (U+0000)" in page, page[:400]
    assert row_counts() == before


def test_course_edit_refuses_a_nul_and_keeps_the_old_title(app, world, backend):
    teacher = client_for(app, world.user("teacher"))
    response = teacher.post(f"/courses/{world.course.id}/edit", data={"title": NUL, "description": ""})
    assert response.status_code == 422
    assert "control character (U+0000)" in response.get_data(as_text=True)
    assert teacher.get(f"/courses/{world.course.id}").status_code == 200
    assert "Course One" in teacher.get(f"/courses/{world.course.id}").get_data(as_text=True)


def test_quiz_settings_refuse_a_nul_in_the_title(app, world, backend):
    teacher = client_for(app, world.user("teacher"))
    page = teacher.get(f"/quizzes/{world.quiz.id}/edit")
    assert page.status_code == 200
    response = teacher.post(f"/quizzes/{world.quiz.id}/edit", data={"title": NUL, "save": "1"})
    assert response.status_code == 422, response.status_code
    assert "control character (U+0000)" in response.get_data(as_text=True)
    assert "Deal quiz" in teacher.get(f"/quizzes/{world.quiz.id}/edit").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "url", "query"),
    [
        ("teacher", "/quizzes/{quiz}/edit", "q=a%00b&topic=x%00&type=mcq%00&article=a%00"),
        (
            "anon",
            "/lti/login",
            "iss=https%3A%2F%2Flms%00&target_link_uri=http%3A%2F%2Flocalhost%2F&login_hint=1",
        ),
        (
            "anon",
            "/lti/login",
            "iss=https%3A%2F%2Flms&client_id=c%00&target_link_uri=http%3A%2F%2Flocalhost%2F",
        ),
    ],
)
def test_a_nul_in_a_lookup_finds_nothing_instead_of_a_500(app, world, backend, role, url, query):
    client = client_for(app, world.user(role))
    response = client.get(url.format(quiz=world.quiz.id) + "?" + query)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert "No LMS with issuer" in response.get_data(as_text=True)


@pytest.mark.parametrize("as_json", [True, False])
def test_a_study_review_with_a_nul_in_its_request_id_is_refused_and_writes_nothing(
    app, world, backend, as_json
):
    student = client_for(app, world.user("student_a"))
    body = {"card_id": world.card.id, "rating": 3, "request_id": "r\x00", "deck": "all"}
    before = row_counts()
    if as_json:
        response = student.post(
            "/study/review",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Accept": "application/json"},
        )
    else:
        response = student.post("/study/review", data=body, headers=ACCEPT_JSON)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "bad_request_id"
    assert "control characters" in response.get_json()["error"]["message"]
    assert row_counts() == before


def test_an_override_for_a_student_id_beyond_any_integer_column_is_named_not_a_500(app, world, backend):
    teacher = client_for(app, world.user("teacher"))
    before = row_counts()
    response = teacher.post(
        f"/quizzes/{world.quiz.id}/overrides", data={"student": "99999999999999999999", "extra_attempts": "1"}
    )
    assert response.status_code == 422, response.status_code
    assert "Choose a student from the list." in response.get_data(as_text=True)
    assert row_counts() == before
