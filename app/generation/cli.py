"""`flask generate FILE...`: print candidate questions for article files (no database, no app context)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from app.articles.decode import ArticleInputError
from app.articles.document import IngestedArticle
from app.articles.ingest import ingest_file
from app.generation.build import Candidate, candidate_to_json, generate, report
from app.generation.drafts import slug_tag
from app.qtypes.schema import SLUG_PATTERN


def _article_id(path: Path) -> str:
    slug = slug_tag(path.stem) or "article"
    return slug if re.fullmatch(SLUG_PATTERN, slug) else f"article-{slug}"


def _read(path: Path) -> IngestedArticle:
    try:
        return ingest_file(path)
    except ArticleInputError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read the file ({exc.strerror or exc}).") from exc


def _text_block(c: Candidate) -> str:
    q = c.question
    failed = [f"{name} ({reason})" for name, reason in c.checks.items() if reason is not True]
    lines = [f"[{q['id']}] {q['type']} · {q['topic']} · score {c.score}" + ("" if c.passed else " · FAILS")]
    lines.append(f"  {q['stem']}")
    for option in q.get("options", []):
        lines.append(f"   {'*' if option == q['answer'] else '-'} {option}")
    if "options" not in q:
        lines.append(f"  answer: {json.dumps(q['answer'], ensure_ascii=False)}")
    lines.append(f"  source {q['source']['sentence_id']}: “{q['source']['quote']}”")
    lines += [f"  check failed: {f}" for f in failed]
    return "\n".join(lines)


def _report_text(name: str, rep: dict[str, Any]) -> str:
    lines = [f"{name}: {rep['candidates']} candidates, {rep['passed_all']} pass every check"]
    lines.append("  by type: " + ", ".join(f"{k} {v}" for k, v in rep["by_type"].items()))
    lines.append("  by topic: " + ", ".join(f"{k} {v}" for k, v in rep["by_topic"].items()))
    lines.append("  checks: " + ", ".join(f"{k} {v['rate']:.0%}" for k, v in rep["checks"].items()))
    if rep["dropped"]:
        lines.append("  left out: " + ", ".join(f"{k} ({v})" for k, v in rep["dropped"].items()))
    lines += [f"  note: {n}" for n in rep["notes"]]
    return "\n".join(lines)


@click.command("generate")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option(
    "--report", "show_report", is_flag=True, help="Counts per type and topic, and check pass rates."
)
@click.option(
    "--article-id", default=None, help="Article id for the question ids (default: the file name's slug)."
)
def generate_command(files: tuple[Path, ...], fmt: str, show_report: bool, article_id: str | None) -> None:
    """Propose candidate questions for each article FILE (.txt, .md or .html)."""
    if article_id is not None:
        if len(files) > 1:
            raise click.UsageError("--article-id names one article; give one FILE with it.")
        if not re.fullmatch(SLUG_PATTERN, article_id):
            raise click.BadParameter(
                "use lowercase letters, digits and '-', e.g. faw-leapmotor", param_hint="--article-id"
            )
    # Every file is read before anything is printed, so a bad file leaves no half-written output.
    articles = [(path, _read(path)) for path in files]
    out: list[dict[str, Any]] = []
    reports: list[str] = []
    for path, article in articles:
        cands = generate(article, article_id or _article_id(path))
        if fmt == "json":
            out += [candidate_to_json(c) for c in cands]
        else:
            click.echo(f"# {path}\n" + "\n\n".join(_text_block(c) for c in cands) + "\n")
        if show_report:
            reports.append(_report_text(str(path), report(cands)))
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    for text in reports:
        click.echo(text, err=fmt == "json")
