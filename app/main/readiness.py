"""Readiness checks for /readyz: can this node reach its database and Redis right now?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from app.extensions import db

TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]


def check_database() -> Check:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", with its reason
        return Check(False, f"error: {_first_line(exc)}")
    return Check(True, "ok")


def check_redis(url: str | None) -> Check:
    if not url:
        return Check(True, "not configured (embedded mode: rate limits and jobs in this process)")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return Check(False, f"error: {_first_line(exc)}")
    finally:
        client.close()
    return Check(True, "ok")


def check_all(redis_url: str | None) -> dict[str, Check]:
    return {"database": check_database(), "redis": check_redis(redis_url)}
