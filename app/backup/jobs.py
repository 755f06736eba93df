"""The JSON backup as a job (admins start it from /jobs/): written into the job's folder, table by table."""

from __future__ import annotations

from datetime import UTC, datetime

from app.backup.core import BackupError, backup
from app.extensions import db
from app.jobs import register


@register("backup.json", readable=(BackupError,))
def run_backup(ctx) -> object:
    """A portable JSON backup of every table, from one snapshot; the owner downloads it."""
    name = f"casewise-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.jsonl"
    summary = backup(db.engine, ctx.output(name), "json", overwrite=True, progress=ctx.progress)
    return summary.path
