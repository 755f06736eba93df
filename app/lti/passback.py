"""Grade passback (LTI Assignment and Grade Services): one LtiScore row per finished, graded attempt,
sent to the quiz's LMS line item through the job queue, retried with backoff, never sent twice.

`enqueue` hands work to app.jobs.queue, the queue helper every job shares; `flask worker` runs it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC

import requests
from flask import current_app, has_app_context
from pylti1p3.contrib.flask import FlaskServiceConnector
from pylti1p3.exception import LtiServiceException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs import queue
from app.lti.service import registration_for
from app.models import Attempt, Enrolment, LtiContext, LtiLineItem, LtiPlatform, LtiScore, LtiUser, Quiz
from app.models.base import utcnow
from app.quizzes.events import attempt_graded
from app.quizzes.reporting import final_grade

log = logging.getLogger(__name__)
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
RETRY_INTERVALS = [10, 60, 300, 900, 3600]  # seconds between tries on the queue


class RetryableSendError(RuntimeError):
    """The LMS may accept this score later (5xx, timeout, expired token): the queue tries again."""


def on_attempt_graded(attempt_id: int) -> LtiScore | None:
    """Call when an attempt is finished and has a score (after submission, or after manual grading).

    Creates the attempt's pending score (once: the attempt id is unique) when the student came from an
    LMS whose course links this quiz to a line item, and hands it to the queue. Ungraded attempts wait.
    """
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.mode != "quiz" or attempt.quiz_id is None:
        return None
    # An attempt with essays still to grade has only a partial score: it is sent once a person graded them.
    if attempt.state not in ("submitted", "finished") or attempt.score is None or attempt.ungraded:
        return None
    line_item = _line_item_for(attempt)
    if line_item is None:
        return None
    existing = db.session.scalar(select(LtiScore).where(LtiScore.attempt_id == attempt_id))
    if existing is not None:
        return existing
    score = LtiScore(attempt_id=attempt_id, line_item_id=line_item.id, status="pending")
    db.session.add(score)
    try:
        db.session.commit()
    except IntegrityError:  # graded twice at once: the first row stands
        db.session.rollback()
        return db.session.scalar(select(LtiScore).where(LtiScore.attempt_id == attempt_id))
    enqueue("lti.send_score", score_id=score.id)
    return score


def _on_graded(attempt_id: int) -> None:
    on_attempt_graded(attempt_id)


attempt_graded.connect(
    _on_graded, weak=False
)  # quizzes send it; this module is loaded with the LTI blueprint


def _line_item_for(attempt: Attempt) -> LtiLineItem | None:
    return db.session.scalars(
        select(LtiLineItem)
        .join(LtiContext, LtiContext.id == LtiLineItem.context_id)
        .join(LtiUser, (LtiUser.platform_id == LtiContext.platform_id) & (LtiUser.user_id == attempt.user_id))
        .join(
            Enrolment,
            (Enrolment.course_id == LtiContext.course_id) & (Enrolment.user_id == attempt.user_id),
        )
        .where(LtiLineItem.quiz_id == attempt.quiz_id)
        .order_by(LtiLineItem.id.desc())
        .limit(1)
    ).first()


def _jobs() -> dict:
    from app.lti.service import sync_roster

    return {"lti.send_score": send_score, "lti.sync_roster": sync_roster}


def enqueue(name: str, **kwargs) -> None:
    """The one place LTI work meets the job queue (app.jobs.queue): RQ on REDIS_URL (retried with backoff
    by the worker), else inline, now. A failure inline is already recorded where the instructor sees it."""
    if not queue.queue_enabled("LTI_INLINE_JOBS"):
        try:
            _jobs()[name](**kwargs)
        except Exception as exc:  # recorded on the score row or shown on the next sync; never breaks a page
            log.warning("LTI job %s %s failed: %s", name, kwargs, exc)
        return
    from rq import Retry

    queue.enqueue(
        "app.lti.passback.run_job",
        name,
        kwargs,
        queue=current_app.config.get("LTI_QUEUE") or "default",
        retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
    )


def run_job(name: str, kwargs: dict) -> None:
    """The queue worker's entry point (`flask worker`'s app context, else its own app); an exception
    makes RQ retry."""
    if has_app_context():
        try:
            _jobs()[name](**kwargs)
        finally:
            db.session.remove()
        return
    from app import create_app

    with create_app().app_context():
        _jobs()[name](**kwargs)


def score_payload(score: LtiScore) -> dict:
    """The AGS Score JSON: the quiz grade by its grading method over the student's graded attempts."""
    attempt = db.session.get(Attempt, score.attempt_id)
    quiz = db.session.get(Quiz, attempt.quiz_id)
    platform_id = db.session.get(LtiContext, score.line_item.context_id).platform_id
    sub = db.session.scalar(
        select(LtiUser.sub).where(LtiUser.platform_id == platform_id, LtiUser.user_id == attempt.user_id)
    )
    done = db.session.scalars(
        select(Attempt)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == attempt.user_id,
            Attempt.mode == "quiz",
            Attempt.state.in_(("submitted", "finished")),
            Attempt.score.is_not(None),
            Attempt.id <= attempt.id,
        )
        .order_by(Attempt.number)
    ).all()
    given = final_grade([a.score for a in done], quiz.grading_method)
    when = attempt.submitted_at or utcnow()
    return {
        "userId": sub,
        "scoreGiven": round(given if given is not None else attempt.score, 4),
        "scoreMaximum": attempt.max_score or 0.0,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "comment": f"Casewise attempt {attempt.number} ({quiz.grading_method} grade)",
    }


def _scores_url(line_item_url: str) -> str:
    base, sep, query = line_item_url.partition("?")
    return base.rstrip("/") + "/scores" + (sep + query if sep else "")


def send_score(score_id: int) -> LtiScore | None:
    """Post one score. Sent rows are never posted again. A lasting refusal (line item gone, bad request)
    is marked failed with the LMS's message; a passing one (5xx, timeout, 401) also raises RetryableSendError."""
    score = db.session.get(LtiScore, score_id)
    if score is None or score.status == "sent":
        return score
    line_item = score.line_item
    platform = db.session.get(LtiPlatform, line_item.context.platform_id)
    score.tries += 1
    retry = False
    try:
        connector = FlaskServiceConnector(registration_for(platform))
        connector.make_service_request(
            [SCORE_SCOPE],
            _scores_url(line_item.url),
            is_post=True,
            data=json.dumps(score_payload(score)),
            content_type="application/vnd.ims.lis.v1.score+json",
        )
    except LtiServiceException as exc:
        status = exc.response.status_code
        detail = (exc.response.text or "").strip()[:300] or exc.response.reason or "no message"
        if status in (404, 410):
            score.message = (
                f"The LMS no longer has this quiz's gradebook column ({status}: {detail}). Re-link the quiz "
                "in the LMS (edit the activity, pick the quiz again); then Resend."
            )
        elif status in (401, 403):
            FlaskServiceConnector.access_tokens.clear()
            score.message = (
                f"The LMS refused Casewise's credentials ({status}: {detail}). Check the registration "
                "(client id, token URL, the tool's JWKS URL) with the LMS admin; retrying."
            )
            retry = True
        elif status is not None and status >= 500:
            score.message = f"The LMS had an error ({status}: {detail}); retrying."
            retry = True
        else:
            score.message = f"The LMS refused the score ({status}: {detail})."
        score.status = "failed"
    except (requests.RequestException, OSError) as exc:
        score.status = "failed"
        score.message = f"Could not reach the LMS ({type(exc).__name__}); retrying."
        retry = True
    else:
        score.status = "sent"
        score.sent_at = utcnow()
        score.message = ""
    db.session.commit()
    if retry:
        raise RetryableSendError(score.message)
    return score


def resend(score_id: int, course_id: int) -> LtiScore | None:
    """The instructor's "Resend": a failed score of this course goes back on the queue; a sent one never does."""
    score = db.session.get(LtiScore, score_id)
    if score is None or score.line_item.context.course_id != course_id:
        return None
    if score.status == "sent":
        return score
    score.status = "pending"
    score.message = ""
    db.session.commit()
    enqueue("lti.send_score", score_id=score.id)
    db.session.refresh(score)
    return score


def scores_for_course(course_id: int) -> list[LtiScore]:
    return list(
        db.session.scalars(
            select(LtiScore)
            .join(LtiLineItem, LtiLineItem.id == LtiScore.line_item_id)
            .join(LtiContext, LtiContext.id == LtiLineItem.context_id)
            .where(LtiContext.course_id == course_id)
            .order_by(LtiScore.id.desc())
        )
    )
