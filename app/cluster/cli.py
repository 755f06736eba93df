"""CLI for several nodes: `flask db-upgrade-locked` (migrations once, however many nodes start together) and
`flask forget-secret-key` (after a deliberate SECRET_KEY change on every node)."""

from __future__ import annotations

import click
import flask_migrate
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from app.cluster.startup import fingerprint_redis_key
from app.extensions import db

# pg_advisory_lock key: any constant the app uses for nothing else ("CWmigrat" as 8 bytes).
MIGRATION_LOCK = int.from_bytes(b"CWmigrat", "big") & 0x7FFF_FFFF_FFFF_FFFF


def upgrade_locked() -> bool:
    """`flask db upgrade` under a PostgreSQL advisory lock; True when this call waited for another node.

    The lock is held on a connection of its own for the whole upgrade; nodes that arrive while it is held
    wait, then find the schema at head and upgrade nothing. SQLite serves one machine: plain upgrade."""
    if db.engine.dialect.name != "postgresql":
        flask_migrate.upgrade()
        return False
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        waited = not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": MIGRATION_LOCK}).scalar()
        if waited:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        try:
            flask_migrate.upgrade()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
    return waited


@click.command("db-upgrade-locked")
@with_appcontext
def db_upgrade_locked_command() -> None:
    """Apply migrations once, safely while other nodes start at the same time (PostgreSQL advisory lock)."""
    waited = upgrade_locked()
    note = " (after waiting for another node's upgrade)" if waited else ""
    click.echo(f"Schema at head{note}.")


@click.command("forget-secret-key")
@with_appcontext
def forget_secret_key_command() -> None:
    """Forget the recorded SECRET_KEY fingerprint: the next node to start records its own."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError("REDIS_URL is not set: no fingerprint is recorded without Redis.")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        removed = client.delete(fingerprint_redis_key(current_app.config["SQLALCHEMY_DATABASE_URI"]))
    finally:
        client.close()
    click.echo("Fingerprint forgotten." if removed else "No fingerprint was recorded.")
