"""Start-up checks for an app node in production: the schema matches the code, and every node signs sessions
with the same SECRET_KEY. A node that fails one refuses to serve, with a message naming what to fix.

Run once per node before it binds its port (gunicorn.conf.py's `on_starting`), never in the app factory.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import make_url

from app.extensions import db

FINGERPRINT_MESSAGE = b"casewise secret-key fingerprint v1"


class StartupRefused(RuntimeError):
    """This node must not serve; the message says which setting is wrong and how to fix it."""


@dataclass(frozen=True)
class SchemaState:
    database: tuple[str, ...]  # the revisions stamped in the database (empty: never migrated)
    code: tuple[str, ...]  # the heads of the migration scripts shipped with this code
    known: frozenset[str]  # every revision the scripts know


def schema_problem(state: SchemaState) -> str | None:
    """None when the database is at the code's head; otherwise what is wrong and what to run."""
    if set(state.database) == set(state.code):
        return None
    have = ", ".join(state.database) or "none (an empty database)"
    want = ", ".join(state.code)
    unknown = [rev for rev in state.database if rev not in state.known]
    if unknown:
        return (
            f"DATABASE_URL points at a database whose schema revision {', '.join(unknown)} is ahead of this "
            f"code (its newest migration is {want}). Deploy the newer code on this node, or point "
            "DATABASE_URL at this deployment's database."
        )
    return (
        f"DATABASE_URL points at a database at schema revision {have}, behind this code's {want}. Run "
        "`flask --app wsgi db-upgrade-locked` (safe while other nodes start), then start this node again."
    )


def read_schema_state(app: Flask) -> SchemaState:
    scripts = ScriptDirectory(app.extensions["migrate"].directory)
    with app.app_context(), db.engine.connect() as conn:
        database = tuple(MigrationContext.configure(conn).get_current_heads())
    known = frozenset(rev.revision for rev in scripts.walk_revisions())
    return SchemaState(database, tuple(scripts.get_heads()), known)


def key_fingerprint(secret_key: str | bytes) -> str:
    """An HMAC of a fixed message under the key: equal keys give equal fingerprints, the key stays secret."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()


def fingerprint_redis_key(database_uri: str) -> str:
    """One fingerprint per deployment, a deployment being its database (password left out)."""
    where = make_url(database_uri).render_as_string(hide_password=True)
    return "casewise:secret-key-fingerprint:" + hashlib.sha256(where.encode()).hexdigest()[:24]


def secret_key_problem(app: Flask) -> str | None:
    """Compare this node's SECRET_KEY with the one the first node recorded in Redis (recorded if none)."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None  # one node only: nothing to agree with
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    key = fingerprint_redis_key(app.config["SQLALCHEMY_DATABASE_URI"])
    mine = key_fingerprint(app.config["SECRET_KEY"])
    try:
        client.set(key, mine, nx=True)
        recorded = client.get(key)
    except redis.RedisError as exc:
        return f"REDIS_URL ({url}) is not reachable ({exc}); nodes compare their SECRET_KEY there."
    finally:
        client.close()
    if recorded is not None and recorded.decode() != mine:
        return (
            "SECRET_KEY differs from the one the other nodes of this deployment use (its fingerprint in "
            f"Redis key {key} does not match): sessions and CSRF tokens signed by one node would be "
            "refused by another. Give every node the same SECRET_KEY. After changing the key on purpose "
            "on every node, run `flask --app wsgi forget-secret-key` once."
        )
    return None


def verify(app: Flask) -> None:
    """Raise StartupRefused naming every problem found; return when the node may serve."""
    problems = []
    try:
        schema = schema_problem(read_schema_state(app))
    except Exception as exc:  # noqa: BLE001 - any failure to read the schema is a reason not to serve
        schema = f"DATABASE_URL: the database could not be read ({str(exc).splitlines()[0]})."
    if schema:
        problems.append(schema)
    secret = secret_key_problem(app)
    if secret:
        problems.append(secret)
    with app.app_context():
        db.engine.dispose()  # the master forks workers next: none may inherit its connections
    if problems:
        raise StartupRefused("This node refuses to start:\n- " + "\n- ".join(problems))
