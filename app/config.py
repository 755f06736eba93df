"""Configuration classes; every value can be overridden from the environment (FLASK_* prefix or the names below)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

# The checkout's own data folders: the default for SEEDS_DIR and QUESTIONS_DIR.
PROJECT_DIR = Path(__file__).resolve().parents[1]


def _database_url(default: str | None) -> str | None:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the old driver; SQLAlchemy needs an explicit psycopg 3 dialect.
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(None)  # None: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")  # per client IP
    # Per account (the username typed), failed logins only: one address cannot guess one password fast,
    # and many addresses cannot either; a user typing their own password right is never slowed.
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "5 per minute;20 per hour")
    # Wrong join codes per signed-in user: codes are 8 characters, guessing them must stay hopeless.
    RATELIMIT_JOIN = os.environ.get("RATELIMIT_JOIN", "10 per minute;30 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per minute;30 per hour")
    RATELIMIT_ENABLED = True  # explicit: the limiter object is shared by every app built in one process
    RATELIMIT_HEADERS_ENABLED = True
    # Reverse proxies in front of the app (HAProxy: 1). Their X-Forwarded-For/-Proto/-Host are trusted that
    # many hops deep, so limits count the real client, not the proxy every user shares. 0: none trusted.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")
    # Redis down (restarting, failing over): each worker counts in its own memory, logs "Rate limit storage
    # unreachable", and goes back to Redis when it answers again. Logins keep working meanwhile.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    REQUIRE_REDIS = False  # production: rate limits must be shared by every worker
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024 + 64 * 1024  # 2 MB upload plus form overhead
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in {"1", "true", "yes"}
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE  # the remember-me cookie logs in as well as the session
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # CSRF tokens live as long as the session, so a long quiz attempt never loses its token.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True
    FRAME_ANCESTORS = os.environ.get("FRAME_ANCESTORS", "'self'")  # e.g. "'self' https://canvas.example.edu"
    BENCH_ENDPOINTS = False
    # Jobs (app.jobs): results under JOBS_FOLDER (default instance/jobs); with REDIS_URL they run on RQ's
    # JOBS_QUEUE (`flask worker`), unless JOBS_INLINE runs them in the request as without Redis.
    JOBS_FOLDER = os.environ.get("JOBS_FOLDER")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "default")
    JOBS_INLINE = os.environ.get("JOBS_INLINE", "").lower() in {"1", "true", "yes"}
    JOBS_TIMEOUT = int(os.environ.get("JOBS_TIMEOUT", "3600"))  # seconds one job may run on the worker
    JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", "3600"))  # no progress this long: abandoned
    # A course statistics refresh (seconds on a large course) with no progress this long lost its worker: it
    # no longer blocks another instructor's "Refresh now" (app/study/summary_job.py).
    SUMMARY_REFRESH_STALE_SECONDS = int(os.environ.get("SUMMARY_REFRESH_STALE_SECONDS", "600"))
    # A finished job's files (exports, backups) are deleted this many days after it finished: when another
    # job starts and by `flask jobs purge`.
    JOBS_KEEP_DAYS = float(os.environ.get("JOBS_KEEP_DAYS", "7"))
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "casewise-demo")
    # The README tells operators to export these two by their bare names; without these lines only
    # FLASK_LTI_KEY_SECRET / FLASK_LTI_QUEUE reached the app and an exported LTI_KEY_SECRET was ignored.
    LTI_KEY_SECRET = os.environ.get("LTI_KEY_SECRET")  # encrypts the tool's signing keys; else SECRET_KEY
    LTI_QUEUE = os.environ.get("LTI_QUEUE", "default")  # RQ queue for grade passback and roster sync
    # The seed articles (seeds/<slug>.txt + .yaml) and the curated bank (questions/*.yaml).
    SEEDS_DIR = Path(os.environ.get("SEEDS_DIR") or PROJECT_DIR / "seeds")
    QUESTIONS_DIR = Path(os.environ.get("QUESTIONS_DIR") or PROJECT_DIR / "questions")


class DevelopmentConfig(Config):
    # A fixed key is fine on a developer's machine; production must set SECRET_KEY.
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-not-secret"  # noqa: S105 - the test config only
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    JOBS_INLINE = True  # a test that wants the queue turns it off and runs a worker itself


class ProductionConfig(Config):
    REQUIRE_REDIS = True
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "true").lower() in {"1", "true", "yes"}
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
