"""Jobs: long work (whole-bank exports, backups, bulk generation, FSRS optimisation) off the request thread.

How to use it:

1. Write a runner and register it under a kind, in a module listed in `core.RUNNER_MODULES` (the worker
   imports those before running a job)::

       from app.jobs import JobError, register

       @register("export.bank", readable=(ExportError,))
       def export_bank(ctx, fmt: str) -> Path:        # params arrive as keyword arguments
           for done, item in enumerate(items, 1):
               ...
               ctx.progress(done, len(items), "Writing questions")   # committed at once, own transaction
           path = ctx.output("bank.zip")               # JOBS_FOLDER/<job id>/bank.zip
           path.write_bytes(data)
           return path                                 # a file the owner downloads, or a JSON-able dict

   `ctx` has `job_id`, `kind`, `owner_id`, `course_id`, `progress(done, total, message="")` and
   `output(filename)`. Raise `JobError` (or one of the `readable` types) with a sentence for the owner;
   any other exception is logged and shown as "an unexpected error". The runner runs in an app context
   with `db.session`; what it leaves uncommitted is committed when it returns, rolled back if it raises.
   On SQLite commit your own writes before calling `ctx.progress` (progress writes on another connection).

2. Start it from a service (not a view) and send the user to its progress page::

       job = jobs.start("export.bank", current_user, {"fmt": "qti21"}, course=None)
       return redirect(url_for("jobs.show", job_id=job.id))

   `start` returns the job already queued or running with the same kind, owner, course and params instead
   of a second one. With REDIS_URL set (and JOBS_INLINE off) the job is enqueued on RQ (queue JOBS_QUEUE,
   served by `flask worker`); otherwise it runs inline and is finished when `start` returns.

3. `/jobs/<id>` shows the progress bar, the message, the download link or the error; `/jobs/<id>.json` is
   what the page polls. Only the owner (and admins) see a job; anyone else gets 404.

Config: JOBS_FOLDER (default instance/jobs), JOBS_QUEUE ("default"), JOBS_INLINE (run inline even with
Redis; on in the testing config), JOBS_TIMEOUT (seconds a queued job may run, 3600), JOBS_STALE_SECONDS
(a queued/running job with no progress for this long is marked failed when started again, 3600),
JOBS_KEEP_DAYS (a finished job's files are deleted this many days after it finished, 7: `purge`, run when
a job starts and by `flask jobs purge`; the job's row stays and its page says the file was deleted).
"""

from app.jobs.core import (
    JobContext,
    JobError,
    abandon_if_stale,
    jobs_folder,
    purge,
    register,
    result_file,
    run,
    start,
)

__all__ = [
    "JobContext",
    "JobError",
    "abandon_if_stale",
    "jobs_folder",
    "purge",
    "register",
    "result_file",
    "run",
    "start",
]
