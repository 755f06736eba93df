"""`flask seed`: articles, bank, demo accounts and demo content (idempotent)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.auth import service as accounts
from app.bank import service as bank
from app.courses import service as courses
from app.seed import DEMO_COURSE_CODE, seed_accounts, seed_articles
from app.seed.demo import seed_demo


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
    questions = bank.questions_dir()
    if any(questions.glob("*.yaml")):
        try:
            summary = bank.load_bank(questions)
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
