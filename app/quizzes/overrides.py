"""Per-student overrides of a quiz's rules (the accommodations instructors give): another time limit,
extra attempts, another close date; and the rules an attempt is held to once they are applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.courses.service import students_of
from app.extensions import db
from app.models import Attempt, Enrolment, Quiz, QuizOverride, User, utcnow
from app.quizzes.errors import QuizError

MAX_EXTRA_ATTEMPTS = 100
MAX_TIME_LIMIT_S = 7 * 24 * 3600


class OverrideError(QuizError):
    """Bad override input: 422, nothing written."""

    status = 422
    code = "bad_override"


class NotInCourse(QuizError):
    status = 404
    code = "not_in_course"


class OverrideConflict(QuizError):
    status = 409
    code = "conflict"


@dataclass(frozen=True)
class Rules:
    """The rules one student's attempts at a quiz follow: the quiz's settings with their override applied."""

    opens_at: datetime | None
    closes_at: datetime | None
    time_limit_s: int | None
    attempts_allowed: int  # 0 = unlimited
    overridden: bool = False


def apply_override(quiz: Quiz, override: QuizOverride | None) -> Rules:
    """Pure: the quiz's rules with `override` applied (extra attempts add to a limited number only)."""
    if override is None:
        return Rules(quiz.opens_at, quiz.closes_at, quiz.time_limit_s, quiz.attempts_allowed)
    allowed = quiz.attempts_allowed
    if allowed:
        allowed += override.extra_attempts
    return Rules(
        quiz.opens_at,
        override.closes_at or quiz.closes_at,
        override.time_limit_s or quiz.time_limit_s,
        allowed,
        overridden=True,
    )


def override_for(quiz: Quiz, user: User | int) -> QuizOverride | None:
    user_id = user if isinstance(user, int) else user.id
    return db.session.scalar(
        select(QuizOverride).where(QuizOverride.quiz_id == quiz.id, QuizOverride.user_id == user_id)
    )


def rules_for(quiz: Quiz, user: User) -> Rules:
    return apply_override(quiz, override_for(quiz, user))


def deadline(rules: Rules, started_at: datetime) -> datetime | None:
    """When an attempt started at `started_at` must close: the time limit or the close date, the sooner."""
    end = started_at + timedelta(seconds=rules.time_limit_s) if rules.time_limit_s else None
    if rules.closes_at:
        end = min(end, rules.closes_at) if end else rules.closes_at
    return end


def overrides_of(quiz: Quiz) -> list[QuizOverride]:
    return list(
        db.session.scalars(
            select(QuizOverride)
            .join(User, User.id == QuizOverride.user_id)
            .where(QuizOverride.quiz_id == quiz.id)
            .order_by(User.display_name, User.id)
        )
    )


def _student_of_course(quiz: Quiz, user_id: int | None) -> User:
    student = db.session.get(User, user_id) if isinstance(user_id, int) else None
    enrolled = (
        student is not None
        and quiz.course_id is not None
        and db.session.scalar(
            select(Enrolment.id).where(
                Enrolment.course_id == quiz.course_id,
                Enrolment.user_id == student.id,
                Enrolment.role == "student",
            )
        )
        is not None
    )
    if not enrolled:
        who = f"{student.display_name} ({student.username})" if student else f"user {user_id!r}"
        raise NotInCourse(f"{who} is not a student of this quiz's course; overrides are for its students.")
    return student


def set_override(
    quiz: Quiz,
    user_id: int | None,
    time_limit_s: int | None,
    extra_attempts: int | None,
    closes_at: datetime | None,
    now: datetime | None = None,
) -> QuizOverride:
    """Create or replace a student's override and re-time their attempt in progress; one transaction.

    Raises NotInCourse (404) for someone who is not a student of the course, OverrideError (422) for a
    time limit that is not positive, extra attempts outside 0..100, or a close date not after the quiz
    opens; OverrideConflict (409) for a close date already past while the student has an attempt open.
    """
    now = now or utcnow()
    student = _student_of_course(quiz, user_id)
    extra = extra_attempts or 0
    if time_limit_s is not None and not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        raise OverrideError(
            "The time limit must be a positive number of minutes (at most 7 days); leave it empty to keep "
            "the quiz's.",
            "time_limit",
        )
    if not 0 <= extra <= MAX_EXTRA_ATTEMPTS:
        raise OverrideError(f"Extra attempts must be between 0 and {MAX_EXTRA_ATTEMPTS}.", "extra_attempts")
    if extra and not quiz.attempts_allowed:
        raise OverrideError(
            "This quiz already allows unlimited attempts; extra attempts would change nothing.",
            "extra_attempts",
        )
    if closes_at is not None and quiz.opens_at is not None and closes_at <= quiz.opens_at:
        raise OverrideError(
            f"The close date must be after the quiz opens ({quiz.opens_at:%Y-%m-%d %H:%M} UTC).", "closes_at"
        )
    if time_limit_s is None and not extra and closes_at is None:
        raise OverrideError("Give at least one of: a time limit, extra attempts or a close date.", "student")
    open_attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == student.id,
            Attempt.mode == "quiz",
            Attempt.state == "in_progress",
        )
    )
    if closes_at is not None and closes_at <= now and open_attempt is not None:
        raise OverrideConflict(
            f"{student.display_name} has an attempt open; a close date in the past would end it at once. "
            "Choose a later date, or let the attempt finish first.",
            "closes_at",
        )
    override = override_for(quiz, student) or QuizOverride(quiz_id=quiz.id, user_id=student.id)
    override.time_limit_s = time_limit_s
    override.extra_attempts = extra
    override.closes_at = closes_at
    db.session.add(override)
    if open_attempt is not None:
        open_attempt.deadline_at = deadline(apply_override(quiz, override), open_attempt.started_at)
    db.session.commit()
    return override


def clear_override(quiz: Quiz, user_id: int) -> None:
    """Remove a student's override; an attempt in progress goes back to the quiz's own deadline."""
    override = override_for(quiz, user_id)
    if override is None:
        raise NotInCourse(f"User {user_id} has no override on this quiz.")
    db.session.delete(override)
    open_attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == user_id,
            Attempt.mode == "quiz",
            Attempt.state == "in_progress",
        )
    )
    if open_attempt is not None:
        open_attempt.deadline_at = deadline(apply_override(quiz, None), open_attempt.started_at)
    db.session.commit()


def student_choices(quiz: Quiz) -> list[tuple[int, str]]:
    if quiz.course is None:
        return []
    return [(s.id, f"{s.display_name} ({s.username})") for s in students_of(quiz.course)]
