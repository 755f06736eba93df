"""Small things the QA walkthrough found: hints that fit the question, the favicon, joining a course twice."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from app.extensions import db
from app.models import Question
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client


def _attempt_page(app, quiz) -> str:
    client = login_client(app, "student")
    location = client.post(f"/quizzes/{quiz.id}/start").headers["Location"]
    return client.get(location).get_data(as_text=True)


def test_hints_fit_the_question_an_amount_for_money_and_one_blank_in_the_singular(app, make_quiz):
    price = db.session.scalar(select(Question).where(Question.uid == "flm-kf-003"))
    assert price.answer["unit"] == "HK$ per share"
    cloze = Question(
        uid="one-blank-cloze",
        qtype="cloze",
        stem="FAW and Leapmotor formed a {{1}}.",
        answer=[["joint venture"]],
        topic="one-blank",
        status="approved",
    )
    db.session.add(cloze)
    db.session.commit()
    quiz = make_quiz(types=())
    service.add_questions(quiz, [price.id, cloze.id])
    page = _attempt_page(app, quiz)
    assert "A number in HK$ per share, e.g. 55.29 or 1,234.50 (digits 0-9, a point for decimals)." in page
    assert "10.6%" not in page
    assert "Type one answer in the blank." in page and "each of the 1 blank" not in page


def test_favicon_is_linked_and_served(client):
    assert 'rel="icon"' in client.get("/login").get_data(as_text=True)
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_joining_a_course_again_says_you_are_already_in_it(app, demo):
    student = login_client(app, "student")
    response = student.post("/courses/join", data={"code": demo.course.join_code}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"You are already in {demo.course.title}." in page and "You joined" not in page


def test_the_review_lists_multi_and_matching_answers_a_part_a_line_each_marked(app, make_quiz, demo):
    quiz = make_quiz(types=("multi", "matching"))
    multi, matching = first_of("multi"), first_of("matching")
    wrong_option = next(o for o in multi.options if o not in multi.answer)
    key = [(pair["left"], pair["right"]) for pair in matching.answer]
    (left1, right1), (left2, right2) = key[:2]
    attempt = service.start_attempt(quiz, demo.student)
    swapped = {**dict(key), left1: right2, left2: right1}
    service.submit_attempt(attempt, {multi.id: [multi.answer[0], wrong_option], matching.id: swapped})
    page = unescape(
        login_client(app, "student").get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    )
    assert " | " not in page
    assert f'<li class="right"><span class="mark">✓ Right</span> {multi.answer[0]}</li>' in page
    assert f'<li class="wrong"><span class="mark">✗ Wrong</span> {wrong_option}</li>' in page
    assert f'<li class="wrong"><span class="mark">✗ Wrong</span> {left1} → {right2}</li>' in page
    for left, right in key[2:]:
        assert f'<li class="right"><span class="mark">✓ Right</span> {left} → {right}</li>' in page
    # The key, one option or pair a line.
    assert all(f"<li>{left} → {right}</li>" in page for left, right in key)
    assert all(f"<li>{option}</li>" in page for option in multi.answer)
