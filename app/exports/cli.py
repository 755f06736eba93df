"""`flask export FORMAT --out PATH [--quiz ID | --article SLUG | --topic T]` and `flask import FORMAT PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.exports import EXPORTERS, IMPORTERS, ExportError, ImportFormatError, service


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(EXPORTERS)))
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@click.option("--quiz", "quiz_id", default=None, help="Export the questions of this quiz (id).")
@click.option(
    "--article",
    "article_id",
    default=None,
    metavar="SLUG",
    help="Export the approved questions of this article (its slug, as in /articles/SLUG).",
)
@click.option("--topic", default=None, help="Export the approved questions of this topic.")
@click.option(
    "--variant", type=click.Choice(["quizlet"]), default=None, help="csv only: two-column Quizlet file."
)
@click.option(
    "--accept-loss",
    is_flag=True,
    help="Export even what the format cannot hold faithfully (the report lists each loss).",
)
@with_appcontext
def export_command(fmt: str, out: Path, quiz_id, article_id, topic, variant, accept_loss) -> None:
    """Export the approved bank (or a quiz, article or topic) to FORMAT."""
    scopes = [(s, v) for s, v in (("quiz", quiz_id), ("article", article_id), ("topic", topic)) if v]
    if len(scopes) > 1:
        raise click.UsageError("Give at most one of --quiz, --article and --topic.")
    scope, scope_id = scopes[0] if scopes else ("bank", None)
    try:
        result = service.export(fmt, scope, scope_id, variant, accept_loss)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        out.write_bytes(result.data)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {out}: {exc.strerror}. Choose a writable path.") from exc
    for qid, reason in result.converted:
        click.echo(f"converted {qid}: {reason}")
    for qid, reason in result.lost:
        click.echo(f"lost {qid}: {reason}")
    for qid, reason in result.skipped:
        click.echo(f"skipped {qid}: {reason}")
    click.echo(f"wrote {out} ({len(result.data):,} bytes, {fmt})")


@click.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(IMPORTERS)))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(fmt: str, path: Path) -> None:
    """Import questions: json restores our own export exactly; gift and moodle-xml enter the review queue."""
    try:
        summary = service.import_file(fmt, path.read_bytes())
    except (ImportFormatError, ExportError) as exc:
        raise click.ClickException(f"{path}: {exc} Nothing was imported.") from exc
    for warning in summary.warnings:
        click.echo(f"warning: {warning}")
    click.echo(f"imported {path}: {summary}")
