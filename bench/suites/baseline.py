"""Baselines served by the same app and server: /bench/hello (no database) and /bench/insert (one INSERT and
a commit). Feature suites divide their own throughput by `measure_insert` on their server, in the same run.
"""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from bench.harness.context import Context
from bench.harness.load import LoadResult, Session, fixed
from bench.harness.metrics import Metric
from bench.harness.server import GunicornServer

USERS = 8
WARMUP_REQUESTS = 100


def _limits(ctx: Context, requests_quick: int, requests_full: int) -> tuple[int, float]:
    return ctx.scale(requests_quick, requests_full), ctx.scale(5, 20)


def warm_up(ctx: Context, server: GunicornServer) -> None:
    """Wait until every worker has loaded the English pipeline (each loads it in the background at start,
    seconds of CPU that would otherwise land on the first round's baseline), then touch every worker thread
    so the first measured requests do not pay for imports and connections."""
    deadline = time.monotonic() + 120
    streak = 0
    while streak < READY_STREAK and time.monotonic() < deadline:
        streak = streak + 1 if server_ready(server) else 0
        if not streak:
            time.sleep(0.2)
    ctx.load(server, fixed("GET", "/bench/hello"), users=USERS, total=WARMUP_REQUESTS, max_seconds=10)


READY_STREAK = 30  # consecutive "ready" answers: with 2 workers, both have answered many times over


def server_ready(server: GunicornServer) -> bool:
    session = Session(server.host, server.port)
    try:
        return session.get("/bench/ready").status == 200
    finally:
        session.close()


def measure_hello(ctx: Context, server: GunicornServer) -> LoadResult:
    total, seconds = _limits(ctx, 6000, 40000)
    return ctx.load(server, fixed("GET", "/bench/hello"), users=USERS, total=total, max_seconds=seconds)


def measure_insert(ctx: Context, server: GunicornServer) -> LoadResult:
    total, seconds = _limits(ctx, 4000, 25000)
    return ctx.load(server, fixed("POST", "/bench/insert"), users=USERS, total=total, max_seconds=seconds)


def count_rows(server: GunicornServer) -> int:
    engine = create_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM bench_ping")).scalar_one()
    finally:
        engine.dispose()


def _unavailable(backend: str, reason: str) -> list[Metric]:
    prefix = f"baseline.{backend}"
    return [
        Metric.missing(f"{prefix}.hello_rps", "req/s", note=reason),
        Metric.missing(f"{prefix}.insert_rps", "req/s", note=reason),
        Metric.missing(f"{prefix}.insert_p99_ms", "ms", note=reason),
    ]


def run(ctx: Context, quick: bool) -> list[Metric]:
    metrics: list[Metric] = []
    for backend in ctx.backends:
        reason = ctx.unavailable(backend)
        if reason:
            ctx.log("baseline", f"{backend}: skipped, {reason}")
            metrics += _unavailable(backend, reason)
            continue
        with ctx.app_server(backend) as server:
            warm_up(ctx, server)
            hello = measure_hello(ctx, server)
            ctx.log("baseline", f"{backend} GET /bench/hello: {hello.summary()}")
            insert = measure_insert(ctx, server)
            ctx.log("baseline", f"{backend} POST /bench/insert: {insert.summary()}")
            missing_rows = insert.by_class.get("2xx", 0) - count_rows(server)
        prefix = f"baseline.{backend}"
        metrics += [
            Metric.measured(f"{prefix}.hello_rps", hello.rps, "req/s"),
            Metric.measured(f"{prefix}.hello_p99_ms", hello.p99_ms or 0.0, "ms"),
            Metric.measured(f"{prefix}.insert_rps", insert.rps, "req/s"),
            Metric.measured(f"{prefix}.insert_p50_ms", insert.p50_ms or 0.0, "ms"),
            Metric.measured(f"{prefix}.insert_p95_ms", insert.p95_ms or 0.0, "ms"),
            Metric.measured(f"{prefix}.insert_p99_ms", insert.p99_ms or 0.0, "ms"),
            Metric.measured(f"{prefix}.insert_vs_hello_ratio", insert.rps / max(hello.rps, 1e-9), "x"),
            Metric.measured(f"{prefix}.errors", hello.errors + insert.errors, "count", "= 0"),
            # Every 2xx answer promised a committed row; a shortfall means the commit was not durable.
            Metric.measured(f"{prefix}.insert_rows_missing", missing_rows, "count", "= 0"),
        ]
    return metrics
