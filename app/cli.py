"""Top-level CLI: `flask seed` (articles, bank, demo accounts and content; idempotent) and `flask user create`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from ruamel.yaml import YAML

from app.articles import service as articles
from app.auth import service as accounts
from app.bank import service as bank
from app.courses import service as courses
from app.demo import seed_demo

DEMO_COURSE_CODE = "FAWDEMO8"
DEMO_ACCOUNTS = (
    ("instructor", "Dr. Ada Instructor", "instructor"),
    ("student", "Sam Student", "student"),
    ("student2", "Lee Student", "student"),
)


def seed_articles(seeds_dir: Path = bank.SEEDS_DIR) -> list[tuple[str, bool]]:
    """Load every seeds/<slug>.txt|md|html with its <slug>.yaml sidecar; returns (slug, changed)."""
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


@click.command("seed")
@with_appcontext
@click.option("--no-accounts", is_flag=True, help="Load articles and the bank only.")
@click.option("--no-demo", is_flag=True, help="Leave out the demo quizzes, review queue and study history.")
def seed_command(no_accounts: bool, no_demo: bool) -> None:
    """Load the seed articles, the curated bank in questions/, demo accounts, and demo content that shows
    every journey: quizzes in the demo course, generated candidates to review and a study history
    (idempotent: a second run changes nothing)."""
    for slug, changed in seed_articles():
        click.echo(f"article {slug}: {'loaded' if changed else 'unchanged'}")
    if any(bank.QUESTIONS_DIR.glob("*.yaml")):
        try:
            summary = bank.load_bank(bank.QUESTIONS_DIR)
        except bank.BankLoadError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"bank: {summary}")
    if not no_accounts:
        password = current_app.config["DEMO_PASSWORD"]
        for name, created in seed_accounts(password):
            click.echo(f"{name}: {'created' if created else 'exists'}")
        if not no_demo:
            demo = seed_demo(
                accounts.find_user("instructor"),
                accounts.find_user("student"),
                courses.find_by_code(DEMO_COURSE_CODE),
            )
            for line in demo or ["demo content: unchanged"]:
                click.echo(line)
        click.echo(
            f"Demo logins (password {password!r}): instructor, student, student2; course code {DEMO_COURSE_CODE}"
        )


user_cli = AppGroup("user", help="Manage accounts.")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["student", "instructor", "admin"]), default="student")
@click.option("--name", default="", help="Display name (default: the username).")
@click.password_option()
def create_user_command(username: str, role: str, name: str, password: str) -> None:
    """Create an account with a role (e.g. the first admin or an instructor)."""
    try:
        user = accounts.create_user(username, name or username, password, role)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.username} ({user.role}).")
