"""Benchmark baselines: /bench/hello (no database) and /bench/insert (one INSERT and a commit).

They belong to the bench, not to the app: `create_app` registers this blueprint only when BENCH_ENDPOINTS is
on (the bench server sets FLASK_BENCH_ENDPOINTS, production never does), and the one table it writes,
`bench_ping`, is on a metadata of its own, created by the bench (`create_table`, from bench/harness/schema.py)
and never by the app's migrations. The insert commits in the view on purpose: the baseline is the shortest
path to one durable write, with no service layer in between, so every feature's throughput can be compared
with it on the same server.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Flask, Response, abort, current_app
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table
from sqlalchemy import insert as sql_insert

from app.extensions import csrf, db
from app.models.base import UTCDateTime, utcnow

metadata = MetaData()
bench_ping = Table(
    "bench_ping",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False, default=utcnow),
    Column("payload", String(64), nullable=False, default=""),
)

bp = Blueprint("bench", __name__, url_prefix="/bench")


def create_table(engine: Engine) -> None:
    """The baseline's table in the bench database (idempotent)."""
    metadata.create_all(engine)


def drop_table(engine: Engine) -> None:
    metadata.drop_all(engine)


def register(app: Flask) -> None:
    # No forms and no session here; the blueprint only exists when the bench flag is on.
    csrf.exempt(bp)
    app.register_blueprint(bp)


@bp.before_request
def _only_with_bench_flag() -> None:
    # Defence in depth: even if the blueprint were registered by mistake, the flag must also be on.
    if not current_app.config.get("BENCH_ENDPOINTS"):
        abort(404)


@bp.get("/hello")
def hello() -> Response:
    return Response("hello", mimetype="text/plain")


@bp.get("/ready")
def ready() -> Response:
    """200 once this worker has loaded the English pipeline (wsgi.py loads it in the background at start,
    a second or two of CPU), else 503: the bench measures after that warm-up, as a long-running server is."""
    from app.generation import nlp

    return Response("ready" if nlp.loaded() else "loading", status=200 if nlp.loaded() else 503)


@bp.route("/insert", methods=["GET", "POST"])
def insert() -> dict[str, int]:
    result = db.session.execute(
        sql_insert(bench_ping).values(payload=secrets.token_hex(16), created_at=utcnow())
    )
    ping_id = result.inserted_primary_key[0]
    db.session.commit()
    return {"id": ping_id}
