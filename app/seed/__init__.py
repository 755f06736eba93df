"""The seed: articles from the seeds folder, the curated bank, demo accounts and demo content.

`flask seed` (app/seed/cli.py) runs it; the demo content (quizzes, a review queue, a study history) is in
app/seed/demo.py. Every step is idempotent: a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import click
from ruamel.yaml import YAML

from app.articles import service as articles
from app.auth import service as accounts
from app.bank import service as bank
from app.courses import service as courses

DEMO_COURSE_CODE = "FAWDEMO8"
DEMO_ACCOUNTS = (
    ("instructor", "Dr. Ada Instructor", "instructor"),
    ("student", "Sam Student", "student"),
    ("student2", "Lee Student", "student"),
)


def seed_articles(seeds_dir: Path | None = None) -> list[tuple[str, bool]]:
    """Load every <slug>.txt|md|html of the seeds folder (config SEEDS_DIR) with its <slug>.yaml sidecar;
    returns (slug, changed)."""
    seeds_dir = seeds_dir or bank.seeds_dir()
    yaml = YAML(typ="safe")
    results = []
    for meta_path in sorted(seeds_dir.glob("*.yaml")):
        meta = yaml.load(meta_path.read_text(encoding="utf-8")) or {}
        slug = meta.get("slug") or meta_path.stem
        text_path = next(
            (p for p in (meta_path.with_suffix(f".{ext}") for ext in ("txt", "md", "html")) if p.exists()),
            None,
        )
        if text_path is None:
            raise click.ClickException(f"{meta_path}: no {meta_path.stem}.txt, .md or .html beside it")
        article_meta = articles.ArticleMeta(
            title=str(meta.get("title") or slug),
            publisher=str(meta.get("publisher") or ""),
            published_on=meta.get("date"),
            topics=list(meta.get("topics") or []),
            slug=slug,
        )
        _, changed = articles.upsert_article(text_path.read_bytes(), text_path.name, article_meta)
        results.append((slug, changed))
    return results


def seed_accounts(password: str) -> list[tuple[str, bool]]:
    results = []
    for username, name, role in DEMO_ACCOUNTS:
        exists = accounts.find_user(username) is not None
        if not exists:
            accounts.create_user(username, name, password, role)
        results.append((username, not exists))
    instructor = accounts.find_user("instructor")
    if courses.find_by_code(DEMO_COURSE_CODE) is None:
        courses.create_course(
            instructor, "Strategy in the EV industry (demo)", "The FAW–Leapmotor case.", DEMO_COURSE_CODE
        )
        results.append(("course " + DEMO_COURSE_CODE, True))
    for username, _, role in DEMO_ACCOUNTS:
        if role == "student":
            courses.join_course(accounts.find_user(username), DEMO_COURSE_CODE)
    return results
