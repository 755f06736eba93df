"""The one place the app talks to the Redis job queue (RQ): grade passback and app.jobs both enqueue here,
and `flask worker` serves every queue they use.

Without REDIS_URL (the embedded default), or with the caller's inline flag set, callers run their work
inline instead; `queue_enabled` says which.
"""

from __future__ import annotations

from typing import Any

from flask import current_app


def queue_enabled(inline_flag: str = "JOBS_INLINE") -> bool:
    """True when work should go to RQ: REDIS_URL is set and the config flag `inline_flag` is not."""
    return bool(current_app.config.get("REDIS_URL")) and not current_app.config.get(inline_flag)


def queue_names() -> list[str]:
    """Every queue the app enqueues on (a worker serves them all), first the jobs' queue."""
    names = [
        current_app.config.get("JOBS_QUEUE") or "default",
        current_app.config.get("LTI_QUEUE") or "default",
    ]
    return list(dict.fromkeys(names))


def connection():
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def enqueue(func: str, *args: Any, queue: str | None = None, **options: Any):
    """Enqueue `func` (a dotted path, so the worker imports it) with `args` on `queue` (JOBS_QUEUE by
    default). `options` go to RQ (retry=, job_timeout=, …). Returns the RQ job."""
    from rq import Queue

    name = queue or current_app.config.get("JOBS_QUEUE") or "default"
    return Queue(name, connection=connection()).enqueue(func, *args, **options)
