"""A student downloads their own data as JSON: every review and response of theirs, nobody else's, no
password hash, and no answer key of an attempt whose review is not open yet."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, Card, Question, Response, ReviewLog, StudyOptimisation
from tests.reliability.conftest import build_world


def _download(client, username: str) -> tuple[dict, str]:
    response = client.post("/login", data={"username": username, "password": "casewise-demo"})
    assert response.status_code == 302, response.data
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="casewise-{username}-data.json"'
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    return json.loads(text), text


def _optimised(user, rmse_after: float) -> None:
    db.session.add(StudyOptimisation(user_id=user.id, reviews=500, items=420, log_loss_before=0.3,
                                     rmse_before=0.08, log_loss_after=0.25, rmse_after=rmse_after,
                                     updated=True))  # fmt: skip
    user.fsrs_parameters = [rmse_after] * 21
    db.session.commit()


def test_the_download_holds_all_of_my_data_and_nothing_of_anyone_else(app, client):
    world = build_world(students=2)
    me, other = world.students
    _optimised(me, 0.05)
    _optimised(other, 0.06)
    data, text = _download(client, me.username)

    assert data["format"] == "casewise-student-data"
    assert data["profile"]["username"] == me.username
    assert "password" not in text and me.password_hash not in text
    assert data["study_settings"] == {
        "desired_retention": me.desired_retention,
        "new_per_day": me.new_per_day,
        "reviews_per_day": me.reviews_per_day,
        "timezone": me.timezone,
    }
    assert data["fsrs_optimisation"]["parameters"] == [0.05] * 21
    assert [(r["rmse_after"], r["outcome"]) for r in data["fsrs_optimisation"]["runs"]] == [(0.05, "updated")]
    assert [e["course"] for e in data["enrolments"]] == ["Ventures 101"]

    # Every review log of mine, with the card state it was graded from; none of the other student's.
    mine = db.session.scalars(
        select(ReviewLog).where(ReviewLog.user_id == me.id).order_by(ReviewLog.id)
    ).all()
    assert sorted(r["request_id"] for r in data["reviews"]) == sorted(world.request_ids[me.username])
    assert sorted(r["id"] for r in data["reviews"]) == [log.id for log in mine]
    my_cards = db.session.scalars(select(Card.id).where(Card.user_id == me.id)).all()
    assert sorted(c["id"] for c in data["cards"]) == sorted(my_cards)
    per_card = Counter(log.card_id for log in mine)
    assert {c["id"]: c["reps"] for c in data["cards"]} == {card_id: per_card[card_id] for card_id in my_cards}
    for request_id in world.request_ids[other.username]:
        assert request_id not in text
    assert other.username not in text

    # Every attempt of mine with every saved response.
    assert [a["id"] for a in data["attempts"]] == world.attempts[me.username]
    saved = db.session.scalars(select(Response).join(Attempt).where(Attempt.user_id == me.id)).all()
    uids = {q.id: q.uid for q in db.session.scalars(select(Question))}
    exported = {
        (a["id"], r["question"]["id"]): r["answer"]
        for a in data["attempts"]
        for r in a["responses"]
        if r["saved_at"] is not None
    }
    assert exported == {(r.attempt_id, uids[r.question_id]): r.answer for r in saved}
    assert f"ANS-{me.username} statement" in text and f"HID-{me.username} statement" in text
    assert f"ANS-{other.username}" not in text and f"HID-{other.username}" not in text


def test_answer_keys_only_where_the_review_is_open(app, client):
    world = build_world(students=1)
    data, text = _download(client, world.students[0].username)
    done, hidden, in_progress, practice = data["attempts"]

    # Feedback after submission: the review is open; every question has its grade and key.
    assert done["state"] == "submitted" and done["review_open"] is True
    assert done["score"] is not None and done["max_score"] == len(world.questions)
    assert all({"fraction", "correct_answer", "explanation"} <= set(r) for r in done["responses"])
    assert {r["explanation"] for r in done["responses"]} == {f"EXPL-rel-{n}" for n in range(1, 7)}

    # Feedback after the quiz closes (next week): the total, as the review page shows, but no key.
    assert hidden["state"] == "submitted" and hidden["review_open"] is False
    assert hidden["review_opens_at"] is not None and hidden["score"] is not None
    for response in hidden["responses"]:
        assert set(response) == {"number", "question", "points", "answer", "saved_at"}
    assert "EXPL-hid" not in text
    assert "Tallin Bay" in json.dumps(done) and "412.5" in json.dumps(done)  # keys of the open review

    # In progress: my answers so far, nothing graded.
    assert in_progress["state"] == "in_progress" and in_progress["score"] is None
    assert all("correct_answer" not in r for r in in_progress["responses"])

    # Practice: feedback for the answered question only, as the practice page shows it.
    answered = [r for r in practice["responses"] if r["answer"] is not None]
    unanswered = [r for r in practice["responses"] if r["answer"] is None]
    assert len(answered) == 1 and "correct_answer" in answered[0]
    assert unanswered and all("correct_answer" not in r for r in unanswered)


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    response = client.get("/account/data.json")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_settings_page_links_to_the_download(app, client):
    build_world(students=1)
    client.post("/login", data={"username": "student1", "password": "casewise-demo"})
    page = client.get("/study/settings").get_data(as_text=True)
    assert 'href="/account/data.json"' in page and "Download my data (JSON)" in page
