"""`flask bank check|load|dump`: the curated bank in questions/ and the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.bank import service

QUESTIONS_DIR = service.QUESTIONS_DIR


bank_cli = AppGroup("bank", help="Check, load and dump the curated question bank (questions/*.yaml).")


@bank_cli.command("check")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=QUESTIONS_DIR)
def check_command(directory: Path) -> None:
    """Validate every file: schema, quotes against their articles, item-writing rules. Exit 1 on any error."""
    report = service.check_dir(directory)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        raise click.exceptions.Exit(1)
    click.echo(f"bank OK: {directory} ({len(report.warnings)} warning(s))")


@bank_cli.command("load")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=QUESTIONS_DIR)
def load_command(directory: Path) -> None:
    """Upsert the bank by id in one transaction; questions removed from the files become retired."""
    try:
        summary = service.load_bank(directory)
    except service.BankLoadError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"bank loaded: {summary}")


@bank_cli.command("dump")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=QUESTIONS_DIR)
def dump_command(out_dir: Path) -> None:
    """Write the approved bank from the database back to YAML (one file per topic)."""
    try:
        written = service.dump_approved(out_dir)
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror}") from exc
    for path in written:
        click.echo(f"wrote {path}")
