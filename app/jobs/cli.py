"""`flask worker`: an RQ worker for every queue the app uses (jobs and grade passback); `flask jobs purge`:
delete old jobs' files."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from app.jobs import core, queue
from app.plural import counted


@click.command("worker")
@click.option(
    "--queue", "queues", multiple=True, help="Queue to serve (repeatable); default: every app queue."
)
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Run queued jobs (exports, backups, generation, grade passback) until stopped (or empty, --burst)."""
    from rq import Queue, Worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inline and need no worker.")
    app = current_app._get_current_object()

    class AppWorker(Worker):
        """Each job runs in a forked child: it must not share the parent's database connections."""

        def main_work_horse(self, job, queue):
            from app.extensions import db

            with app.app_context():
                db.engine.dispose(close=False)
            super().main_work_horse(job, queue)

    connection = queue.connection()
    names = list(queues) or queue.queue_names()
    click.echo(f"Serving the {'queue' if len(names) == 1 else 'queues'} {', '.join(names)}")
    AppWorker([Queue(name, connection=connection) for name in names], connection=connection).work(burst=burst)


@click.group("jobs")
def jobs_cli() -> None:
    """Jobs' files (exports, backups) under JOBS_FOLDER."""


@jobs_cli.command("purge")
@click.option(
    "--older-than-days",
    type=click.FloatRange(min=0),
    default=None,
    help="Delete the files of jobs finished longer ago than this (default: JOBS_KEEP_DAYS, 7).",
)
@with_appcontext
def purge_command(older_than_days: float | None) -> None:
    """Delete the files of finished jobs older than JOBS_KEEP_DAYS (jobs starting do it too)."""
    days = core.keep_days() if older_than_days is None else older_than_days
    purged = core.purge(timedelta(days=days))
    click.echo(
        f"Deleted {counted(purged.folders, 'job folder')}, {purged.bytes:,} bytes, finished over {days:g} days ago."
    )
