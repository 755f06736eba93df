"""Closing the attempts past their deadline as a job, so a deployment can schedule it on the queue."""

from __future__ import annotations

from app.jobs import register
from app.quizzes.attempts import close_overdue


@register("quiz.close_overdue")
def close_overdue_job(ctx) -> dict:
    """Close every overdue attempt (each in its own transaction) with its saved answers, graded."""
    return {"closed": close_overdue()}
