"""The review loop over HTTP: first card, grading, idempotent retries, undo, and every refusal."""

from __future__ import annotations

import re

from app.auth.service import find_user
from app.extensions import db
from app.models import Question
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
    assert 'id="back" tabindex="-1" aria-labelledby="back-title" hidden' in first.html
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


def test_everything_deck_lists_decks(client, student, screen):
    page = screen("/study/")
    assert "/study/article/faw-leapmotor-mou" in page.html
    assert "/study/topic/key-figures" in page.html
    assert find_user("student").id == student.id
