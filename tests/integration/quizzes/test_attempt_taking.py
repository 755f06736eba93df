"""The attempt page's contract: every type's answer shape through autosave (and a wrong shape for each),
the refusals (404 not in the attempt, 409 closed, 422 wrong shape) writing nothing, flags for review,
paging, the summary before the submit, practice keeping a typed answer, and cloze blanks shown as blanks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, Question, Quiz, Response, utcnow
from app.quizzes import service
from app.quizzes.grading import ANSWER_SHAPES, VALIDATORS
from tests.integration.quizzes.conftest import login_client
from tests.integration.quizzes.matrix import matrix_rows


@pytest.fixture
def matrix_quiz(demo):
    """A published quiz holding one question of every type (cloze with 1 and with 2 blanks), in order."""

    def factory(**settings):
        rows = matrix_rows()
        values = {"title": "Every type", "course": demo.course, "published": True, **settings}
        quiz = service.save_quiz(demo.instructor, service.QuizSettings(**values))
        service.add_questions(quiz, [row.question.id for row in rows])
        return quiz, rows

    return factory


def _start(client, quiz) -> int:
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.data
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _save(client, attempt_id, question_id, answer, seq):
    return client.post(
        f"/quizzes/attempts/{attempt_id}/save",
        json={"question_id": question_id, "answer": answer, "seq": seq},
    )


def _stored(attempt_id: int) -> dict[int, Response]:
    db.session.expire_all()
    rows = db.session.scalars(select(Response).where(Response.attempt_id == attempt_id))
    return {r.question_id: r for r in rows}


def test_answer_shapes_name_every_type_the_server_validates_and_essay():
    assert set(VALIDATORS) | {"essay"} == set(ANSWER_SHAPES)
    assert all(len(text) > 10 for text in ANSWER_SHAPES.values())


def test_every_type_saves_its_shape_and_refuses_a_wrong_one_writing_nothing(app, matrix_quiz):
    quiz, rows = matrix_quiz()
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    for row in rows:
        # The page names each question's type and the shape the server takes for it.
        shape = ANSWER_SHAPES[row.qtype].replace('"', "&#34;")
        assert f'data-qtype="{row.qtype}"' in page and f'data-answer-shape="{shape}"' in page
        wrong, word = row.wrong_shape()
        refused = _save(client, attempt_id, row.question.id, wrong, 1)
        assert refused.status_code == 422, (row.label, refused.data)
        error = refused.json["error"]
        assert error["code"] == "bad_answer" and word in error["message"], (row.label, error)
        assert row.question.id not in _stored(attempt_id), row.label
        saved = _save(client, attempt_id, row.question.id, row.right(), 2)
        assert saved.status_code == 200, (row.label, saved.data)
        assert saved.json == {"saved": 2, "question_id": row.question.id}
        stored = _stored(attempt_id)[row.question.id]
        assert (stored.answer, stored.seq) == (row.stored_right(), 2), row.label
        # A wrong shape after a good save leaves the good one in place.
        assert _save(client, attempt_id, row.question.id, wrong, 3).status_code == 422
        assert _stored(attempt_id)[row.question.id].answer == row.stored_right()
    # Reloaded, the page shows every saved answer, and submitting grades each one right.
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    cloze2 = next(r for r in rows if r.label == "cloze-2")
    for i, text in enumerate(cloze2.right(), start=1):
        assert re.search(rf'name="q-{cloze2.question.id}-{i}"[^>]*value="{re.escape(text)}"', page)
    response = client.post(f"/quizzes/attempts/{attempt_id}", data={"submit": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")
    stored = _stored(attempt_id)
    assert {row.label: stored[row.question.id].fraction for row in rows} == {row.label: 1.0 for row in rows}
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == attempt.max_score == float(len(rows))


def test_a_question_not_in_the_attempt_is_404_and_writes_nothing(app, matrix_quiz):
    quiz, rows = matrix_quiz()
    inside = {row.question.id for row in rows}
    outside = db.session.scalar(select(Question.id).where(Question.id.not_in(inside)))
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    for question_id in (outside, 2**31 - 1, True, "7"):
        response = _save(client, attempt_id, question_id, "x", 1)
        assert response.status_code == 404, response.data
        assert response.json["error"]["code"] == "not_in_attempt"
        assert "not part of this attempt" in response.json["error"]["message"]
    assert _stored(attempt_id) == {}


def test_saves_after_submit_or_deadline_are_409_with_a_reason_and_write_nothing(app, matrix_quiz):
    quiz, rows = matrix_quiz()
    mcq = rows[0]
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    client.post(f"/quizzes/attempts/{attempt_id}", data={"submit": "1"})
    late = _save(client, attempt_id, mcq.question.id, mcq.right(), 1)
    assert late.status_code == 409 and late.json["error"]["code"] == "closed"
    assert "submitted" in late.json["error"]["message"]
    flag = client.post(
        f"/quizzes/attempts/{attempt_id}/flag", json={"question_id": mcq.question.id, "flagged": True}
    )
    assert flag.status_code == 409 and flag.json["error"]["code"] == "closed"

    other = login_client(app, "student2")
    attempt_id = _start(other, quiz)
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    overdue = _save(other, attempt_id, mcq.question.id, mcq.right(), 1)
    assert overdue.status_code == 409 and "Time is up" in overdue.json["error"]["message"]
    assert _stored(attempt_id) == {}
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).state == "finished"  # submitted with what was saved


def test_flags_are_saved_with_the_attempt_and_shown_on_reload_and_in_the_summary(app, matrix_quiz):
    quiz, rows = matrix_quiz()
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    url = f"/quizzes/attempts/{attempt_id}/flag"
    second, fifth = rows[1].question.id, rows[4].question.id
    for question_id in (fifth, second):
        response = client.post(url, json={"question_id": question_id, "flagged": True})
        assert response.status_code == 200, response.data
    assert response.json == {"flagged": [second, fifth]}  # in the order of the attempt
    assert client.post(url, json={"question_id": second, "flagged": False}).json == {"flagged": [fifth]}
    assert client.post(url, json={"question_id": fifth, "flagged": "yes"}).status_code == 422
    assert client.post(url, json={"question_id": 2**31 - 1, "flagged": True}).status_code == 404
    assert client.post(url, data="flag", content_type="text/plain").status_code in (415, 422)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).flagged == [fifth]
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(rf'name="flag-{fifth}" value="1" class="flag-box" checked', page)
    assert not re.search(rf'name="flag-{second}" value="1" class="flag-box" checked', page)
    _save(client, attempt_id, rows[0].question.id, rows[0].right(), 1)
    summary = client.get(f"/quizzes/attempts/{attempt_id}/summary")
    text = summary.get_data(as_text=True)
    assert summary.status_code == 200
    assert f"1 of {len(rows)} answered" in text and f"{len(rows) - 1} not answered" in text
    assert "1 flagged" in text and text.count("Flagged for review") == 1
    assert f'href="/quizzes/attempts/{attempt_id}#q{rows[1].question.id}">question 2</a>' in text
    assert "Submit all and finish" in text
    # The no-JavaScript form sets and clears flags of the questions it showed.
    form = {"save": "1", f"seq-{second}": "0", f"flag-{second}": "1", f"seq-{fifth}": "0"}
    assert client.post(f"/quizzes/attempts/{attempt_id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).flagged == [second]


def test_paging_shows_n_questions_per_page_and_saves_on_the_way(app, matrix_quiz):
    quiz, rows = matrix_quiz(per_page=3)
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    first = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert "page 1 of 3" in first and first.count('<fieldset class="question') == 3
    assert 'name="goto" value="2"' in first and 'name="goto" value="0"' not in first
    fourth = rows[3]
    assert f'id="q{fourth.question.id}"' not in first
    assert f'?page=2#q{fourth.question.id}"' in first  # the map links to the question's page
    third = rows[2]
    form = {"goto": "2", "page": "1", f"q-{third.question.id}": "false", f"seq-{third.question.id}": "0"}
    response = client.post(f"/quizzes/attempts/{attempt_id}", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("?page=2")
    assert _stored(attempt_id)[third.question.id].answer is False
    second = client.get(f"/quizzes/attempts/{attempt_id}?page=2").get_data(as_text=True)
    assert "page 2 of 3" in second and f'id="q{fourth.question.id}"' in second
    last = client.get(f"/quizzes/attempts/{attempt_id}?page=99").get_data(as_text=True)
    assert "page 3 of 3" in last and 'name="goto" value="4"' not in last
    finish = client.post(f"/quizzes/attempts/{attempt_id}", data={"finish": "1", "page": "3"})
    assert finish.headers["Location"].endswith(f"/quizzes/attempts/{attempt_id}/summary")


def test_a_preview_pages_as_a_students_attempt_does(app, matrix_quiz):
    quiz, rows = matrix_quiz(per_page=3)
    client = login_client(app, "instructor")
    response = client.post(f"/quizzes/{quiz.id}/preview")
    assert response.status_code == 302, response.data
    first = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Preview as a student" in first
    assert "page 1 of 3" in first and first.count('<fieldset class="question') == 3
    assert f'id="q{rows[3].question.id}"' not in first


def test_instructor_sets_questions_per_page_and_a_bad_value_is_refused(app, demo):
    client = login_client(app, "instructor")
    data = {"title": "Paged", "course_id": str(demo.course.id), "attempts_allowed": "1"}
    data.update(grading_method="highest", feedback_timing="after_submission")
    bad = client.post("/quizzes/new", data={**data, "per_page": "-2"})
    assert bad.status_code == 422 and "Between 0 (all on one page) and 100" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Quiz)) == 0
    good = client.post("/quizzes/new", data={**data, "per_page": "5"})
    assert good.status_code == 302
    quiz_id = int(good.headers["Location"].split("/")[-2])
    edit = client.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)
    assert re.search(r'name="per_page"[^>]*value="5"', edit)


def test_the_time_left_comes_from_the_server_clock(app, matrix_quiz):
    quiz, _ = matrix_quiz(time_limit_s=600)
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    left = int(re.search(r'data-remaining-s="(\d+)"', page).group(1))
    assert 590 <= left <= 600
    assert 'class="visually-hidden timer-announce" aria-live="assertive"' in page


def test_practice_keeps_a_non_numeric_answer_and_says_what_is_wrong(app, seeded):
    client = login_client(app, "student")
    numeric = db.session.scalar(
        select(Question)
        .where(Question.qtype == "numeric", Question.status == "approved")
        .order_by(Question.uid)
    )
    response = client.post(
        "/quizzes/practice", data={"article": numeric.article.slug, "topic": "", "count": "30"}
    )
    attempt_id = int(response.headers["Location"].split("/")[-1])
    answer = client.post(
        f"/quizzes/practice/{attempt_id}/answer",
        data={"question_id": str(numeric.id), f"q-{numeric.id}": "twelve-ish"},
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert f'id="q{numeric.id}-error" role="alert">Could not read' in text
    assert 'value="twelve-ish"' in text
    assert f'aria-describedby="q{numeric.id}-stem q{numeric.id}-hint q{numeric.id}-error"' in text


def test_cloze_blanks_read_as_numbered_blanks_on_review_and_builder(app, matrix_quiz):
    quiz, rows = matrix_quiz()
    cloze2 = next(r for r in rows if r.label == "cloze-2")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    attempt_page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert "{{1}}" not in attempt_page and "[blank" not in attempt_page
    assert 'aria-label="Blank 2 of 2"' in attempt_page  # inline inputs inside the stem
    client.post(f"/quizzes/attempts/{attempt_id}", data={"submit": "1"})
    review = client.get(f"/quizzes/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "{{1}}" not in review and "[blank" not in review
    assert (
        '<span class="blank"><span aria-hidden="true">_____</span><span class="visually-hidden">blank</span> (2)</span>'
        in review
    )
    builder = login_client(app, "instructor").get(f"/quizzes/{quiz.id}/edit").get_data(as_text=True)
    assert "{{1}}" not in builder and "_____ (1)" in builder
    assert cloze2.question.stem.split("{{1}}")[0].strip()[:20] in builder


@pytest.mark.parametrize("seq", ["²", "٣", "9" * 5000])
def test_an_odd_seq_in_the_form_is_refused_naming_the_field_not_a_500(app, matrix_quiz, seq):
    quiz, rows = matrix_quiz()
    short = rows[-1].question.id
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    form = {"save": "1", f"seq-{short}": seq, f"q-{short}": "typed"}
    response = client.post(f"/quizzes/attempts/{attempt_id}", data=form)
    assert response.status_code == 400 and f"seq-{short}" in response.get_data(as_text=True)
    assert _stored(attempt_id) == {}  # nothing of the refused form is written
