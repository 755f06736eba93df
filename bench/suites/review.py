"""FSRS review: in-process against Anki's, HTTP review against the insert baseline, next-due at scale."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.load import LoadError, Response, Session
from bench.harness.metrics import Metric
from bench.suites.baseline import measure_insert, warm_up

SUITE = "review"
USERS = 8
PASSWORD = "bench-pass-phrase"
_CARD_ID = re.compile(r'name="card_id" value="(\d+)"')
_REQUEST_ID = re.compile(r'name="request_id" value="([^"]+)"')
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores UTC datetimes in SQLite (naive)


def _app(database_url: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secrets.token_hex(16),
            "RATELIMIT_ENABLED": False,
        }
    )


def _sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).strftime(SQLITE_TIME)


def _insert_questions(conn: sqlite3.Connection, count: int) -> None:
    now = _ts(datetime.now(UTC))
    conn.executemany(
        "INSERT INTO question (uid, qtype, stem, options, answer, settings, explanation, topic, difficulty, tags,"
        " status, origin, sentence_ids, quote, checks, version, created_at, updated_at)"
        " VALUES (?, 'tf', ?, NULL, 'true', '{}', 'Because.', 'bench', 'medium', '[]', 'approved', 'written',"
        " '[]', '', '{}', 1, ?, ?)",
        ((f"bench-{i:05d}", f"Bench statement number {i} is true.", now, now) for i in range(count)),
    )


def _insert_users(conn: sqlite3.Connection, count: int) -> None:
    now = _ts(datetime.now(UTC))
    conn.executemany(
        "INSERT INTO user (username, display_name, password_hash, role, timezone, desired_retention,"
        " new_per_day, reviews_per_day, session_version, created_at)"
        " VALUES (?, ?, 'x', 'student', 'UTC', 0.9, 20, 200, 1, ?)",
        ((f"bench{i}", f"Bench {i}", now) for i in range(count)),
    )


# --- review.inproc_vs_anki_ratio ------------------------------------------------------------------------


def _ours_rps(ctx: Context, n: int) -> float:
    """next_card + grade through the study service (each grade one transaction) for `n` answers."""
    with ctx.fresh_database("sqlite") as database:
        conn = sqlite3.connect(_sqlite_path(database.url))
        _insert_users(conn, 1)
        _insert_questions(conn, n)
        conn.commit()
        conn.close()
        app = _app(database.url)
        with app.app_context():
            from app.extensions import db
            from app.models import User
            from app.study import service

            user = db.session.get(User, 1)
            service.update_settings(user, 0.9, n, n, "UTC")
            deck = service.everything()
            began = time.perf_counter()
            for i in range(n):
                shown = service.next_card(user, deck)
                if not isinstance(shown, service.Shown):
                    raise RuntimeError(f"our queue ran dry after {i} of {n} answers")
                service.grade(user, shown.card.id, 3, f"req-{i}", deck=deck)
            elapsed = time.perf_counter() - began
            db.engine.dispose()
    return n / elapsed


def _anki_rps(tmp: Path, n: int) -> tuple[float, str]:
    """Anki's own scheduler (v3, FSRS on) answering `n` cards Good in a fresh collection."""
    from anki.buildinfo import version
    from anki.collection import Collection

    path = tmp / f"anki-{secrets.token_hex(4)}.anki2"
    col = Collection(str(path))
    try:
        col.set_config("fsrs", True)
        config = col.decks.config_dict_for_deck_id(1)
        config["new"]["perDay"] = n
        config["rev"]["perDay"] = n
        col.decks.save(config)
        model = col.models.by_name("Basic")
        for i in range(n):
            note = col.new_note(model)
            note["Front"], note["Back"] = f"Bench statement number {i}", "True"
            col.add_note(note, 1)
        began = time.perf_counter()
        for i in range(n):
            card = col.sched.getCard()
            if card is None:
                raise RuntimeError(f"Anki's queue ran dry after {i} of {n} answers")
            col.sched.answerCard(card, 3)
        elapsed = time.perf_counter() - began
    finally:
        col.close()
    return n / elapsed, version


def _inproc(ctx: Context) -> list[Metric]:
    n = ctx.scale(200, 1000)
    try:
        anki_rps, anki_version = _anki_rps(ctx.tmp, n)
    except ImportError as exc:
        return [contract_metric("review.inproc_vs_anki_ratio", None, f"anki not installed: {exc}")]
    ours = _ours_rps(ctx, n)
    ctx.log(SUITE, f"in-process, {n} answers: ours {ours:.0f}/s, anki {anki_version} {anki_rps:.0f}/s")
    note = f"SQLite, {n} new cards answered Good; anki=={anki_version} v3 scheduler with FSRS"
    return [
        contract_metric("review.inproc_vs_anki_ratio", ours / anki_rps, note),
        Metric.measured("review.inproc_rps", ours, "answers/s", note=note),
        Metric.measured("review.anki_rps", anki_rps, "answers/s", note=note),
    ]


# --- review.http_vs_insert_ratio, review.http_p99_ms --------------------------------------------------


def _register(session: Session, number: int) -> None:
    token = session.fetch_csrf("/register")
    form = {
        "csrf_token": token,
        "username": f"bench{number}_{secrets.token_hex(3)}",
        "display_name": f"Bench {number}",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "instructor_code": "",
    }
    response = session.post("/register", form=form)
    if response.status != 302:
        raise LoadError(f"registering a bench student answered {response.status}, expected 302")
    session.fetch_csrf("/study/")


def _study_step(session: Session, _index: int) -> Response:
    """Alternate per virtual user: GET the next card, then POST its grade (JSON, as the page's fetch would)."""
    pending = getattr(session, "pending_card", None)
    if pending is None:
        response = session.get("/study/")
        card, request_id = _CARD_ID.search(response.text), _REQUEST_ID.search(response.text)
        if response.status == 200 and card and request_id:
            session.pending_card = (card.group(1), request_id.group(1))  # type: ignore[attr-defined]
        return response
    session.pending_card = None  # type: ignore[attr-defined]
    body = {"card_id": pending[0], "rating": 3, "request_id": pending[1], "deck": "all"}
    return session.post("/study/review", json_body=body, headers={"Accept": "application/json"})


def _http(ctx: Context) -> list[Metric]:
    with ctx.app_server("sqlite", seed=True) as server:
        warm_up(ctx, server)
        insert = measure_insert(ctx, server)
        total, seconds = ctx.scale(2000, 10000), ctx.scale(10, 30)
        study = ctx.load(server, _study_step, users=USERS, total=total, max_seconds=seconds, setup=_register)
    ctx.log(SUITE, f"sqlite POST /bench/insert: {insert.summary()}")
    ctx.log(SUITE, f"sqlite study loop (GET card, POST grade): {study.summary()}")
    note = f"SQLite under gunicorn, {USERS} students alternating GET /study/ and POST /study/review"
    if study.errors:
        note += f"; {study.errors} non-2xx/3xx answers"
    return [
        contract_metric("review.http_vs_insert_ratio", study.rps / max(insert.rps, 1e-9), note),
        contract_metric("review.http_p99_ms", study.p99_ms or 0.0, note),
        Metric.measured("review.http_rps", study.rps, "req/s", note=note),
        Metric.measured("review.http_errors", study.errors, "count", "= 0", note=note),
    ]


# --- review.nextdue_1m_vs_1k_ratio ---------------------------------------------------------------------

CARDS_PER_STUDENT = 100


def _fill(url: str, students: int, now: datetime) -> None:
    """`students` × 100 review cards, one review log each (a fifth of them today), by executemany."""
    conn = sqlite3.connect(_sqlite_path(url))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    _insert_users(conn, students)
    _insert_questions(conn, CARDS_PER_STUDENT)
    created = _ts(now - timedelta(days=60))

    def cards() -> Iterator[tuple]:
        for user in range(1, students + 1):
            for q in range(1, CARDS_PER_STUDENT + 1):
                due = now + timedelta(hours=(q * 7 + user) % 720 - 120)
                last = now - timedelta(hours=(q * 3 + user) % 96)
                yield (user, q, _ts(due), _ts(last), created)

    conn.executemany(
        "INSERT INTO card (user_id, question_id, state, step, stability, difficulty, due, last_review, reps,"
        " lapses, created_at) VALUES (?, ?, 2, NULL, 12.5, 5.0, ?, ?, 3, 0, ?)",
        cards(),
    )
    snapshot = json.dumps({"state": 2, "step": None, "stability": 10.0, "difficulty": 5.0, "due": "x"})

    def logs() -> Iterator[tuple]:
        card_id = 0
        for user in range(1, students + 1):
            for q in range(1, CARDS_PER_STUDENT + 1):
                card_id += 1
                at = now - timedelta(hours=(q * 3 + user) % 96)
                yield (user, card_id, f"r{card_id}", 1 + (q % 4), _ts(at), snapshot, _ts(at))

    conn.executemany(
        "INSERT INTO review_log (user_id, card_id, request_id, rating, reviewed_at, duration_ms, state_before,"
        " card_before, created_at) VALUES (?, ?, ?, ?, ?, NULL, 2, ?, ?)",
        logs(),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _query_plan(app, user_id: int, now: datetime) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement one next_card() runs."""
    from sqlalchemy import event

    from app.extensions import db
    from app.models import User
    from app.study import service

    statements: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        service.next_card(db.session.get(User, user_id), service.everything(), now)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    lines: list[str] = []
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            lines.append(" ".join(statement.split())[:160])
            for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters):
                lines.append(f"    {row[-1]}")
    finally:
        raw.close()
    return lines


def _time_next_due(ctx: Context, students: int, now: datetime) -> tuple[float, list[str]]:
    with ctx.fresh_database("sqlite") as database:
        _fill(database.url, students, now)
        app = _app(database.url)
        with app.app_context():
            from app.extensions import db
            from app.models import User
            from app.study import service

            user_ids = [1 + (i * 7919) % students for i in range(25)]
            timings = []
            for user_id in user_ids:
                db.session.expire_all()
                user = db.session.get(User, user_id)
                began = time.perf_counter()
                shown = service.next_card(user, service.everything(), now)
                timings.append(time.perf_counter() - began)
                if not isinstance(shown, service.Shown):
                    raise RuntimeError(f"student {user_id} had nothing due in the bench data")
            plan = _query_plan(app, user_ids[0], now)
            db.session.remove()
            db.engine.dispose()
    return statistics.median(timings) * 1000, plan


def _nextdue(ctx: Context) -> list[Metric]:
    now = datetime.now(UTC)
    big_students = ctx.scale(1_000, 10_000)
    small_ms, _ = _time_next_due(ctx, 10, now)
    big_ms, plan = _time_next_due(ctx, big_students, now)
    big_logs = big_students * CARDS_PER_STUDENT
    ctx.log(
        SUITE, f"next card + today's counts: {small_ms:.2f} ms at 1,000 logs, {big_ms:.2f} ms at {big_logs:,}"
    )
    ctx.log(SUITE, "query plan (SQLite) of next_card():\n" + "\n".join(plan))
    note = f"SQLite, median of 25 students; large side {big_logs:,} review logs"
    if ctx.quick:
        note += " (quick mode: 100,000 instead of 1,000,000)"
    return [
        contract_metric("review.nextdue_1m_vs_1k_ratio", big_ms / max(small_ms, 1e-9), note),
        Metric.measured("review.nextdue_1k_ms", small_ms, "ms", note=note),
        Metric.measured("review.nextdue_large_ms", big_ms, "ms", note=note),
    ]


def run(ctx: Context, quick: bool) -> list[Metric]:
    return _inproc(ctx) + _http(ctx) + _nextdue(ctx)
