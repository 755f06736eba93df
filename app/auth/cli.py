"""`flask user create`: an account with a role (the first admin, an instructor)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.auth import service as accounts

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
