"""The optimisation service: read a student's review log, fit and compare with app.study.optimize, and store
the result in one transaction; the instructors' course figures.

`start_optimisation(user)` is what the settings page calls: it refuses below the threshold before
anything is written, then runs `run_optimisation` as a background job (see JOB_KIND).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.models import Course, CourseSummary, Enrolment, Job, ReviewLog, StudyOptimisation, User
from app.study import optimize
from app.study.optimize import MIN_ITEMS, Items, LoggedReview, NotEnoughReviews
from app.study.scheduler import day_bounds, study_day
from app.study.service import parameters_of

JOB_KIND = "study.optimise"


def _next_day_at(user: User, now: datetime) -> datetime:
    """The end of the student's study day today (Anki's next_day_at): delta_t counts back from it."""
    return day_bounds(study_day(now, user.timezone), user.timezone)[1]


def review_items(user: User, now: datetime | None = None) -> Items:
    """The student's training items from their whole review log."""
    now = now or datetime.now(UTC)
    rows = db.session.execute(
        select(ReviewLog.card_id, ReviewLog.rating, ReviewLog.reviewed_at, ReviewLog.state_before).where(
            ReviewLog.user_id == user.id
        )
    )
    return optimize.training_items((LoggedReview(*row) for row in rows), _next_day_at(user, now))


def review_count(user: User) -> int:
    return db.session.scalar(select(func.count()).where(ReviewLog.user_id == user.id)) or 0


@dataclass(frozen=True)
class Readiness:
    """What the settings page says about optimising: the threshold and where the student stands."""

    reviews: int
    items: int
    needed: int = MIN_ITEMS

    @property
    def ready(self) -> bool:
        return self.items >= self.needed


def readiness(user: User) -> Readiness:
    reviews = review_count(user)
    return Readiness(reviews, len(review_items(user).items) if reviews else 0)


def latest(user: User) -> StudyOptimisation | None:
    return db.session.scalars(
        select(StudyOptimisation)
        .where(StudyOptimisation.user_id == user.id)
        .order_by(StudyOptimisation.created_at.desc(), StudyOptimisation.id.desc())
        .limit(1)
    ).first()


def check_ready(user: User) -> Items:
    """The student's items, or NotEnoughReviews (nothing written) below the threshold."""
    data = review_items(user)
    if len(data.items) < MIN_ITEMS:
        raise NotEnoughReviews(len(data.items), data.reviews)
    return data


@jobs.register(JOB_KIND, readable=(NotEnoughReviews,))
def optimisation_job(ctx: Any) -> dict[str, Any]:
    """The job runner (app/jobs): the owner's optimisation."""
    return run_optimisation(ctx, ctx.owner_id)


def run_optimisation(ctx: Any, user_id: int) -> dict[str, Any]:
    """Fit the student's parameters and store the outcome (and the parameters when the new ones are
    better) in one transaction. `ctx.progress(done, total, message)` reports each step."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ValueError(f"no user {user_id}")
    data = check_ready(user)
    current = parameters_of(user)
    # End the read transaction: progress is written on another connection, and on SQLite a transaction
    # that read before that write could not write after it.
    db.session.commit()
    outcome = optimize.optimise(data, current, ctx.progress)
    ctx.progress(optimize.STEPS, optimize.STEPS, "Saving")
    record = StudyOptimisation(
        user_id=user_id,
        reviews=outcome.reviews,
        items=outcome.items,
        log_loss_before=outcome.before.log_loss,
        rmse_before=outcome.before.rmse_bins,
        log_loss_after=outcome.after.log_loss,
        rmse_after=outcome.after.rmse_bins,
        updated=outcome.updated,
    )
    db.session.add(record)
    if outcome.updated:
        db.session.get(User, user_id).fsrs_parameters = list(outcome.parameters)
    db.session.commit()
    return {
        "outcome": "updated" if outcome.updated else "kept",
        "reviews": outcome.reviews,
        "log_loss_before": round(outcome.before.log_loss, 4),
        "log_loss_after": round(outcome.after.log_loss, 4),
        "rmse_before": round(outcome.before.rmse_bins, 4),
        "rmse_after": round(outcome.after.rmse_bins, 4),
    }


def start_optimisation(user: User) -> Job:
    """Start the student's optimisation as a background job (inline without Redis) and return it. Below
    the threshold: NotEnoughReviews and nothing written. While one is queued or running, that one is
    returned: a second click does not start a second fit."""
    active = latest_job(user)
    if active is not None and active.active:
        return active
    check_ready(user)
    return jobs.start(JOB_KIND, user, {})


def latest_job(user: User) -> Job | None:
    return db.session.scalars(
        select(Job)
        .where(Job.owner_id == user.id, Job.kind == JOB_KIND)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(1)
    ).first()


# --- Instructors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseOptimisation:
    students: int
    optimised: int  # students whose scheduler uses their own parameters
    ran: int  # students who ran the optimiser at least once
    retention: float | None  # mean over students of their true retention; None below MIN_STUDENTS
    contributing: int  # students with answers on review cards in the window
    min_students: int = 3  # MIN_STUDENTS


# Fewer students than this and a course mean would all but show one student's retention.
MIN_STUDENTS = CourseOptimisation.min_students


def course_optimisation(course: Course) -> CourseOptimisation:
    """How many of the course's students optimised, and the mean of their true retention (the share of
    answers on review cards not graded Again) over the course window: one figure per student, averaged,
    so a student with many answers does not outweigh the others, and no student's own figure is shown.
    The retention comes from the course summary (`reports.refresh_course`), never from the log."""
    students = select(Enrolment.user_id).where(Enrolment.course_id == course.id, Enrolment.role == "student")
    total, optimised = db.session.execute(
        select(func.count(User.id), func.count(User.fsrs_parameters)).where(User.id.in_(students))
    ).one()
    ran = db.session.scalar(
        select(func.count(func.distinct(StudyOptimisation.user_id))).where(
            StudyOptimisation.user_id.in_(students)
        )
    )
    summary = db.session.get(CourseSummary, course.id)
    contributing = summary.retention_students if summary else 0
    mean = summary.mean_retention if summary and contributing >= MIN_STUDENTS else None
    return CourseOptimisation(int(total), int(optimised), int(ran or 0), mean, contributing)
