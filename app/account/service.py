"""Everything the app holds about one user, as plain data for the JSON download (GDPR-style portability).

Only what the user may see: no password hash, nobody else's rows, and no correct answers or grades per
question for quiz attempts whose review is not open yet (the quiz service's rules decide).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import policy
from app.extensions import db
from app.models import (
    Attempt,
    Card,
    Enrolment,
    Question,
    Quiz,
    Response,
    ReviewLog,
    StudyOptimisation,
    User,
    utcnow,
)
from app.quizzes import service as quizzes
from app.study.service import LABELS
from app.study.stats import STATE_NAMES

FORMAT_NAME = "casewise-student-data"
FORMAT_VERSION = 1


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _question_ref(question: Question | None) -> dict[str, Any] | None:
    if question is None:
        return None
    return {"id": question.uid, "stem": question.stem, "topic": question.topic}


def profile(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "timezone": user.timezone,
        "created_at": _when(user.created_at),
    }


def study_settings(user: User) -> dict[str, Any]:
    return {
        "desired_retention": user.desired_retention,
        "new_per_day": user.new_per_day,
        "reviews_per_day": user.reviews_per_day,
        "timezone": user.timezone,
    }


def fsrs_optimisation(user: User) -> dict[str, Any]:
    """The student's own FSRS parameters (None: the defaults) and every run of the optimiser."""
    runs = db.session.scalars(
        select(StudyOptimisation).where(StudyOptimisation.user_id == user.id).order_by(StudyOptimisation.id)
    )
    return {
        "parameters": user.fsrs_parameters,
        "runs": [
            {
                "at": _when(run.created_at),
                "reviews": run.reviews,
                "items": run.items,
                "log_loss_before": run.log_loss_before,
                "rmse_before": run.rmse_before,
                "log_loss_after": run.log_loss_after,
                "rmse_after": run.rmse_after,
                "outcome": "updated" if run.updated else "kept",
            }
            for run in runs
        ],
    }


def enrolments(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.id)
        .options(selectinload(Enrolment.course))
    )
    return [
        {
            "course_id": e.course_id,
            "course": e.course.title,
            "role": e.role,
            "joined_at": _when(e.created_at),
        }
        for e in rows
    ]


def cards(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Card).where(Card.user_id == user.id).order_by(Card.id).options(selectinload(Card.question))
    )
    return [
        {
            "id": c.id,
            "question": _question_ref(c.question),
            "state": STATE_NAMES[c.state],
            "step": c.step,
            "stability": c.stability,
            "difficulty": c.difficulty,
            "due": _when(c.due),
            "last_review": _when(c.last_review),
            "reps": c.reps,
            "lapses": c.lapses,
            "created_at": _when(c.created_at),
        }
        for c in rows
    ]


def reviews(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ReviewLog, Question.uid)
        .join(Card, Card.id == ReviewLog.card_id)
        .join(Question, Question.id == Card.question_id)
        .where(ReviewLog.user_id == user.id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    )
    return [
        {
            "id": log.id,
            "card_id": log.card_id,
            "question_id": uid,
            "rating": log.rating,
            "rating_label": LABELS[log.rating],
            "reviewed_at": _when(log.reviewed_at),
            "duration_ms": log.duration_ms,
            "state_before": STATE_NAMES[log.state_before],
            "request_id": log.request_id,
        }
        for log, uid in rows
    ]


def _feedback_for(attempt: Attempt, user: User, editable: set[int]) -> bool:
    """Whether per-question grades and answer keys may be shown: the review page's rule; a practice
    session shows them for each question as soon as it is answered."""
    return attempt.mode == "practice" or quizzes.review_allowed(
        attempt, user, editor=attempt.quiz_id in editable
    )


def _responses(
    attempt: Attempt,
    feedback: bool,
    questions: dict[int, Question],
    saved: dict[int, Response],
) -> list[dict[str, Any]]:
    if feedback:
        out = []
        for reviewed in quizzes.reviewed_questions(attempt, questions, saved):
            response = saved.get(reviewed.question.id)
            item = {
                "number": reviewed.number,
                "question": _question_ref(reviewed.question),
                "points": reviewed.points,
                "answer": reviewed.answer,
                "saved_at": _when(response.saved_at) if response else None,
            }
            # Practice shows the key of answered questions only; a closed, reviewable attempt shows all.
            if attempt.mode != "practice" or reviewed.fraction is not None:
                item.update(
                    fraction=reviewed.fraction,
                    earned=reviewed.earned,
                    correct_answer=reviewed.correct_text,
                    explanation=reviewed.question.explanation,
                )
            out.append(item)
        return out
    out = []
    for number, entry in enumerate(attempt.layout, start=1):
        response = saved.get(entry["question_id"])
        out.append(
            {
                "number": number,
                "question": _question_ref(questions.get(entry["question_id"])),
                "points": entry["points"],
                "answer": response.answer if response else None,
                "saved_at": _when(response.saved_at) if response else None,
            }
        )
    return out


def attempts(user: User) -> list[dict[str, Any]]:
    """Every attempt with its responses, in a fixed number of queries however many there are: the
    attempts with their quizzes and responses, the questions of all their layouts (with articles), and
    which of the quizzes the user may edit."""
    rows = list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user.id)
            .order_by(Attempt.id)
            .options(selectinload(Attempt.quiz).selectinload(Quiz.course), selectinload(Attempt.responses))
        )
    )
    questions = quizzes.questions_by_id(
        {entry["question_id"] for a in rows for entry in a.layout}, with_articles=True
    )
    editable = policy.editable_quiz_ids(user, [a.quiz for a in rows if a.quiz is not None])
    quizzes.project_overdue(rows)  # an overdue attempt reads as closed; a download writes nothing
    out = []
    for attempt in rows:
        feedback = _feedback_for(attempt, user, editable)
        done = attempt.state in quizzes.DONE_STATES
        saved = {r.question_id: r for r in attempt.responses}
        item = {
            "id": attempt.id,
            "mode": attempt.mode,
            "quiz": {"id": attempt.quiz.id, "title": attempt.quiz.title} if attempt.quiz else None,
            "number": attempt.number,
            "state": attempt.state,
            "started_at": _when(attempt.started_at),
            "deadline_at": _when(attempt.deadline_at),
            "submitted_at": _when(attempt.submitted_at),
            # The review page shows the total once the attempt is closed, whatever the feedback setting.
            "score": attempt.score if done else None,
            "max_score": attempt.max_score if done else None,
            "review_open": feedback and (done or attempt.mode == "practice"),
            "responses": _responses(attempt, feedback, questions, saved),
        }
        if not item["review_open"] and done and attempt.quiz is not None and attempt.quiz.closes_at:
            item["review_opens_at"] = _when(attempt.quiz.closes_at)
        out.append(item)
    return out


def export_data(user: User) -> dict[str, Any]:
    """The user's data as one JSON-ready document."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": _when(utcnow()),
        "profile": profile(user),
        "study_settings": study_settings(user),
        "fsrs_optimisation": fsrs_optimisation(user),
        "enrolments": enrolments(user),
        "cards": cards(user),
        "reviews": reviews(user),
        "attempts": attempts(user),
    }
