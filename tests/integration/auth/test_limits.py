"""The limiter as production runs it: Redis required, per-address AND per-account login limits, the
client's address read through TRUSTED_PROXIES hops of X-Forwarded-For, and a limit on wrong join codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.courses import service as courses
from app.extensions import db
from tests.security.conftest import PASSWORD, add_user


def _limited_app(database_url: str, **overrides) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing-not-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_LOGIN": "100 per minute",
            "RATELIMIT_LOGIN_ACCOUNT": "3 per minute",
            "RATELIMIT_JOIN": "3 per minute",
            "TRUSTED_PROXIES": 1,
            **overrides,
        }
    )


@pytest.fixture
def limited(database_url) -> Iterator[Flask]:
    application = _limited_app(database_url)
    with application.app_context():
        db.drop_all()
        db.create_all()
        add_user("victim")
        add_user("bystander")
        teacher = add_user("teacher", "instructor")
        courses.create_course(teacher, "Course One", "", "COURSE11")
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _login(client, username: str, password: str, address: str):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )


def test_failed_logins_are_limited_per_account_across_addresses(limited):
    client = limited.test_client()
    statuses = [_login(client, "victim", "wrong", f"198.51.100.{n}").status_code for n in range(1, 6)]
    assert statuses == [401, 401, 401, 429, 429]
    refused = _login(client, "Victim ", "wrong", "198.51.100.77")
    assert refused.status_code == 429  # the same account however it is typed
    assert "Too many attempts" in refused.get_data(as_text=True)
    # Another account is not affected, and a right password never counts against its own.
    other = limited.test_client()
    for n in range(4):
        response = _login(other, "bystander", PASSWORD, f"203.0.113.{n}")
        assert response.status_code == 302
        other.post("/logout")


def test_the_address_limit_counts_the_client_behind_the_proxy(database_url):
    behind = _limited_app(database_url, RATELIMIT_LOGIN="2 per minute", RATELIMIT_LOGIN_ACCOUNT="100/minute")
    client = behind.test_client()
    with behind.app_context():
        db.drop_all()
        db.create_all()
    try:
        one = [_login(client, f"user{n}", "x", "192.0.2.10").status_code for n in range(3)]
        assert one == [401, 401, 429]
        assert _login(client, "someone", "x", "192.0.2.20").status_code == 401  # a different client
        # Without a trusted proxy the header is ignored: everyone behind it would share one counter.
        direct = _limited_app(database_url, RATELIMIT_LOGIN="2 per minute", TRUSTED_PROXIES=0)
        plain = direct.test_client()
        shared = [_login(plain, f"user{n}", "x", f"192.0.2.{n}").status_code for n in range(3)]
        assert shared == [401, 401, 429]
    finally:
        with behind.app_context():
            db.drop_all()
            db.engine.dispose()


def test_wrong_join_codes_are_limited_per_account(limited):
    from tests.security.conftest import client_for

    with limited.app_context():
        student = add_user("student_z")
        client = client_for(limited, student)
        statuses = [client.post("/courses/join", data={"code": f"WRONG00{n}"}).status_code for n in range(4)]
        assert statuses == [422, 422, 422, 429]
        assert client.post("/courses/join", data={"code": "COURSE11"}).status_code == 429
        other = client_for(limited, add_user("student_y"))
        assert other.post("/courses/join", data={"code": "COURSE11"}).status_code == 302


def test_production_refuses_to_start_without_redis(monkeypatch):
    monkeypatch.setenv("CASEWISE_CONFIG", "production")
    monkeypatch.delenv("REDIS_URL", raising=False)
    base = {"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    redis_url = "redis://127.0.0.1:6379/12"
    with pytest.raises(RuntimeError, match="REDIS_URL is not set"):
        create_app(base)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app({**base, "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": "memory://"})
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app({**base, "REDIS_URL": redis_url, "TRUSTED_PROXIES": "two"})
    started = create_app({**base, "REDIS_URL": redis_url, "TRUSTED_PROXIES": "1"})
    assert started.config["RATELIMIT_STORAGE_URI"] == redis_url
    # Limits switched off (the benchmarks) need no Redis.
    assert create_app({**base, "RATELIMIT_ENABLED": False}).config["REQUIRE_REDIS"] is True


def test_an_app_built_with_limits_off_stays_unlimited_after_another_turns_them_on(database_url, tmp_path):
    """The Limiter is one object per process and keeps the flag of the app built last; each app's own
    setting must decide (the suite's live servers run with limits off beside apps that test them)."""
    unlimited = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "off.db"),
            "SECRET_KEY": "testing-not-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with unlimited.app_context():
        db.create_all()
        add_user("victim")
    _limited_app(database_url, RATELIMIT_LOGIN="10 per minute")  # built after it, with limits on
    client = unlimited.test_client()
    statuses = [
        client.post("/login", data={"username": "victim", "password": "wrong"}).status_code for _ in range(14)
    ]
    assert statuses == [401] * 14, statuses
    with unlimited.app_context():
        db.engine.dispose()
