"""Benchmark baselines: /bench/hello (no database) and /bench/insert (one INSERT and a commit).

Registered only when BENCH_ENDPOINTS is true (bench/run.py sets it; production never does). The insert
commits in the view on purpose: the baseline is the shortest path to one durable write, with no service
layer in between, so every feature's throughput can be compared with it on the same server.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, current_app

from app.extensions import csrf, db
from app.models.bench import BenchPing

bp = Blueprint("bench", __name__, url_prefix="/bench")
# No forms and no session here; the blueprint only exists when the bench flag is on.
csrf.exempt(bp)


@bp.before_request
def _only_with_bench_flag() -> None:
    # Defence in depth: even if the blueprint were registered by mistake, the flag must also be on.
    if not current_app.config.get("BENCH_ENDPOINTS"):
        abort(404)


@bp.get("/hello")
def hello() -> Response:
    return Response("hello", mimetype="text/plain")


@bp.route("/insert", methods=["GET", "POST"])
def insert() -> dict[str, int]:
    ping = BenchPing(payload=secrets.token_hex(16))
    db.session.add(ping)
    db.session.flush()
    # Read the id before commit: afterwards the object is expired and reading it would cost a SELECT.
    ping_id = ping.id
    db.session.commit()
    return {"id": ping_id}
