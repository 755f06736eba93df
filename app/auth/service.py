"""Accounts: registration with password rules, authentication, a new name or password, logout everywhere."""

from __future__ import annotations

import hmac
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import ROLES, User

# A hash to compare against when the username does not exist, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000")


class AccountError(ValueError):
    """A user-facing problem; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    if len(password) < 8:
        return "A password has at least 8 characters."
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(password)) < 3:
        return "That password is one of the most common ones. Choose a longer, less predictable one."
    if username and lowered == username.lower():
        return "The password must not be your username."
    return None


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def create_user(
    username: str, display_name: str, password: str, role: str = "student", timezone: str = "UTC"
) -> User:
    """Create and commit a user; raises AccountError for a taken username or a weak password."""
    username = username.strip()
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", "role")
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem, "password")
    if find_user(username) is not None:
        raise AccountError("That username is taken. Choose another one.", "username")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=generate_password_hash(password),
        role=role,
        timezone=timezone,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent registration won the race
        db.session.rollback()
        raise AccountError("That username is taken. Choose another one.", "username") from exc
    return user


def register(
    username: str, display_name: str, password: str, instructor_code: str, configured_code: str | None
):
    role = "student"
    if instructor_code:
        if not configured_code or not hmac.compare_digest(instructor_code.strip(), configured_code):
            raise AccountError(
                "That instructor code is not right. Leave it empty to register as a student.",
                "instructor_code",
            )
        role = "instructor"
    return create_user(username, display_name, password, role)


def authenticate(username: str, password: str) -> User | None:
    user = find_user(username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def rename(user: User, display_name: str) -> None:
    """Change the name shown to others (the course roster, the gradebook, the header)."""
    name = display_name.strip()
    if not name:
        raise AccountError("Tell us your name.", "display_name")
    user.display_name = name
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session of the user ends (the
    caller starts a fresh one for this browser). AccountError names the field; nothing is written then."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("That is not your current password.", "current")
    problem = password_problem(new, user.username)
    if problem:
        raise AccountError(problem, "password")
    if check_password_hash(user.password_hash, new):
        raise AccountError("That is your current password; choose a new one.", "password")
    user.password_hash = generate_password_hash(new)
    user.session_version += 1
    db.session.commit()


def end_sessions(user: User) -> None:
    """Invalidate every session of this user (used on logout)."""
    user.session_version += 1
    db.session.commit()
