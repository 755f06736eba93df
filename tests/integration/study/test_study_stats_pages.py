"""The statistics pages: the student's own SVG charts, and the course view's access control."""

from __future__ import annotations

import re

from app.auth.service import find_user
from app.cli import DEMO_COURSE_CODE
from app.courses.service import find_by_code
from app.extensions import db
from app.models import Question
from tests.integration.study.test_study_flow import grade


def test_stats_page_counts_cards_by_state(client, student, screen):
    grade(client, screen(), 3)  # learning
    grade(client, screen(), 4)  # review
    html = client.get("/study/stats").get_data(as_text=True)
    approved = db.session.scalar(db.select(db.func.count()).where(Question.status == "approved"))
    counts = dict(re.findall(r'<dd id="count-(\w+)">(\d+)</dd>', html))
    assert counts == {"new": str(approved - 2), "learning": "1", "review": "1", "relearning": "0"}
    assert html.count("<svg") == 5
    assert '<title id="forecast-chart-title">Due forecast, next 30 days</title>' in html
    assert re.search(r"<title>\d{4}-\d\d-\d\d: 2 reviews</title>", html)


def test_stats_page_for_a_student_without_reviews(client, student):
    response = client.get("/study/stats")
    assert response.status_code == 200
    assert "No answers on review cards in the last 30 days." in response.get_data(as_text=True)


def test_course_stats_for_its_instructor_only(client, auth, student, screen, make_user):
    grade(client, screen(), 3)
    course = find_by_code(DEMO_COURSE_CODE)
    url = f"/study/course/{course.id}/stats"
    assert client.get(url).status_code == 403  # a student of the course
    auth.logout()
    make_user("outsider", "instructor")
    auth.login("outsider")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("instructor")
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in html and "<td>1</td>" in html
    assert "Sam Student" not in html and "student2" not in html
    assert client.get("/study/course/999999/stats").status_code == 404


def test_course_deck_for_members_only(client, auth, student, make_user):
    course = find_by_code(DEMO_COURSE_CODE)
    assert client.get(f"/study/course/{course.id}").status_code == 200
    auth.logout()
    make_user("loner")
    auth.login("loner")
    assert client.get(f"/study/course/{course.id}").status_code == 403
    assert find_user("loner") is not None
