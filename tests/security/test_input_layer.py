"""Issue #15's malformed inputs, each sent to the endpoint that used to answer 500 or store unreadable text:
now a 400 that names the field, nothing written, and every page that reads the data still answers 200."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlalchemy import text

from app.extensions import db
from app.models import Response
from tests.security.conftest import client_for, row_counts


def _message(response) -> str:
    if response.is_json:
        return response.get_json()["error"]["message"]
    return response.get_data(as_text=True)


def _json(client, url: str, body: str):
    return client.post(
        url, data=body, content_type="application/json", headers={"Accept": "application/json"}
    )


def test_unpaired_surrogate_in_an_autosave_is_refused_and_pages_keep_working(app, world):
    student = client_for(app, world.user("student_a"))
    question = world.questions["short"]
    url = f"/quizzes/attempts/{world.attempt_open.id}/save"
    before = row_counts()
    body = '{"question_id": ' + str(question.id) + ', "answer": "\\udfff", "seq": 3}'
    response = _json(student, url, body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_input"
    assert "answer" in _message(response) and "surrogate" in _message(response)
    assert row_counts() == before
    ok = _json(student, url, json.dumps({"question_id": question.id, "answer": "caf\u00e9 😀", "seq": 4}))
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert student.get(f"/quizzes/attempts/{world.attempt_open.id}").status_code == 200
    assert student.get("/account/data.json").status_code == 200
    stored = db.session.scalars(
        db.select(Response.answer).where(Response.attempt_id == world.attempt_open.id)
    ).all()
    assert "caf\u00e9 😀" in stored


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"card_id": %(card)d, "rating": Infinity, "request_id": "r1"}', "rating"),
        ('{"card_id": Infinity, "rating": 3, "request_id": "r2"}', "card_id"),
        ('{"card_id": %(card)d, "rating": 1e999, "request_id": "r3"}', "rating"),
        ('{"card_id": %(card)d, "rating": 3, "request_id": "r4", "deck": "course:²"}', "deck"),
    ],
)
def test_study_review_refuses_non_finite_and_odd_digits(app, world, body, field):
    student = client_for(app, world.user("student_a"))
    before = row_counts()
    response = _json(student, "/study/review", body % {"card": world.card.id})
    assert response.status_code == 400, response.get_data(as_text=True)
    message = _message(response)
    assert field in message or "finite" in message, message
    assert row_counts() == before


@pytest.mark.parametrize("deck", ["course:²", "course:٣", "course:1.5"])
def test_study_undo_and_form_review_refuse_odd_deck_ids(app, world, deck):
    student = client_for(app, world.user("student_a"))
    response = student.post("/study/undo", data={"deck": deck})
    assert response.status_code == 400
    assert "deck" in _message(response)
    response = student.post(
        "/study/review",
        data={"card_id": world.card.id, "rating": "3", "request_id": uuid.uuid4().hex, "deck": deck},
    )
    assert response.status_code == 400


def test_query_and_form_integers_take_ascii_digits_in_range(app, world):
    teacher = client_for(app, world.user("teacher"))
    student = client_for(app, world.user("student_a"))
    for page in ("²", "٣", "99999999999999999999"):
        response = teacher.get("/bank/", query_string={"page": page})
        assert response.status_code == 400 and "page" in _message(response)
    assert teacher.get("/bank/", query_string={"page": "2"}).status_code == 200
    for card in ("²", "٣", "-1"):
        response = student.get("/study/", query_string={"card": card})
        assert response.status_code == 400 and "card" in _message(response)
    # An id beyond the column names no record, as in a path: not found, never a database overflow.
    assert student.get("/study/", query_string={"card": "9" * 30}).status_code == 404
    assert student.post("/study/undo", data={"deck": "course:" + "9" * 20}).status_code == 404
    before = row_counts()
    question = world.questions["mcq"]
    response = student.post(
        f"/quizzes/attempts/{world.attempt_open.id}",
        data={f"q-{question.id}": "Vexport", f"seq-{question.id}": "²"},
    )
    assert response.status_code == 400 and f"seq-{question.id}" in _message(response)
    response = teacher.post(f"/quizzes/{world.quiz.id}/items/add", data={"question_id": "٣", "points": "1"})
    assert response.status_code == 400 and "question_id" in _message(response)
    response = student.post(
        f"/quizzes/practice/{world.practice.id}/answer", data={"question_id": "99999999999999999999"}
    )
    assert response.status_code == 400 and "question_id" in _message(response)
    assert row_counts() == before
    # Non-ASCII digits in a path are no route at all, not an id.
    assert teacher.get(f"/quizzes/{'٣' * len(str(world.quiz.id))}").status_code == 404


def test_deep_json_is_refused_on_autosave_and_import(app, world):
    student = client_for(app, world.user("student_a"))
    teacher = client_for(app, world.user("teacher"))
    deep = "[" * 100_000 + "]" * 100_000
    response = _json(student, f"/quizzes/attempts/{world.attempt_open.id}/save", deep)
    assert response.status_code == 400 and "nested too deeply" in _message(response)
    response = _json(student, "/study/review", '{"deck":' * 100_000 + "1" + "}" * 100_000)
    assert response.status_code == 400
    before = row_counts()
    response = teacher.post(
        "/exports/import",
        data={"fmt": "json", "file": (io.BytesIO(deep.encode()), "bank.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (400, 422)
    assert "nested too deeply" in response.get_data(as_text=True)
    assert row_counts() == before


def test_a_multipart_part_without_a_name_is_no_crash(app, world):
    """Found by the fuzzer: a part with no name parses as the field None."""
    body = b"--zz\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--zz--\r\n"
    for role, url in (("teacher", "/exports/import"), ("student_a", "/courses/join")):
        response = client_for(app, world.user(role)).post(
            url, data=body, content_type="multipart/form-data; boundary=zz"
        )
        assert 400 <= response.status_code < 500, (url, response.status_code)


def test_surrogates_in_percent_encoded_forms_and_query_strings_are_refused_or_replaced(app, world):
    student = client_for(app, world.user("student_a"))
    before = row_counts()
    response = student.post(
        "/courses/join", data=b"code=%ED%A0%80", content_type="application/x-www-form-urlencoded"
    )
    assert 400 <= response.status_code < 500
    assert student.get("/study/?card=%ED%A0%80").status_code == 400
    assert row_counts() == before


def test_text_stored_before_the_input_layer_breaks_no_page(app, world, runner):
    """The issue's report: one stored surrogate made the attempt page, the instructor's review and the
    data download 500. Stored directly (as the old autosave did), it now shows as "?" until repaired."""
    short = world.questions["short"]
    student = client_for(app, world.user("student_a"))
    saved = _json(
        student,
        f"/quizzes/attempts/{world.attempt_open.id}/save",
        json.dumps({"question_id": short.id, "answer": "fine", "seq": 1}),
    )
    assert saved.status_code == 200
    json_type = "JSON" if db.engine.dialect.name == "postgresql" else "TEXT"
    with db.engine.begin() as conn:
        conn.execute(
            text(f"UPDATE response SET answer = CAST(:bad AS {json_type}) WHERE question_id = :qid"),
            {"bad": '"bad \\udfff text"', "qid": short.id},
        )
    db.session.expire_all()
    teacher = client_for(app, world.user("teacher"))
    pages = [
        (student, f"/quizzes/attempts/{world.attempt_open.id}"),
        (student, "/account/data.json"),
        (teacher, f"/quizzes/attempts/{world.attempt_done.id}/review"),
        (teacher, f"/quizzes/{world.quiz.id}/gradebook"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert "bad ? text" in student.get("/account/data.json").get_data(as_text=True)
    assert runner.invoke(args=["check-text", "--repair"]).exit_code == 0
    assert runner.invoke(args=["check-text"]).output.strip() == "All stored text is valid UTF-8."
