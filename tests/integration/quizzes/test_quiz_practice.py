"""Practice: N questions of a topic, feedback with explanation and source link right after each answer."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, Question
from tests.integration.quizzes.conftest import login_client


def _form_answer(question: Question) -> dict[str, str]:
    """A well-formed (not necessarily right) answer in the attempt form's field names."""
    name = f"q-{question.id}"
    if question.qtype in ("mcq", "multi"):
        return {name: question.options[0]}
    if question.qtype == "tf":
        return {name: "true"}
    if question.qtype == "numeric":
        return {name: "1"}
    if question.qtype == "cloze":
        return {f"{name}-{i}": "zz" for i in range(1, len(question.answer) + 1)}
    if question.qtype == "matching":
        return {f"{name}-1": question.answer[0]["right"]}
    return {name: "zz"}


def test_practice_gives_immediate_feedback_and_finishes(app, demo):
    client = login_client(app, "student")
    response = client.post("/quizzes/practice", data={"article": "", "topic": "key-figures", "count": "2"})
    assert response.status_code == 302
    attempt = db.session.scalar(select(Attempt).where(Attempt.mode == "practice"))
    assert attempt.quiz_id is None and len(attempt.layout) == 2
    page = client.get(f"/quizzes/practice/{attempt.id}").get_data(as_text=True)
    first = db.session.get(Question, attempt.layout[0]["question_id"])
    assert first.explanation[:40] not in page
    for entry in attempt.layout:
        question = db.session.get(Question, entry["question_id"])
        client.post(
            f"/quizzes/practice/{attempt.id}/answer",
            data={"question_id": question.id, **_form_answer(question)},
        )
    page = client.get(f"/quizzes/practice/{attempt.id}").get_data(as_text=True)
    assert "Correct answer" in page and first.explanation[:40] in page
    assert f"?s={first.sentence_ids[0]}#{first.sentence_ids[0]}" in page
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state == "submitted"


def test_practice_needs_matching_questions(app, demo):
    client = login_client(app, "student")
    response = client.post("/quizzes/practice", data={"topic": "", "article": "", "count": "0"})
    assert response.status_code == 422
