"""Registration, login, logout, password rules, and rate limiting through the real app."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User


def _count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def register(client, username="alice", password="correct horse battery", **extra):
    data = {"username": username, "display_name": "Alice", "password": password, "confirm": password}
    data.update(extra)
    return client.post("/register", data=data)


def test_register_logs_in_and_lands_on_dashboard(client):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert b"Welcome, Alice" in page.data
    user = db.session.scalar(select(User).where(User.username == "alice"))
    assert user.role == "student"
    assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", b"at least 8 characters"),
        ("password123", b"most common"),
        ("aaaaaaaaaaaa", b"most common"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_written(client, password, message):
    response = register(client, password=password)
    assert response.status_code == 422
    assert message in response.data
    assert _count_users() == 0


def test_duplicate_username_is_refused_case_insensitively(client, make_user):
    make_user("alice")
    response = register(client, username="ALICE")
    assert response.status_code == 422
    assert b"That username is taken" in response.data
    assert _count_users() == 1


def test_instructor_code_makes_an_instructor_and_a_wrong_one_is_refused(client):
    wrong = register(client, username="bob", instructor_code="nope")
    assert wrong.status_code == 422
    assert b"instructor code is not right" in wrong.data
    assert _count_users() == 0
    right = register(client, username="bob", instructor_code="teach-2025")
    assert right.status_code == 302
    assert db.session.scalar(select(User.role).where(User.username == "bob")) == "instructor"


def test_wrong_password_gets_401_with_a_message(client, make_user, auth):
    make_user("sam")
    response = auth.login("sam", "not-the-password")
    assert response.status_code == 401
    assert b"Wrong username or password" in response.data
    assert client.get("/dashboard").status_code == 302  # still anonymous


def test_login_then_logout_ends_the_session_everywhere(app, client, make_user, auth):
    make_user("sam")
    assert auth.login("sam").status_code == 302
    other = app.test_client()
    other.post("/login", data={"username": "sam", "password": "casewise-demo"})
    assert other.get("/dashboard").status_code == 200
    auth.logout()
    assert client.get("/dashboard").status_code == 302
    # The second device's session was signed for the old session version: it is gone too.
    assert other.get("/dashboard").status_code == 302


def test_login_redirect_ignores_external_next(client, make_user):
    make_user("sam")
    response = client.post(
        "/login?next=https://evil.example/", data={"username": "sam", "password": "casewise-demo"}
    )
    assert response.headers["Location"].endswith("/dashboard")


def test_login_is_rate_limited(database_url):
    from app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_LOGIN": "3 per minute",
        }
    )
    with app.app_context():
        db.create_all()
        try:
            client = app.test_client()
            codes = [
                client.post("/login", data={"username": "x", "password": "wrong-password"}).status_code
                for _ in range(4)
            ]
            assert codes[:3] == [401, 401, 401]
            assert codes[3] == 429
            assert b"Too many attempts" in client.post("/login", data={"username": "x", "password": "y"}).data
        finally:
            db.session.remove()
            db.drop_all()


def test_missing_csrf_token_is_rejected_with_a_message(database_url):
    from app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        try:
            response = app.test_client().post(
                "/register",
                data={
                    "username": "eve",
                    "display_name": "Eve",
                    "password": "long enough pw",
                    "confirm": "long enough pw",
                },
            )
            assert response.status_code == 400
            assert b"security token" in response.data
            assert _count_users() == 0
        finally:
            db.session.remove()
            db.drop_all()
