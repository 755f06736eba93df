"""The queue worker's entry point for jobs, apart from app.jobs so that nothing imports the app factory.

RQ imports this module by name ("app.jobs.worker.run_queued") in the worker process.
"""

from __future__ import annotations

from flask import has_app_context

from app.extensions import db
from app.jobs.core import run


def run_queued(job_id: int) -> None:
    """The queue worker's entry point: runs in the worker's app context, or in a new app."""
    if has_app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()
        return
    from app import create_app  # the worker's own app: the one import of the factory below app

    with create_app().app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()
