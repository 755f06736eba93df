"""Courses: creation with a join code, joining, listings. Who may see or manage one: `app.policy`."""

from __future__ import annotations

import secrets

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Course, Enrolment, User, utcnow
from app.policy import membership

# No 0/O, 1/I/L: codes are read aloud and copied from slides.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class CourseError(ValueError):
    """A refusal with the HTTP status the web answers with (400 unless said otherwise)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_course(owner: User, title: str, description: str = "", join_code: str | None = None) -> Course:
    if not owner.is_instructor:
        raise CourseError("Only instructors can create courses.")
    for _ in range(5):
        course = Course(
            title=title.strip(),
            description=description.strip(),
            owner=owner,
            join_code=join_code or new_join_code(),
        )
        course.enrolments.append(Enrolment(user=owner, role="instructor"))
        db.session.add(course)
        try:
            db.session.commit()
            return course
        except IntegrityError:
            db.session.rollback()
            if join_code:
                raise CourseError(f"The join code {join_code} is already used.") from None
    raise CourseError("Could not find a free join code; try again.")


def find_by_code(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.join_code == normalise_code(code)))


def join_course(user: User, code: str) -> Course:
    course = find_by_code(code)
    if course is None:
        raise CourseError(
            "No course has that join code. Check it with your instructor (8 letters and digits)."
        )
    if membership(user, course) is not None:
        return course
    if course.archived_at is not None:
        raise CourseError(f"{course.title} is archived and takes no new students; ask your instructor.", 409)
    db.session.add(Enrolment(course=course, user=user, role="student"))
    try:
        db.session.commit()
    except IntegrityError:  # joined twice at once: the first one stands
        db.session.rollback()
    return course


def courses_for(user: User) -> list[Course]:
    """The user's courses; an archived course only for those who teach it (and admins)."""
    if user.is_admin:
        return list(db.session.scalars(select(Course).order_by(Course.title)))
    return list(
        db.session.scalars(
            select(Course)
            .join(Enrolment)
            .where(
                Enrolment.user_id == user.id,
                or_(Course.archived_at.is_(None), Enrolment.role == "instructor"),
            )
            .order_by(Course.title)
        )
    )


def managed_courses(user: User) -> list[Course]:
    """The courses the user may put quizzes in (teaches, or all for an admin): can_manage_course for each,
    in one query."""
    courses = courses_for(user)
    if user.is_admin:
        return courses
    teaching = set(
        db.session.scalars(
            select(Enrolment.course_id).where(Enrolment.user_id == user.id, Enrolment.role == "instructor")
        )
    )
    return [course for course in courses if course.id in teaching]


def students_of(course: Course) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Enrolment)
            .where(Enrolment.course_id == course.id, Enrolment.role == "student")
            .order_by(User.display_name)
        )
    )


def update_course(course: Course, title: str, description: str = "") -> Course:
    title = title.strip()
    if not title:
        raise CourseError("Give the course a title.", 422)
    course.title = title
    course.description = description.strip()
    db.session.commit()
    return course


def remove_student(course: Course, by: User, user_id: int) -> User:
    """Take a student out of the course (their attempts stay, for the record); never the remover."""
    if user_id == by.id:
        raise CourseError("You cannot remove yourself from your own course.", 409)
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id == user_id)
    )
    if enrolment is None or enrolment.role != "student":
        raise CourseError(f"User {user_id} is not a student of {course.title}.", 404)
    student = enrolment.user
    db.session.delete(enrolment)
    db.session.commit()
    return student


def regenerate_code(course: Course) -> str:
    """A new join code; the old one stops working at once."""
    for _ in range(5):
        course.join_code = new_join_code()
        try:
            db.session.commit()
            return course.join_code
        except IntegrityError:
            db.session.rollback()
    raise CourseError("Could not find a free join code; try again.", 409)


def set_archived(course: Course, archived: bool) -> None:
    """Archive (students no longer see the course, and nobody can join) or bring it back."""
    course.archived_at = (course.archived_at or utcnow()) if archived else None
    db.session.commit()
