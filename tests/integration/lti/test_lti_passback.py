"""Grade passback when the LMS misbehaves: 500 and 401 are retried and shown as failed with the LMS's
message until Resend succeeds; a deleted line item says what to do; an ungraded attempt waits; nothing is
sent twice; the Redis queue (RQ) carries the job and schedules a retry when the LMS fails."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import jwt
import pytest
from pylti1p3.contrib.flask import FlaskServiceConnector
from sqlalchemy import select

from app.extensions import db
from app.lti import passback
from app.models import Attempt, LtiContext, LtiLineItem, LtiPlatform, LtiScore, LtiUser, Quiz
from tests.integration.lti.lms import Browser


@pytest.fixture
def linked(app, lti_world):
    """An LMS course with a quiz linked to line item 1 and a learner who launched it."""
    lms = lti_world.lms
    teacher = Browser()
    assert teacher.launch(lms, user="t-1", role="instructor", context="c-1").status_code == 200
    db.session.expire_all()
    context = db.session.scalar(select(LtiContext))
    owner_id = db.session.scalar(select(LtiUser.user_id).where(LtiUser.sub == "t-1"))
    quiz = Quiz(title="Linked quiz", owner_id=owner_id, course_id=context.course_id, published=True)
    db.session.add(quiz)
    db.session.commit()
    lms.add_line_item("Linked quiz", 2.0)
    student = Browser()
    launched = student.launch(
        lms, user="s-1", role="learner", context="c-1", target=f"quiz:{quiz.id}", line_item="1"
    )
    assert launched.status_code == 200
    learner_id = db.session.scalar(select(LtiUser.user_id).where(LtiUser.sub == "s-1"))
    return lti_world, teacher, quiz, learner_id, context.course_id


def _finished_attempt(quiz: Quiz, user_id: int, number: int, score: float | None) -> int:
    attempt = Attempt(
        quiz_id=quiz.id,
        user_id=user_id,
        number=number,
        state="submitted",
        layout=[],
        submitted_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        score=score,
        max_score=2.0,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt.id


def _score(attempt_id: int) -> LtiScore | None:
    db.session.expire_all()
    return db.session.scalar(select(LtiScore).where(LtiScore.attempt_id == attempt_id))


def test_failures_are_shown_retried_and_resent_once(linked):
    world, teacher, quiz, learner_id, course_id = linked
    lms, tool = world.lms, world.tool_url

    # 500: failed with the LMS's message, nothing arrived; Resend after the LMS recovers sends it once.
    lms.score_status = 500
    first = _finished_attempt(quiz, learner_id, 1, 1.0)
    passback.on_attempt_graded(first)
    row = _score(first)
    assert row.status == "failed" and "(500" in row.message and "test LMS answers 500" in row.message
    assert "retrying" in row.message and lms.scores == []
    page = teacher.get(f"{tool}/lti/courses/{course_id}")
    assert "failed" in page.text and "test LMS answers 500" in page.text and "Resend" in page.text
    lms.score_status = None
    resent = teacher.http.post(f"{tool}/lti/courses/{course_id}/scores/{row.id}/resend", timeout=15)
    assert resent.status_code == 200 and "Score sent." in resent.text
    assert [s["scoreGiven"] for s in lms.scores] == [1.0]
    assert lms.scores[0]["timestamp"] == "2026-12-01T10:00:00.000Z"
    assert _score(first).tries == 2
    teacher.http.post(f"{tool}/lti/courses/{course_id}/scores/{row.id}/resend", timeout=15)
    passback.on_attempt_graded(first)
    assert len(lms.scores) == 1

    # 401: the credentials message, for the instructor to take to the LMS admin.
    lms.score_status = 401
    second = _finished_attempt(quiz, learner_id, 2, 0.5)
    passback.on_attempt_graded(second)
    assert (
        _score(second).status == "failed" and "refused Casewise's credentials (401" in _score(second).message
    )
    lms.score_status = None

    # A manual-grading attempt with no score yet waits; once graded it is sent.
    third = _finished_attempt(quiz, learner_id, 3, None)
    assert passback.on_attempt_graded(third) is None and _score(third) is None
    attempt = db.session.get(Attempt, third)
    attempt.score = 2.0
    db.session.commit()
    passback.on_attempt_graded(third)
    assert _score(third).status == "sent"
    assert lms.scores[-1]["scoreGiven"] == 2.0  # highest grade so far, the quiz's grading method

    # The LMS deleted the line item: a lasting failure with what to do, not retried.
    del lms.line_items["1"]
    fourth = _finished_attempt(quiz, learner_id, 4, 1.0)
    passback.on_attempt_graded(fourth)
    row = _score(fourth)
    assert row.status == "failed" and "no longer has this quiz's gradebook column (404" in row.message
    assert "Re-link the quiz" in row.message and row.tries == 1

    # An LMS that names its own token audience (Brightspace) gets it as the token assertion's aud.
    platform = db.session.scalar(select(LtiPlatform))
    platform.auth_audience = "https://api.brightspace.com/auth/token"
    db.session.commit()
    FlaskServiceConnector.access_tokens.clear()
    relinked = lms.add_line_item("Linked quiz, re-linked", 2.0)
    db.session.get(LtiLineItem, row.line_item_id).url = f"{lms.url}/lineitems/{relinked}"
    db.session.commit()
    passback.resend(row.id, course_id)
    assert _score(fourth).status == "sent", _score(fourth).message
    assert lms.scores[-1]["line_item"] == relinked
    claims = jwt.decode(lms.assertions[-1], options={"verify_signature": False})
    assert claims["aud"] == "https://api.brightspace.com/auth/token"


def test_scores_go_through_the_redis_queue_with_retries(linked, app, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    world, _, quiz, learner_id, _ = linked
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        redis.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means no usable Redis here
        pytest.skip(f"Redis not reachable: {exc}")
    queue_name = f"lti-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/0", LTI_QUEUE=queue_name)
    # The worker builds its own app from the environment, as a deployed worker does.
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("FLASK_SECRET_KEY", app.config["SECRET_KEY"])
    queue = Queue(queue_name, connection=redis)
    try:
        world.lms.score_status = 503
        attempt_id = _finished_attempt(quiz, learner_id, 1, 1.5)
        passback.on_attempt_graded(attempt_id)
        assert _score(attempt_id).status == "pending" and len(queue) == 1
        [job] = queue.jobs
        SimpleWorker([queue], connection=redis).work(burst=True)
        job.refresh()
        assert job.get_status() == "scheduled" and job.retries_left == len(passback.RETRY_INTERVALS) - 1
        assert _score(attempt_id).status == "failed" and "(503" in _score(attempt_id).message

        world.lms.score_status = None
        queue.scheduled_job_registry.requeue(job)  # what the scheduler does once the backoff has passed
        SimpleWorker([queue], connection=redis).work(burst=True)
        assert _score(attempt_id).status == "sent" and [s["scoreGiven"] for s in world.lms.scores] == [1.5]
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)
