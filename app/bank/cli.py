"""`flask bank check|load|dump`: the curated bank in questions/ and the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.bank import service
from app.plural import counted

FOLDER = click.Path(file_okay=False, path_type=Path)
FOLDER_HELP = "Default: the QUESTIONS_DIR setting (questions/)."


def _folder_option(*names: str):
    """A folder of YAML files; without it, the app's QUESTIONS_DIR setting."""
    return click.option(
        *names, type=click.Path(file_okay=False, path_type=Path), default=None, help="Default: QUESTIONS_DIR."
    )


bank_cli = AppGroup("bank", help="Check, load and dump the curated question bank (questions/*.yaml).")


@bank_cli.command("check")
@_folder_option("--dir", "directory")
def check_command(directory: Path | None) -> None:
    """Validate every file: schema, quotes against their articles, item-writing rules. Exit 1 on any error."""
    directory = directory or service.questions_dir()
    report = service.check_dir(directory)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        raise click.exceptions.Exit(1)
    click.echo(f"bank OK: {directory} ({counted(len(report.warnings), 'warning')})")


@bank_cli.command("load")
@_folder_option("--dir", "directory")
def load_command(directory: Path | None) -> None:
    """Upsert the bank by id in one transaction; questions removed from the files become retired."""
    try:
        summary = service.load_bank(directory or service.questions_dir())
    except service.BankLoadError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"bank loaded: {summary}")


@bank_cli.command("dump")
@_folder_option("--out", "out_dir")
def dump_command(out_dir: Path | None) -> None:
    """Write the approved bank from the database back to YAML (one file per topic)."""
    out_dir = out_dir or service.questions_dir()
    try:
        written = service.dump_approved(out_dir)
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror}") from exc
    for path in written:
        click.echo(f"wrote {path}")
