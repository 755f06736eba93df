"""`flask backup PATH [--format auto|sqlite|json] [--force]` and `flask restore PATH [--force]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.backup.core import FORMATS, BackupError, backup, restore
from app.extensions import db
from app.plural import counted


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="sqlite: a copy of the database file (SQLite only); json: portable, restores on either backend.",
)
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@with_appcontext
def backup_command(path: Path, fmt: str, force: bool) -> None:
    """Back the database up to PATH while the app keeps running (a consistent snapshot)."""
    try:
        summary = backup(db.engine, path, fmt, overwrite=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {summary.path}: {summary.describe()}")
    if summary.repaired:
        click.echo(
            f"warning: {counted(len(summary.repaired), 'row')} held text UTF-8 cannot encode ({summary.repaired[0]}"
            f"{', …' if len(summary.repaired) > 1 else ''}); the backup has U+FFFD in its place. Run "
            "`flask --app wsgi check-text --repair` to fix the database itself.",
            err=True,
        )


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Delete every row of the database first (same transaction).")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup (SQLite file or JSON) into this database, which must be migrated and empty."""
    try:
        summary = restore(db.engine, path, force)
    except BackupError as exc:
        raise click.ClickException(f"{exc}\nNothing was restored.") from exc
    click.echo(f"restored {summary.describe()} from {summary.path}")
