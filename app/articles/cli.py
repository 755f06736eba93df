"""`flask article add FILE`: add an article from the command line (same service as the web form)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from app.articles import service

article_cli = AppGroup("article", help="Manage the article library.")


@article_cli.command("add")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", default="", help="Title (default: the article's first heading or the file name).")
@click.option("--publisher", default="", help="Publisher or source.")
@click.option("--date", "published", default=None, help="Publication date, YYYY-MM-DD.")
@click.option("--topic", "topics", multiple=True, help="Topic tag; repeat for several.")
@click.option("--slug", default=None, help="Article id (default: from the title).")
def add_command(path: Path, title: str, publisher: str, published: str | None, topics: tuple[str, ...], slug):
    """Ingest PATH (.txt, .md or .html) and add it to the library."""
    try:
        published_on = date.fromisoformat(published) if published else None
    except ValueError as exc:
        raise click.BadParameter("use the form YYYY-MM-DD, e.g. 2025-03-03", param_hint="--date") from exc
    meta = service.ArticleMeta(
        title=title, publisher=publisher, published_on=published_on, topics=list(topics)
    )
    meta.slug = slug
    try:
        article = service.add_article(path.read_bytes(), path.name, meta)
    except service.ArticleError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    excluded = [s for s in article.segments if s.excluded]
    click.echo(f"Added {article.slug!r}: {len(article.segments)} segments, {len(excluded)} excluded.")
    for seg in excluded:
        click.echo(f"  excluded {seg.sid} ({seg.reason}): {seg.text[:70]}")
