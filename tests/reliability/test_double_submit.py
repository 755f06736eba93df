"""Idempotency and ordering come from the database: two threads submitting one attempt at the same moment
submit it once, two threads sending one grade log it once, and the unique and check constraints refuse
duplicates even when application code is bypassed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Attempt, Card, Response, ReviewLog, User, utcnow
from app.quizzes import service as quizzes
from app.study import service as study
from tests.reliability.conftest import answer_all, build_world

ROUNDS = 4


def _race(app: Flask, action: Callable[[], Any], threads: int = 2) -> list[Any]:
    """Run `action` in `threads` threads, each with its own app context (own session, own connection),
    released together by a barrier; returns their results (an exception counts as a result)."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(index: int) -> None:
        with app.app_context():
            try:
                results[index] = action(barrier)
            except Exception as exc:  # the test inspects it
                results[index] = exc
            finally:
                db.session.remove()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers), "a thread hung"
    return results


def test_two_threads_submitting_one_attempt_submit_it_once(app):
    world = build_world(students=1)
    student = world.students[0]
    for _ in range(ROUNDS):
        attempt = quizzes.start_attempt(world.quiz, student)
        # The first round resumes the world's attempt in progress: answers overwrite with newer seqs.
        answer_all(attempt, world.questions, first_seq=10)

        def submit(barrier: threading.Barrier, attempt_id: int = attempt.id) -> bool:
            mine = db.session.get(Attempt, attempt_id)
            barrier.wait()
            return quizzes.submit_attempt(mine)

        results = _race(app, submit)
        assert sorted(results, key=repr) == [False, True], results
        db.session.expire_all()
        done = db.session.get(Attempt, attempt.id)
        assert done.state == "submitted" and done.submitted_at is not None
        assert done.score == pytest.approx(sum(r.fraction for r in done.responses))
        assert all(r.fraction is not None for r in done.responses)
    attempts = quizzes.attempts_of(world.quiz, student)
    assert [a.state for a in attempts].count("submitted") == ROUNDS + 1  # + the world's own
    assert sorted(a.number for a in attempts) == list(range(1, len(attempts) + 1))


def test_two_threads_sending_one_grade_log_it_once(app):
    world = build_world(students=1)
    student = world.students[0]
    for n in range(ROUNDS):
        shown = study.next_card(student, study.everything())
        assert isinstance(shown, study.Shown)
        card_id, request_id = shown.card.id, f"retry-{n}"
        reps_before = db.session.get(Card, card_id).reps

        def grade(barrier, user_id=student.id, card_id=card_id, request_id=request_id):
            user = db.session.get(User, user_id)
            barrier.wait()
            return study.grade(user, card_id, 3, request_id)

        results = _race(app, grade)
        assert all(isinstance(r, study.Graded) for r in results), results
        assert sorted(r.replayed for r in results) == [False, True]
        assert len({(r.state, r.due) for r in results}) == 1  # the retry gets the original answer
        db.session.expire_all()
        logs = db.session.scalar(
            select(func.count()).select_from(ReviewLog).where(ReviewLog.request_id == request_id)
        )
        assert logs == 1
        assert db.session.get(Card, card_id).reps == reps_before + 1


def _refused(values: dict[str, Any], table) -> None:
    """The insert is refused by a constraint; the session is usable afterwards."""
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(insert(table).values(**values))


def test_constraints_refuse_duplicates_and_bad_states_without_the_app(app):
    world = build_world(students=1)
    student = world.students[0]
    log = db.session.scalars(select(ReviewLog).where(ReviewLog.user_id == student.id)).first()
    attempt = db.session.get(Attempt, world.attempts[student.username][0])
    response = attempt.responses[0]
    card = db.session.get(Card, log.card_id)
    now = utcnow()
    review_row = {
        "user_id": student.id,
        "card_id": log.card_id,
        "rating": 3,
        "reviewed_at": now,
        "state_before": 0,
        "due_before": now,
        "reps_before": 0,
        "lapses_before": 0,
    }
    # A retried grade: same (user, request_id).
    _refused({**review_row, "request_id": log.request_id}, ReviewLog.__table__)
    _refused({**review_row, "request_id": "fresh-id", "rating": 5}, ReviewLog.__table__)
    # A second response to one question of one attempt.
    _refused(
        {
            "attempt_id": attempt.id,
            "question_id": response.question_id,
            "answer": "x",
            "seq": 99,
            "saved_at": now,
        },
        Response.__table__,
    )
    # Two attempts with one number (two "start" requests at once), and an unknown state.
    attempt_row = {
        "mode": "quiz",
        "quiz_id": attempt.quiz_id,
        "user_id": student.id,
        "layout": [],
        "started_at": now,
    }
    _refused({**attempt_row, "number": attempt.number, "state": "in_progress"}, Attempt.__table__)
    _refused({**attempt_row, "number": 999, "state": "deleted"}, Attempt.__table__)
    # Two cards for one (student, question).
    _refused({"user_id": student.id, "question_id": card.question_id, "state": 0, "due": now}, Card.__table__)
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count()).select_from(ReviewLog).where(ReviewLog.request_id == "fresh-id")
        )
        == 0
    )
