"""Autosave: seq ordering through the one guarded UPSERT, saves racing submissions, and refused input.

The race tests run threads against a file SQLite database and PostgreSQL: whatever the interleaving, a
save is either acknowledged and counted in the submitted attempt's grade, or refused with a 4xx; never
acknowledged and then missing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from app.extensions import db
from app.models import Attempt, Response, utcnow
from app.quizzes import service
from tests.integration.quizzes.conftest import first_of, login_client

RACE_ROUNDS = 8
LIVENESS_S = 30  # how long a paused thread or a wait for a lock may take before the test gives up


def _start(client, quiz) -> int:
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.data
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _save(client, attempt_id, question_id, answer, seq):
    return client.post(
        f"/quizzes/attempts/{attempt_id}/save",
        json={"question_id": question_id, "answer": answer, "seq": seq},
    )


def _stored(attempt_id: int, question_id: int) -> Response | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Response).where(Response.attempt_id == attempt_id, Response.question_id == question_id)
    )


def _count_responses() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


def _save_in_service(attempt_id: int, user_id: int, question_id: int, answer: Any, seq: int) -> int:
    payload = {"question_id": question_id, "answer": answer, "seq": seq}
    return service.autosave(service.autosave_context(attempt_id, payload), user_id)


# ---------------------------------------------------------------- seq ordering


def test_seq_orders_saves_whatever_order_they_arrive_in(app, make_quiz, demo):
    quiz = make_quiz()
    short = first_of("short")
    attempt = service.start_attempt(quiz, demo.student)
    user_id = demo.student.id
    assert _save_in_service(attempt.id, user_id, short.id, "third", 3) == 3  # the first save inserts
    with pytest.raises(service.StaleSave, match=r"save 3.*save 2"):
        _save_in_service(attempt.id, user_id, short.id, "second, arriving late", 2)
    with pytest.raises(service.StaleSave):
        _save_in_service(attempt.id, user_id, short.id, "third, resent", 3)
    stored = _stored(attempt.id, short.id)
    assert (stored.answer, stored.seq) == ("third", 3)
    assert _save_in_service(attempt.id, user_id, short.id, "  fourth  ", 4) == 4  # the update path
    stored = _stored(attempt.id, short.id)
    assert (stored.answer, stored.seq) == ("fourth", 4)  # stored as validated: stripped
    assert _count_responses() == 1


def test_a_stale_save_over_http_is_409_stale_and_keeps_the_newer_answer(app, make_quiz):
    quiz = make_quiz()
    mcq = first_of("mcq")
    wrong = next(option for option in mcq.options if option != mcq.answer)
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    assert _save(client, attempt_id, mcq.id, mcq.answer, 7).json == {"saved": 7, "question_id": mcq.id}
    stale = _save(client, attempt_id, mcq.id, wrong, 6)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale"
    assert "ignored" in stale.json["error"]["message"]
    assert _stored(attempt_id, mcq.id).answer == mcq.answer


# ---------------------------------------------------------------- the UPSERT is the guard


def test_a_save_checked_before_the_submit_cannot_write_after_it(app, make_quiz, demo):
    quiz = make_quiz()
    short = first_of("short")
    attempt = service.start_attempt(quiz, demo.student)
    # The checks pass on what was read while the attempt was open; then the submission lands.
    context = service.autosave_context(attempt.id, {"question_id": short.id, "answer": "late", "seq": 1})
    assert service.submit_attempt(attempt) is True
    with pytest.raises(service.AttemptClosed, match="submitted"):
        service.autosave(context, demo.student.id)
    assert _stored(attempt.id, short.id) is None


def test_a_save_checked_before_the_deadline_cannot_write_after_it(app, make_quiz, demo):
    quiz = make_quiz()
    mcq, short = first_of("mcq"), first_of("short")
    attempt = service.start_attempt(quiz, demo.student)
    assert _save_in_service(attempt.id, demo.student.id, mcq.id, mcq.answer, 1) == 1
    context = service.autosave_context(attempt.id, {"question_id": short.id, "answer": "late", "seq": 1})
    # What was read said "no deadline"; by the time of the write the attempt is overdue.
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(service.AttemptClosed, match="Time is up"):
        service.autosave(context, demo.student.id)
    assert _stored(attempt.id, short.id) is None
    db.session.expire_all()
    closed = db.session.get(Attempt, attempt.id)
    assert closed.state == "finished" and closed.score == 1.0  # closed with what was saved in time


# ---------------------------------------------------------------- saves racing submissions


def _thread(app, name: str, job: Callable[[], Any], outcome: dict[str, Any]) -> threading.Thread:
    """Start `job` in a thread of its own with its own app context (so its own session); its result or
    exception lands in outcome[name]."""

    def run() -> None:
        with app.app_context():
            try:
                outcome[name] = job()
            except Exception as exc:  # reported by the test's asserts
                outcome[name] = exc
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _join(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(LIVENESS_S * 2)
        assert not thread.is_alive(), f"{thread.name} did not finish"


def _assert_counted_or_refused(save_outcome: Any, attempt_id: int, question_id: int, answer: Any) -> None:
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == "submitted"
    stored = _stored(attempt_id, question_id)
    if isinstance(save_outcome, service.AttemptClosed):
        assert stored is None, "a refused save was written"
        assert attempt.score == 0.0
    else:
        assert save_outcome == 1, f"the save neither succeeded nor was refused: {save_outcome!r}"
        assert stored is not None and stored.answer == answer, "an acknowledged save is missing"
        assert stored.fraction == 1.0 and attempt.score == 1.0, "an acknowledged save was not graded"


def test_a_save_racing_a_submit_is_either_counted_or_refused(app, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "short"), attempts_allowed=0)
    mcq = first_of("mcq")
    user_id, mcq_id, answer = demo.student.id, mcq.id, mcq.answer
    for _ in range(RACE_ROUNDS):
        attempt_id = service.start_attempt(quiz, demo.student).id
        barrier = threading.Barrier(2)

        def save(attempt_id: int = attempt_id, barrier: threading.Barrier = barrier) -> int:
            barrier.wait()
            return _save_in_service(attempt_id, user_id, mcq_id, answer, 1)

        def submit(attempt_id: int = attempt_id, barrier: threading.Barrier = barrier) -> bool:
            attempt = db.session.get(Attempt, attempt_id)
            barrier.wait()
            return service.submit_attempt(attempt)

        outcome: dict[str, Any] = {}
        _join(_thread(app, "save", save, outcome), _thread(app, "submit", submit, outcome))
        assert outcome["submit"] is True, outcome["submit"]
        _assert_counted_or_refused(outcome["save"], attempt_id, mcq_id, answer)


@contextmanager
def _pause_after(statement_start: str, thread_name: str) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Hold `thread_name` right after it runs a statement starting so (inside its transaction, locks held)
    until `release` is set; `reached` is set when it gets there."""
    reached, release = threading.Event(), threading.Event()

    def listener(_conn, _cursor, statement, _params, _context, _many) -> None:
        if threading.current_thread().name == thread_name and statement.lstrip().startswith(statement_start):
            reached.set()
            release.wait(LIVENESS_S)

    event.listen(db.engine, "after_cursor_execute", listener)
    try:
        yield reached, release
    finally:
        release.set()
        event.remove(db.engine, "after_cursor_execute", listener)


def _wait_for_a_lock_wait() -> None:
    """Until some session of this database waits for a row lock (PostgreSQL's own account of it)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    give_up = time.monotonic() + LIVENESS_S
    while time.monotonic() < give_up:
        with db.engine.connect() as conn:  # a new transaction each time: the view is a snapshot
            if conn.execute(query).scalar():
                return
        time.sleep(0.02)
    pytest.fail("no session ever waited for the attempt's row lock")


# Row locks are PostgreSQL's; SQLite's single writer is covered by the race test above.
@pytest.mark.parametrize("backend", ["postgres"])
def test_a_save_waits_for_a_submit_in_flight_and_is_refused(app, backend, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "short"))
    mcq = first_of("mcq")
    user_id, mcq_id, answer = demo.student.id, mcq.id, mcq.answer
    attempt_id = service.start_attempt(quiz, demo.student).id
    outcome: dict[str, Any] = {}
    with _pause_after("UPDATE attempt SET state", "submit") as (reached, release):
        submit = _thread(
            app, "submit", lambda: service.submit_attempt(db.session.get(Attempt, attempt_id)), outcome
        )
        assert reached.wait(LIVENESS_S), "the submit never ran its UPDATE"
        save = _thread(app, "save", lambda: _save_in_service(attempt_id, user_id, mcq_id, answer, 1), outcome)
        _wait_for_a_lock_wait()  # the save read "in progress", and now waits in its UPSERT
        release.set()
        _join(submit, save)
    assert outcome["submit"] is True
    assert isinstance(outcome["save"], service.AttemptClosed), outcome["save"]
    _assert_counted_or_refused(outcome["save"], attempt_id, mcq_id, answer)


# Row locks are PostgreSQL's; SQLite's single writer is covered by the race test above.
@pytest.mark.parametrize("backend", ["postgres"])
def test_a_submit_waits_for_a_save_in_flight_and_counts_it(app, backend, make_quiz, demo):
    quiz = make_quiz(types=("mcq", "short"))
    mcq = first_of("mcq")
    user_id, mcq_id, answer = demo.student.id, mcq.id, mcq.answer
    attempt_id = service.start_attempt(quiz, demo.student).id
    outcome: dict[str, Any] = {}
    with _pause_after("INSERT INTO response", "save") as (reached, release):
        save = _thread(app, "save", lambda: _save_in_service(attempt_id, user_id, mcq_id, answer, 1), outcome)
        assert reached.wait(LIVENESS_S), "the save never ran its UPSERT"
        submit = _thread(
            app, "submit", lambda: service.submit_attempt(db.session.get(Attempt, attempt_id)), outcome
        )
        _wait_for_a_lock_wait()  # the submit waits for the save's FOR SHARE on the attempt
        release.set()
        _join(save, submit)
    assert outcome["save"] == 1 and outcome["submit"] is True
    _assert_counted_or_refused(outcome["save"], attempt_id, mcq_id, answer)


def test_double_submit_over_http_from_two_threads_counts_once(app, make_quiz):
    quiz = make_quiz(types=("mcq", "short"))
    mcq = first_of("mcq")
    first = login_client(app, "student")
    attempt_id = _start(first, quiz)
    assert _save(first, attempt_id, mcq.id, mcq.answer, 1).status_code == 200
    second = login_client(app, "student")  # a second tab, its own session cookie
    barrier = threading.Barrier(2)
    statuses: dict[str, Any] = {}

    def submit(name: str, client) -> None:
        barrier.wait()
        statuses[name] = client.post(f"/quizzes/attempts/{attempt_id}", data={"submit": "1"}).status_code

    threads = [threading.Thread(target=submit, args=(n, c)) for n, c in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    _join(*threads)
    assert statuses == {"a": 302, "b": 302}
    db.session.expire_all()
    attempts = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id)).all()
    assert [(a.state, a.score) for a in attempts] == [("submitted", 1.0)]


# ---------------------------------------------------------------- refused input (issue #7's list)


def test_a_forged_attempt_id_is_404_with_a_message_and_changes_nothing(app, make_quiz):
    quiz = make_quiz()
    short = first_of("short")
    owner = login_client(app, "student")
    attempt_id = _start(owner, quiz)
    assert _save(owner, attempt_id, short.id, "mine", 1).status_code == 200
    intruder = login_client(app, "student2")
    forged = _save(intruder, attempt_id, short.id, "forged", 99)
    assert forged.status_code == 404
    assert (
        forged.json["error"]["code"] == "not_found" and "no quiz attempt" in forged.json["error"]["message"]
    )
    stored = _stored(attempt_id, short.id)
    assert (stored.answer, stored.seq) == ("mine", 1)
    # A missing id answers exactly the same (ids reveal nothing); one past the column's range is a 404 too.
    missing = _save(intruder, attempt_id + 1000, short.id, "x", 1)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert _save(intruder, 2**40, short.id, "x", 1).status_code == 404
    with pytest.raises(service.NoSuchAttempt):
        service.autosave(service.autosave_context(2**40, {"question_id": short.id}), 1)


def test_a_practice_attempt_is_not_autosaved(app, demo):
    client = login_client(app, "student")
    practice = service.start_practice(demo.student, count=2)
    question_id = practice.layout[0]["question_id"]
    response = _save(client, practice.id, question_id, "anything", 1)
    assert response.status_code == 404
    assert _count_responses() == 0


def test_an_anonymous_save_goes_to_login_and_writes_nothing(app, make_quiz, demo, client):
    quiz = make_quiz()
    attempt = service.start_attempt(quiz, demo.student)
    short = first_of("short")
    response = _save(client, attempt.id, short.id, "anonymous", 1)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert _count_responses() == 0


def test_after_submission_a_save_is_409_and_nothing_changes(app, make_quiz):
    quiz = make_quiz()
    mcq, short = first_of("mcq"), first_of("short")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    assert _save(client, attempt_id, short.id, "before", 1).status_code == 200
    assert client.post(f"/quizzes/attempts/{attempt_id}", data={"submit": "1"}).status_code == 302
    db.session.expire_all()
    score = db.session.get(Attempt, attempt_id).score
    for question_id, answer in ((short.id, "after"), (mcq.id, mcq.answer)):
        late = _save(client, attempt_id, question_id, answer, 2)
        assert late.status_code == 409 and late.json["error"]["code"] == "closed"
        assert "submitted" in late.json["error"]["message"]
    assert _stored(attempt_id, short.id).answer == "before"
    assert _stored(attempt_id, mcq.id) is None
    assert db.session.get(Attempt, attempt_id).score == score


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "Send JSON"),
        ([1, 2], "Send JSON"),
        ({"question_id": "QID", "answer": "x", "seq": True}, "seq must be a whole number"),
        ({"question_id": "QID", "answer": "x", "seq": "3"}, "seq must be a whole number"),
        ({"question_id": "QID", "answer": "x", "seq": 2**31}, "seq must be a whole number"),
        ({"question_id": "QID", "answer": 12, "seq": 1}, "must be text"),
        ({"question_id": "QID", "answer": "x" * 501, "seq": 1}, "500"),
    ],
)
def test_malformed_saves_are_422_with_a_message_and_write_nothing(app, make_quiz, body, message):
    quiz = make_quiz()
    short = first_of("short")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    url = f"/quizzes/attempts/{attempt_id}/save"
    if isinstance(body, str):
        response = client.post(url, data=body, content_type="text/plain")
    else:
        if isinstance(body, dict) and body["question_id"] == "QID":
            body = {**body, "question_id": short.id}
        response = client.post(url, json=body)
    assert response.status_code == 422, response.data
    assert message in response.json["error"]["message"]
    assert _count_responses() == 0


def test_numeric_answer_with_letters_is_422_naming_the_problem(app, make_quiz):
    quiz = make_quiz(types=("numeric",))
    numeric = first_of("numeric")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    response = _save(client, attempt_id, numeric.id, "about twelve", 1)
    assert response.status_code == 422 and response.json["error"]["code"] == "bad_answer"
    assert "number" in response.json["error"]["message"]
    assert _count_responses() == 0
    assert _save(client, attempt_id, numeric.id, "534", 2).status_code == 200


def test_editing_a_quiz_to_close_before_it_opens_is_422_and_keeps_the_settings(app, make_quiz, demo):
    quiz = make_quiz()
    opens = utcnow().replace(microsecond=0) + timedelta(days=1)
    quiz.opens_at, quiz.closes_at = opens, opens + timedelta(days=7)
    db.session.commit()
    client = login_client(app, "instructor")
    data = {
        "title": "Renamed",
        "course_id": str(demo.course.id),
        "attempts_allowed": "1",
        "grading_method": "highest",
        "feedback_timing": "after_submission",
        "opens_at": "2030-05-02T10:00",
        "closes_at": "2030-05-01T10:00",
    }
    response = client.post(f"/quizzes/{quiz.id}/edit", data=data)
    assert response.status_code == 422
    assert "close after it opens" in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(type(quiz), quiz.id)
    assert (kept.title, kept.opens_at, kept.closes_at) == ("Deal facts", opens, opens + timedelta(days=7))


@pytest.mark.parametrize("text", ["nul\u0000byte", "bell\u0007", "lone \ud800 surrogate"])
def test_a_save_with_a_control_character_or_a_lone_surrogate_never_fails_the_database(app, make_quiz, text):
    """PostgreSQL's JSON refuses NUL and a lone surrogate cannot be encoded: on both databases a save either
    keeps the text as sent (a control character is the student's business) or is refused with a message
    naming the character, never a 500; the next clean save goes through."""
    quiz = make_quiz()
    short = first_of("short")
    client = login_client(app, "student")
    attempt_id = _start(client, quiz)
    response = _save(client, attempt_id, short.id, text, 1)
    if "\ud800" in text:
        assert response.status_code == 400, response.data
        assert "unpaired surrogate" in response.json["error"]["message"]
        assert _count_responses() == 0
    else:
        assert response.status_code == 200, response.data
        assert _stored(attempt_id, short.id).answer == text
    assert _save(client, attempt_id, short.id, "clean", 2).status_code == 200
    assert _stored(attempt_id, short.id).answer == "clean"
