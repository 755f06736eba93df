"""Every page of issue #24's table on a small and on a department-size database (bench/department.py),
SQLite and PostgreSQL: the median of 5 GETs per page in-process (the Flask test client, no HTTP server, so
the figure is the app's own work), the two departments' GETs alternating, with each side's spread; and the
SQL statements of one GET.

Full run: the `small` department against the `big` one (20k approved + 5k candidate questions, 1,500
students, 300k responses, 200k review-log rows). --quick: `small` against `mid`, for CI's smoke test.
The built SQLite files are kept in bench/out/ keyed by the generator's version and the migrations, so a
second run copies them instead of building again; PostgreSQL databases are built for each run and dropped.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import sqlite3
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from bench.department import GENERATOR_VERSION, Page, Summary, build, pages
from bench.harness.context import Context
from bench.harness.metrics import Metric
from bench.harness.server import ROOT, FreshDatabase, app_env, in_process_app, prepare_database

SUITE = "pages"
# Pages whose time is left out of pages.big_vs_small_max_ratio, with why (still timed, reported and in
# pages.max_statements_big). The account data download IS the student's own data: it grows with what that
# student did, not with the size of the department.
NOT_FLAT = {"account_data": "the student's own data: grows with that student's reviews and attempts"}
REPEATS = 5  # GETs per page (3 in --quick)
CACHE = ROOT / "bench" / "out"
PASSWORD = "casewise-demo"  # bench.department.DEMO_PASSWORD


@dataclass
class Measured:
    times: list[float]  # milliseconds of each GET
    statements: int

    @property
    def ms(self) -> float:
        return statistics.median(self.times)

    @property
    def spread(self) -> str:
        return f"{min(self.times):.0f}–{max(self.times):.0f}"


def _schema_key() -> str:
    """Changes whenever the migrations or the generator do: a cached database is only reused unchanged."""
    digest = hashlib.sha256(f"generator {GENERATOR_VERSION}".encode())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _copy_sqlite(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _create_all(database_url: str) -> None:
    from app.extensions import db

    app = _app(database_url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def _build_into(ctx: Context, database: FreshDatabase, size: str) -> Summary:
    """The schema by the migrations and the seed, then the department. --quick (CI's smoke test, which must
    stay short) creates the tables from the models in-process and leaves the seed out: the pages read
    only the department's rows."""
    began = time.perf_counter()
    if ctx.quick:
        _create_all(database.url)  # in-process: no migration run in a subprocess
    else:
        prepare_database(app_env(database.url, secrets.token_hex(32)), seed=True)
    summary = build(database.url, size)
    ctx.log(SUITE, f"{database.backend} {size}: built in {time.perf_counter() - began:.1f}s")
    return summary


@contextmanager
def _department(ctx: Context, backend: str, size: str) -> Iterator[tuple[str, Summary]]:
    """A database of the seed plus the department of `size`; SQLite ones come from (and go to) the cache."""
    with FreshDatabase(backend, ctx.tmp) as database:
        if backend != "sqlite" or database.path is None:
            yield database.url, _build_into(ctx, database, size)
            return
        cached = CACHE / f"pages-{size}{'-noseed' if ctx.quick else ''}-{_schema_key()}.db"
        sidecar = cached.with_suffix(".json")
        if cached.exists() and sidecar.exists():
            _copy_sqlite(cached, database.path)
            summary = Summary(**json.loads(sidecar.read_text(encoding="utf-8")))
            ctx.log(SUITE, f"sqlite {size}: copied from {cached.relative_to(ROOT)}")
        else:
            summary = _build_into(ctx, database, size)
            CACHE.mkdir(parents=True, exist_ok=True)
            for stale in CACHE.glob(cached.name.replace(_schema_key(), "*").replace(".db", ".*")):
                stale.unlink()
            partial = cached.with_suffix(".partial")
            _copy_sqlite(database.path, partial)
            shutil.move(partial, cached)
            sidecar.write_text(json.dumps(summary.as_dict()), encoding="utf-8")
        yield database.url, summary


def _app(database_url: str):
    return in_process_app(database_url, client=True)


class _Side:
    """One department's app, logged-in clients and pages, for measuring its pages one at a time."""

    def __init__(self, database_url: str, summary: Summary):
        from app.extensions import db
        from app.models import Question

        self.app = _app(database_url)
        with self.app.app_context():
            approved = db.session.scalar(
                select(func.count()).select_from(Question).where(Question.status == "approved")
            )
            db.session.remove()
            self.engine = db.engine
        self.pages = {page.name: page for page in pages(summary, bank_pages=-(-approved // 20))}
        self.clients: dict[str, Any] = {}

    def client(self, username: str):
        client = self.clients.get(username)
        if client is None:
            client = self.clients[username] = self.app.test_client()
            login = client.post("/login", data={"username": username, "password": PASSWORD})
            assert login.status_code == 302, (username, login.status_code)
        return client

    def close(self) -> None:
        from app.extensions import db

        with self.app.app_context():
            db.engine.dispose()


def _measure_pair(small: _Side, large: _Side, repeats: int) -> dict[str, tuple[Measured, Measured]]:
    """Each page on both departments back to back (one warm-up GET each, then the GETs alternating between
    the two), so a change in the machine's load falls on both sides of a ratio alike."""
    results: dict[str, tuple[Measured, Measured]] = {}
    for name, page in small.pages.items():
        other = large.pages[name]
        sides = [(small, page), (large, other)]
        counts = [_warm(side.engine, side.client(p.username), p) for side, p in sides]
        times: list[list[float]] = [[], []]
        for _ in range(repeats):
            for index, (side, p) in enumerate(sides):
                times[index].append(_get(side.client(p.username), p))
        results[name] = (Measured(times[0], counts[0]), Measured(times[1], counts[1]))
    return results


def _warm(engine, client, page: Page) -> int:
    """One warm-up GET; its statements are counted."""
    count = 0

    def counter(*_args) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        warm = client.get(page.url)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert warm.status_code == 200, (page.url, warm.status_code)
    return count


def _get(client, page: Page) -> float:
    began = time.perf_counter()
    response = client.get(page.url)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 200, (page.url, response.status_code)
    return elapsed


def run(ctx: Context, quick: bool) -> list[Metric]:
    small, large = ("small", "mid") if quick else ("small", "big")
    page_target = "report" if quick else "< 300"
    metrics: list[Metric] = []
    ratios: list[float] = []
    statements: list[int] = []
    for backend in ctx.backends:
        reason = ctx.unavailable(backend)
        if reason:
            ctx.log(SUITE, f"{backend}: skipped ({reason})")
            continue
        with ExitStack() as stack:
            sides = {}
            for size in (small, large):
                url, summary = stack.enter_context(_department(ctx, backend, size))
                sides[size] = _Side(url, summary)
                stack.callback(sides[size].close)
            pairs = _measure_pair(sides[small], sides[large], 3 if quick else REPEATS)
        measured = {
            size: {name: pair[index] for name, pair in pairs.items()}
            for index, size in enumerate((small, large))
        }
        worst = max(
            (name for name in measured[large] if name not in NOT_FLAT),
            key=lambda name: measured[large][name].ms / measured[small][name].ms,
        )
        for name, big in measured[large].items():
            little = measured[small][name]
            metrics.append(
                Metric.measured(
                    f"pages.{backend}.{name}_ms",
                    big.ms,
                    "ms",
                    page_target,
                    note=f"{large} (GETs {big.spread} ms); {small}: {little.ms:.0f} ms ({little.spread}); "
                    f"statements {little.statements} → {big.statements}"
                    + (f"; not in the ratio: {NOT_FLAT[name]}" if name in NOT_FLAT else ""),
                )
            )
            if name not in NOT_FLAT:
                ratios.append(big.ms / little.ms)
            statements.append(big.statements)
            ctx.log(
                SUITE,
                f"{backend} {name}: {little.ms:.0f} ({little.spread}) → {big.ms:.0f} ({big.spread}) ms, "
                f"{big.ms / little.ms:.2f}×, {big.statements} statements",
            )
        ctx.log(SUITE, f"{backend}: worst ratio on {worst}")
    if not ratios:
        return [
            Metric.missing("pages.big_vs_small_max_ratio", "×", "≤ 3", "no backend available"),
            Metric.missing("pages.max_statements_big", "statements", "≤ 20", "no backend available"),
        ]
    note = f"{large} department against {small}, both backends"
    flat_note = f"{note}; without {', '.join(NOT_FLAT)} (the student's own data)"
    return [
        Metric.measured("pages.big_vs_small_max_ratio", max(ratios), "×", "≤ 3", note=flat_note),
        Metric.measured("pages.max_statements_big", max(statements), "statements", "≤ 20", note=note),
        *metrics,
    ]
