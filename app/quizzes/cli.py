"""`flask quiz stats QUIZ_ID --format json|text`: item analysis of a quiz from the command line;
`flask quiz close-overdue`: close every attempt past its deadline (pages only show them closed)."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Quiz
from app.plural import counted
from app.quizzes.analysis import to_json
from app.quizzes.service import close_overdue, statistics

quiz_cli = AppGroup("quiz", help="Quizzes: item statistics, closing overdue attempts.")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


@quiz_cli.command("stats")
@click.argument("quiz_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
def stats_command(quiz_id: int, fmt: str) -> None:
    """Moodle item statistics over each student's first finished attempt at QUIZ_ID."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise click.ClickException(f"No quiz has the id {quiz_id}; the quiz's page URL ends with its id.")
    result = statistics(quiz)
    if fmt == "json":
        click.echo(json.dumps(to_json(result.test, result.items), indent=2))
        return
    test = result.test
    click.echo(
        f"{quiz.title}: {counted(test.n_attempts, 'first attempt')}, mean {_pct(test.mean)}, alpha {_pct(test.alpha)}"
    )
    for number, item in enumerate(result.items, start=1):
        click.echo(
            f"Q{number:<3} n={item.n:<4} facility {_pct(item.facility):>7}  "
            f"discrimination {_pct(item.discrimination_index):>7}  {result.labels.get(item.question_id, '')}"
        )


@quiz_cli.command("close-overdue")
def close_overdue_command() -> None:
    """Close every attempt past its deadline with its saved answers, graded (grade passback fires).

    Pages show an overdue attempt as closed without writing; this (or the next save, submit or grading
    touching it) stores it. Schedule it (cron), or start the `quiz.close_overdue` job on the queue."""
    closed = close_overdue()
    click.echo(f"Closed {counted(closed, 'overdue attempt')}.")
