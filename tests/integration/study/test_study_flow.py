"""The review loop over HTTP: first card, grading, idempotent retries, undo, and every refusal."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template
from flask_login import login_user

from app.auth.service import find_user
from app.extensions import db
from app.models import Card, Question, ReviewLog
from app.study import service
from tests.integration.study.conftest import DECK, card, log_count


def grade(client, screen_, rating, request_id=None, as_json=False):
    data = {
        "card_id": screen_.card_id,
        "rating": rating,
        "request_id": request_id or screen_.request_id,
        "deck": "article:faw-leapmotor-mou",
    }
    if as_json:
        return client.post("/study/review", json=data, headers={"Accept": "application/json"})
    return client.post("/study/review", data=data)


def test_first_card_is_new_and_good_moves_to_the_next(client, student, screen):
    first = screen()
    assert 'class="badge">new<' in first.html
    assert card(first.card_id).state == 0
    response = grade(client, first, 3)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(DECK)
    graded = card(first.card_id)
    assert (graded.state, graded.reps) == (1, 1)
    assert log_count(student.id) == 1
    second = screen()
    assert second.card_id != first.card_id
    assert "1 done today" in second.html


def test_buttons_show_intervals_and_source_link(client, student, screen):
    first = screen()
    buttons = re.findall(r'grade-label">(\w+)</span>\s*<span class="grade-interval">([^<]+)<', first.html)
    assert buttons[:3] == [("Again", "1m"), ("Hard", "6m"), ("Good", "10m")]
    assert buttons[3][0] == "Easy" and buttons[3][1].endswith("d")
    assert 'id="back" tabindex="-1" aria-labelledby="back-title">' in first.html
    assert "/articles/faw-leapmotor-mou?s=p1s1#p1s1" in first.html


def test_no_js_show_answer_link_reveals_the_back(client, student, screen):
    shown = screen(DECK + "?show=1")
    assert 'aria-labelledby="back-title">' in shown.html
    assert 'id="show-answer"' not in shown.html


def test_retried_post_grades_once(client, student, screen):
    first = screen()
    one = grade(client, first, 3, as_json=True)
    two = grade(client, first, 3, as_json=True)
    assert one.status_code == two.status_code == 200
    assert one.json["replayed"] is False and two.json["replayed"] is True
    assert {k: v for k, v in one.json.items() if k != "replayed"} == {
        k: v for k, v in two.json.items() if k != "replayed"
    }
    assert log_count(student.id) == 1
    assert card(first.card_id).reps == 1


def test_undo_restores_the_card_and_removes_the_log(client, student, screen):
    first = screen()
    before = card(first.card_id)
    snapshot = (before.state, before.reps, before.due, before.last_review)
    grade(client, first, 4)
    assert card(first.card_id).state == 2
    response = client.post("/study/undo", data={"deck": "article:faw-leapmotor-mou"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{DECK}?card={first.card_id}")
    after = card(first.card_id)
    assert (after.state, after.reps, after.due, after.last_review) == snapshot
    assert log_count(student.id) == 0
    assert screen(response.headers["Location"]).card_id == first.card_id
    nothing = client.post("/study/undo", json={}, headers={"Accept": "application/json"})
    assert nothing.status_code == 409
    assert nothing.json["error"]["code"] == "nothing_to_undo"


def test_grade_outside_one_to_four_is_refused(client, student, screen):
    first = screen()
    for bad in (5, 0, "3.5", "good"):
        response = grade(client, first, bad, as_json=True)
        assert response.status_code == 422, bad
        assert response.json["error"]["code"] == "bad_rating"
    assert log_count() == 0
    assert card(first.card_id).state == 0


def test_another_students_card_is_not_found(client, auth, student, screen):
    first = screen()
    auth.logout()
    auth.login("student2")
    response = grade(client, first, 3)
    assert response.status_code == 404
    assert "There is no such card" in response.get_data(as_text=True)
    assert log_count() == 0
    assert (card(first.card_id).state, card(first.card_id).reps) == (0, 0)
    assert client.get(f"{DECK}?card={first.card_id}").status_code == 404


def test_retired_question_is_refused_and_never_shown(client, student, screen):
    first = screen()
    question = db.session.get(Question, card(first.card_id).question_id)
    question.status = "retired"
    db.session.commit()
    response = grade(client, first, 3, as_json=True)
    assert response.status_code == 409
    assert "retired" in response.json["error"]["message"]
    assert log_count() == 0
    assert (card(first.card_id).state, card(first.card_id).reps) == (0, 0)
    assert screen().card_id != first.card_id


def test_card_not_due_is_refused(client, student, screen):
    first = screen()
    grade(client, first, 4)  # Easy: a review card due in days
    again = grade(client, first, 3, request_id="a-new-request", as_json=True)
    assert again.status_code == 409
    assert again.json["error"]["message"] == "This card is not due yet."
    assert log_count(student.id) == 1


def test_missing_request_id_is_refused(client, student, screen):
    first = screen()
    response = client.post("/study/review", data={"card_id": first.card_id, "rating": 3})
    assert response.status_code == 422
    assert log_count() == 0


def test_decks_page_lists_decks_and_the_review_screen_links_it(client, student, screen):
    assert 'href="/study/decks"' in screen("/study/").html
    page = screen("/study/decks")
    assert "/study/article/faw-leapmotor-mou" in page.html
    assert "/study/topic/key-figures" in page.html
    assert find_user("student").id == student.id


@pytest.mark.parametrize("bad_id", [2**31, 2**70, -1, 0, "abc", "", None, "1; DROP TABLE card"])
def test_card_ids_that_name_no_card_are_not_found(client, student, screen, bad_id):
    first = screen()
    data = {"card_id": bad_id, "rating": 3, "request_id": first.request_id, "deck": "all"}
    response = client.post("/study/review", json=data, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "no_card"
    assert log_count() == 0
    assert (card(first.card_id).state, card(first.card_id).reps) == (0, 0)


def test_a_card_number_too_large_in_the_address_is_not_found(client, student):
    response = client.get("/study/?card=99999999999999999999999")
    assert response.status_code == 404
    assert "There is no such card" in response.get_data(as_text=True)


def test_an_unknown_deck_in_the_grade_is_refused_before_grading(client, student, screen):
    first = screen()
    data = {"card_id": first.card_id, "rating": 3, "request_id": first.request_id, "deck": "article:nope"}
    response = client.post("/study/review", json=data, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "no_article"
    assert log_count() == 0


def test_a_body_that_is_not_an_object_is_a_clear_422(client, student, screen):
    screen()
    response = client.post("/study/review", json=[1, 2, 3], headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "bad_rating"
    assert log_count() == 0


def test_a_nonsense_duration_is_dropped_not_a_500(client, student, screen):
    first = screen()
    data = {"card_id": first.card_id, "rating": 3, "request_id": first.request_id, "duration_ms": "1e999"}
    response = client.post("/study/review", json=data, headers={"Accept": "application/json"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(db.select(ReviewLog.duration_ms)) is None


def test_one_form_sends_the_pressed_buttons_rating(client, student, screen):
    first = screen()
    assert first.html.count('class="grade-form"') == 1
    assert first.html.count('name="rating" value=') == 4
    assert first.html.count('name="csrf_token"') <= 3  # page, logout and the one grade form (+ undo)


def test_come_back_time_is_on_the_students_clock(app, student):
    """Nothing left but a learning card due in two hours: Done says when, on the student's clock."""
    noon_in_tokyo = datetime(2026, 5, 6, 3, 0, tzinfo=UTC)  # UTC+9 all year: 12:00 there
    service.update_settings(student, 0.9, 0, 200, "Asia/Tokyo")
    question = db.session.scalar(db.select(Question).where(Question.status == "approved"))
    due = noon_in_tokyo + timedelta(hours=2)
    db.session.add(
        Card(
            user_id=student.id,
            question_id=question.id,
            state=1,
            step=1,
            stability=2.0,
            difficulty=5.0,
            due=due,
            last_review=due - timedelta(hours=3),
            reps=1,
        )
    )
    db.session.commit()
    done = service.next_card(student, service.everything(), now=noon_in_tokyo)
    assert isinstance(done, service.Done) and done.come_back_at == due
    assert done.come_back_local.strftime("%H:%M %Z") == "14:00 JST"
    login_user(student)
    html = render_template(
        "study/review.html", deck=service.everything(), shown=done, done=True, deck_url="/study/"
    )
    assert '<time datetime="2026-05-06T05:00:00+00:00">14:00</time>' in html
    assert "(Asia/Tokyo)" in html
