"""Login rate limiting is shared by every gunicorn worker through Redis: hammering POST /login with wrong
passwords on new connections (so both workers answer) lets exactly the configured number through per
window, as one worker would; the rest get 429."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter

import pytest
from limits import parse_many

from app.config import Config
from app.extensions import db
from tests.conftest import IN_CI
from tests.reliability.conftest import (
    add_user,
    app_for,
    dispose,
    migrate,
    require_gunicorn,
    served,
    server_env,
    stop_server,
    wait_until_every_worker_serves,
)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
CLIENTS = 6
MAX_ROUNDS = 25


def require_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"Redis not reachable at {REDIS_URL}: {exc}"
        if IN_CI:
            pytest.fail(f"CI must run the Redis rate-limit test, but {reason}")
        pytest.skip(reason)
    return client


def _first_limit() -> int:
    """The configured login limit that bites first (e.g. 10 of "10 per minute;50 per hour")."""
    return min(item.amount for item in parse_many(Config.RATELIMIT_LOGIN))


def test_login_limit_is_shared_by_both_workers_through_redis(tmp_path):
    require_gunicorn()
    redis_client = require_redis()
    from bench.harness.load import Session, csrf_token_in
    from bench.harness.server import GunicornServer

    url = f"sqlite:///{tmp_path / 'limits.db'}"
    application = app_for(url)
    migrate(application)
    with application.app_context():
        add_user("student", fast_login=True)
        db.session.remove()
    dispose(application)

    prefix = f"casewise-test-{uuid.uuid4().hex[:12]}"
    limit = _first_limit()
    env = server_env(
        url,
        {
            "FLASK_RATELIMIT_ENABLED": "true",
            "REDIS_URL": REDIS_URL,
            "FLASK_RATELIMIT_KEY_PREFIX": prefix,
            # The per-account limit (tests/integration/auth/test_limits.py) is lifted: this is the per-IP one.
            "RATELIMIT_LOGIN_ACCOUNT": "1000 per minute",
        },
    )
    log_path = tmp_path / "gunicorn.log"
    server = GunicornServer(env, log_path, workers=2, threads=4)
    statuses: Counter = Counter()
    bodies: dict[int, str] = {}
    lock = threading.Lock()
    started = time.monotonic()
    try:
        server.start()
        wait_until_every_worker_serves(server.port, log_path)
        up = time.monotonic() - started
        sessions = []
        for _ in range(CLIENTS):
            session = Session("127.0.0.1", server.port)
            session.csrf_token = csrf_token_in(session.get("/login").text)  # GET is never limited
            sessions.append(session)

        def wrong_password(session: Session) -> None:
            form = {"csrf_token": session.csrf_token, "username": "student", "password": "not-the-password"}
            # A new connection for every request, so the kernel hands them to both workers.
            response = session.post("/login", form=form, headers={"Connection": "close"})
            with lock:
                statuses[response.status] += 1
                bodies.setdefault(response.status, response.text)

        def per_worker() -> Counter:
            return Counter(
                pid for pid, _, method, path in served(log_path) if (method, path) == ("POST", "/login")
            )

        for _ in range(MAX_ROUNDS):
            threads = [threading.Thread(target=wrong_password, args=(s,)) for s in sessions]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            counts = per_worker()
            # Each worker alone past the limit: with per-worker counters both would let `limit` through.
            if len(counts) >= 2 and min(counts.values()) > limit:
                break
    finally:
        stop_server(server)
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)

    counts = per_worker()
    print(
        f"\n[rate limit] limit {limit}; POST /login per worker {dict(counts)}; statuses {dict(statuses)}; "
        f"server up in {up:.1f}s, done in {time.monotonic() - started:.1f}s"
    )
    assert len(counts) == 2 and min(counts.values()) > limit, f"requests did not reach both workers: {counts}"
    assert set(statuses) == {401, 429}, statuses
    assert statuses[401] == limit, (
        f"{statuses[401]} wrong passwords were checked; the shared limit is {limit}"
    )
    assert "Too many attempts" in bodies[429]
