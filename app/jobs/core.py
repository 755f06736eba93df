"""The job framework's core: the runner registry, `start`, and running a job with its progress recorded.

See the package docstring (app/jobs/__init__.py) for how to write and start a job.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs import queue
from app.models import Job
from app.models.base import utcnow
from app.plural import counted

log = logging.getLogger(__name__)

# Modules whose import registers runners; a worker imports them before running a job. Add yours here.
RUNNER_MODULES: list[str] = [
    "app.exports.jobs",
    "app.backup.jobs",
    "app.bank.jobs",
    "app.study.optimize_service",
    "app.quizzes.jobs",
    "app.study.summary_job",
]


class JobError(Exception):
    """A runner's failure to show the owner as it is (a sentence saying what was wrong)."""


@dataclass(frozen=True)
class Runner:
    kind: str
    fn: Callable[..., Any]
    readable: tuple[type[BaseException], ...]  # exceptions whose text the owner reads as the error


_RUNNERS: dict[str, Runner] = {}


def register(kind: str, readable: tuple[type[BaseException], ...] = ()) -> Callable:
    """Decorator: `fn(ctx, **params)` runs jobs of `kind`. Exceptions of the `readable` types (and
    JobError) are shown to the owner as they are; any other is logged and shown as an unexpected error."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _RUNNERS[kind] = Runner(kind, fn, (JobError, *readable))
        return fn

    return decorate


def runner(kind: str) -> Runner:
    if kind not in _RUNNERS:
        for module in RUNNER_MODULES:
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:  # a module listed before its branch is merged
                if exc.name != module:
                    raise
    if kind not in _RUNNERS:
        raise JobError(f"No job runner is registered for {kind!r}.")
    return _RUNNERS[kind]


def jobs_folder() -> Path:
    """JOBS_FOLDER, or `jobs/` in the instance folder: where job results are written."""
    folder = Path(current_app.config.get("JOBS_FOLDER") or os.path.join(current_app.instance_path, "jobs"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _update(job_id: int, **values: Any) -> None:
    """Write the job's row in its own short transaction, apart from the runner's session."""
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(updated_at=utcnow(), **values))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class JobContext:
    """What a runner gets: who the job is for, progress reporting and a place to write its file."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.id
        self.kind = job.kind
        self.owner_id = job.owner_id
        self.course_id = job.course_id

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Record progress (committed at once, in its own transaction, so the progress page sees it)."""
        _update(
            self.job_id,
            progress_done=max(0, min(int(done), int(total))),
            progress_total=max(0, int(total)),
            message=message[:300],
        )

    def output(self, filename: str) -> Path:
        """A path for the job's file result (the owner downloads it under this name); return it."""
        name = _UNSAFE.sub("-", os.path.basename(filename)).strip(".-") or "result"
        folder = jobs_folder() / str(self.job_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name


def dedupe_key(kind: str, owner_id: int, params: dict, course_id: int | None) -> str:
    blob = json.dumps([kind, owner_id, course_id, params], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _active(key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.dedupe_key == key))


def abandon_if_stale(job: Job, seconds: int | None = None) -> bool:
    """A queued or running job with no progress for `seconds` (JOBS_STALE_SECONDS by default) lost its
    worker: mark it failed (it no longer blocks a new one) and say so."""
    if seconds is None:
        seconds = int(current_app.config.get("JOBS_STALE_SECONDS", 3600))
    stale = timedelta(seconds=seconds)
    if job.updated_at > utcnow() - stale:
        return False
    job.state, job.dedupe_key, job.finished_at = "failed", None, utcnow()
    job.error = "The job stopped making progress (its worker was stopped); start it again."
    db.session.commit()
    return True


def start(kind: str, owner: Any, params: dict | None = None, course: Any = None) -> Job:
    """Start a job of `kind` for `owner` (a User or id) with JSON-able `params`; returns its row.

    An identical job (same kind, owner, course and params) still queued or running is returned instead of
    a second one. With REDIS_URL set (and JOBS_INLINE off) the job goes to the queue; otherwise it runs
    now, inline, and is done (or failed) when this returns.
    """
    runner(kind)  # an unknown kind fails here, before any row is written
    params = dict(params or {})
    try:
        json.dumps(params, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise JobError(f"The parameters of a {kind} job must be JSON: {exc}.") from None
    owner_id = getattr(owner, "id", owner)
    course_id = getattr(course, "id", course)
    key = dedupe_key(kind, owner_id, params, course_id)
    existing = _active(key)
    if existing is not None and not abandon_if_stale(existing):
        return existing
    _purge_before_start()
    job = Job(kind=kind, owner_id=owner_id, course_id=course_id, params=params, dedupe_key=key)
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # started twice at once: the first row stands
        db.session.rollback()
        existing = _active(key)
        if existing is None:
            raise
        return existing
    if queue.queue_enabled("JOBS_INLINE"):
        timeout = int(current_app.config.get("JOBS_TIMEOUT", 3600))
        queue.enqueue("app.jobs.worker.run_queued", job.id, job_timeout=timeout)
    else:
        job_id = job.id
        run(job_id)
        job = db.session.get(Job, job_id, populate_existing=True)  # as the runner left it
    return job


PURGED_MESSAGE = "Its file was deleted after the time files are kept; start the job again for a new one."


@dataclass
class Purged:
    folders: int = 0
    bytes: int = 0


def keep_days() -> float:
    """JOBS_KEEP_DAYS: how long a finished job's files stay under JOBS_FOLDER (7 days by default)."""
    return float(current_app.config.get("JOBS_KEEP_DAYS", 7))


def purge(older_than: timedelta | None = None, now: datetime | None = None) -> Purged:
    """Delete the files of jobs finished (done or failed) more than `older_than` ago (JOBS_KEEP_DAYS by
    default), and folders no job row owns any more (their owner was deleted) last written as long ago.

    A purged job keeps its row, without its file: its page says the file was deleted. A queued or running
    job's folder is never touched. Run when a job starts and by `flask jobs purge`."""
    now = now or utcnow()
    cutoff = now - (older_than if older_than is not None else timedelta(days=keep_days()))
    folder = jobs_folder()
    ids = {int(entry.name): entry for entry in folder.iterdir() if entry.is_dir() and entry.name.isdigit()}
    if not ids:
        return Purged()
    rows = {job.id: job for job in db.session.scalars(select(Job).where(Job.id.in_(sorted(ids))))}
    purged = Purged()
    for job_id, path in sorted(ids.items()):
        job = rows.get(job_id)
        if job is None:
            written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            if written >= cutoff:
                continue  # maybe a job being started now, its row not committed yet
        elif job.state not in ("done", "failed") or job.finished_at is None or job.finished_at >= cutoff:
            continue
        purged.bytes += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        shutil.rmtree(path, ignore_errors=True)
        purged.folders += 1
        if job is not None and job.result_path is not None:
            job.result_path, job.message = None, PURGED_MESSAGE
    db.session.commit()
    return purged


def _purge_before_start() -> None:
    """A new job starts: delete old jobs' files first. A failure to delete never stops the job."""
    try:
        purged = purge()
    except OSError:
        log.exception("purging old job files failed")
        db.session.rollback()
        return
    if purged.folders:
        log.info("purged %s, %d bytes", counted(purged.folders, "old job folder"), purged.bytes)


def run(job_id: int) -> None:
    """Run a queued job to its end: running → done with its result, or → failed with a sentence."""
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.state != "queued":
        return  # run already (a second delivery of the same queue message) or deleted
    _update(job_id, state="running", started_at=utcnow())
    readable: tuple[type[BaseException], ...] = (JobError,)
    try:
        spec = runner(job.kind)
        readable = spec.readable
        values = _result_values(spec.fn(JobContext(job), **job.params))
    except Exception as exc:
        db.session.rollback()
        if isinstance(exc, readable):
            error = str(exc) or exc.__class__.__name__
        else:
            log.exception("job %s (%s) failed", job_id, job.kind)
            error = (
                f"The job stopped on an unexpected error ({exc.__class__.__name__}); "
                "the server log has the details."
            )
        _update(job_id, state="failed", error=error, dedupe_key=None, finished_at=utcnow())
        return
    db.session.commit()  # whatever the runner left in its session
    _update(
        job_id,
        state="done",
        dedupe_key=None,
        finished_at=utcnow(),
        progress_done=Job.progress_total,
        **values,
    )


def _result_values(outcome: Any) -> dict[str, Any]:
    if outcome is None:
        return {}
    if isinstance(outcome, (str, os.PathLike)):
        path = Path(outcome).resolve()
        folder = jobs_folder().resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            raise JobError(f"The job's result {path.name} is not a file in the jobs folder.")
        return {"result_path": str(path.relative_to(folder))}
    if isinstance(outcome, dict):
        json.dumps(outcome, allow_nan=False)
        return {"result": outcome}
    raise TypeError(f"a runner returns a file path, a dict or None, not {type(outcome).__name__}")


def result_file(job: Job) -> Path | None:
    """The job's file, if it is done, has one and the file is still there."""
    if job.state != "done" or not job.result_path:
        return None
    path = (jobs_folder() / job.result_path).resolve()
    return path if path.is_relative_to(jobs_folder().resolve()) and path.is_file() else None
