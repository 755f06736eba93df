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
from bench.harness.load import LoadError, LoadResult, Response, Session, percentile
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
#
# Both sides answer the same number of new cards Good in a fresh store, timing only the loop "pick the next
# card, FSRS step, write card + log, commit"; creating the store and its questions/notes is not timed on
# either side. Neither side renders the card's text (Anki's getCard does not). Three things keep it fair:
# - Same durability. Anki opens its collection with SQLite synchronous=FULL: an fsync on every answer.
#   Ours runs SQLite WAL with synchronous=NORMAL (app/database.py): a commit survives a crash of the app,
#   not a power cut, and costs no fsync. Compared as shipped, the ratio mostly measured the disk's fsync
#   latency (Anki's own figure moved between 600 and 7,000 answers/s from run to run). The contract ratio
#   sets Anki's connection to NORMAL too; Anki as shipped is reported beside it (anki_shipped_rps).
# - Same warm-up. Each side first answers WARM_UP cards in a throwaway store, so one-time costs of the
#   process (our SQL compilation, Anki's first backend calls) are left out of both.
# - Best of ROUNDS, rounds interleaved, so a burst of load from another process hits both sides alike.

WARM_UP = 20
ROUNDS = 2


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
            # The first card shown creates the day's new cards (the whole limit, in one INSERT), as
            # Anki's add_note creates each note's card: not timed on either side.
            shown = service.next_card(user, deck)
            began = time.perf_counter()
            for i in range(n):
                if i:
                    shown = service.next_card(user, deck)
                if not isinstance(shown, service.Shown):
                    raise RuntimeError(f"our queue ran dry after {i} of {n} answers")
                shown.buttons  # noqa: B018 - the four intervals: Anki computes a card's next states too
                service.grade(user, shown.card.id, 3, f"req-{i}", deck=deck)
            elapsed = time.perf_counter() - began
            db.session.remove()
            db.engine.dispose()
    return n / elapsed


def _anki_rps(tmp: Path, n: int, synchronous: str | None = "NORMAL") -> tuple[float, str]:
    """Anki's own scheduler (v3, FSRS on) answering `n` cards Good in a fresh collection.

    `synchronous` sets SQLite's durability on Anki's connection; None keeps Anki's default (FULL).
    """
    from anki.buildinfo import version
    from anki.collection import Collection

    path = tmp / f"anki-{secrets.token_hex(4)}.anki2"
    col = Collection(str(path))
    try:
        if synchronous is not None:
            col.db.execute(f"PRAGMA synchronous = {synchronous}")
            if col.db.scalar("PRAGMA synchronous") != 1:
                raise RuntimeError(f"Anki's collection refused PRAGMA synchronous = {synchronous}")
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


def _floor_rps(ctx: Context, n: int) -> float:
    """What SQLite and fsrs alone cost per answer on our schema, with no Casewise code at all: a bare
    sqlite3 loop that reads the next new card and the card by id, steps FSRS five times (the four button
    intervals and the grade), inserts the log row, updates the card and commits. Our service does this
    and more (deck filter, today's count, due and ownership checks, idempotency); the gap between this
    floor and Anki is what any Python implementation on this schema starts from."""
    import fsrs

    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    with ctx.fresh_database("sqlite") as database:
        conn = sqlite3.connect(_sqlite_path(database.url))
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "busy_timeout=10000"):
            conn.execute(f"PRAGMA {pragma}")
        _insert_users(conn, 1)
        _insert_questions(conn, n)
        now = _ts(datetime.now(UTC))
        conn.execute(
            "INSERT INTO card (user_id, question_id, state, reps, lapses, due, created_at)"
            " SELECT 1, id, 0, 0, 0, ?, ? FROM question",
            (now, now),
        )
        conn.commit()
        began = time.perf_counter()
        for i in range(n):
            (card_id,) = conn.execute(
                "SELECT card.id FROM card JOIN question ON question.id = card.question_id"
                " WHERE card.user_id = 1 AND card.state = 0 AND question.status = 'approved'"
                " ORDER BY card.due, card.id LIMIT 1"
            ).fetchone()
            conn.execute("SELECT * FROM card WHERE id = ? AND user_id = 1", (card_id,)).fetchone()
            at = datetime.now(UTC)
            for rating in (fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy):
                scheduler.review_card(fsrs.Card(card_id=0), rating, at)
            after, _ = scheduler.review_card(fsrs.Card(card_id=0), fsrs.Rating.Good, at)
            conn.execute(
                "INSERT INTO review_log (user_id, card_id, request_id, rating, reviewed_at, state_before,"
                " card_before, created_at) VALUES (1, ?, ?, 3, ?, 0, ?, ?)",
                (card_id, f"floor-{i}", _ts(at), json.dumps({"state": 0, "due": _ts(at)}), _ts(at)),
            )
            conn.execute(
                "UPDATE card SET state = 1, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?,"
                " reps = 1 WHERE id = ? AND reps = 0",
                (after.step, after.stability, after.difficulty, _ts(after.due), _ts(at), card_id),
            )
            conn.commit()
        elapsed = time.perf_counter() - began
        conn.close()
    return n / elapsed


def _inproc(ctx: Context) -> list[Metric]:
    n = ctx.scale(200, 1000)
    try:
        _anki_rps(ctx.tmp, WARM_UP)
    except ImportError as exc:
        return [contract_metric("review.inproc_vs_anki_ratio", None, f"anki not installed: {exc}")]
    _ours_rps(ctx, WARM_UP)
    ours, anki, shipped, floor = [], [], [], []
    anki_version = ""
    for _ in range(ROUNDS):
        ours.append(_ours_rps(ctx, n))
        floor.append(_floor_rps(ctx, n))
        rps, anki_version = _anki_rps(ctx.tmp, n)
        anki.append(rps)
        shipped.append(_anki_rps(ctx.tmp, n, synchronous=None)[0])
    best, anki_best, shipped_best, floor_best = max(ours), max(anki), max(shipped), max(floor)
    ctx.log(
        SUITE,
        f"in-process, {n} answers, best of {ROUNDS}: ours {best:.0f}/s, anki {anki_version} {anki_best:.0f}/s"
        f" (synchronous=NORMAL, like ours), {shipped_best:.0f}/s as shipped (FULL: an fsync per answer);"
        f" bare sqlite3 + fsrs on our schema {floor_best:.0f}/s",
    )
    note = (
        f"SQLite, {n} new cards answered Good, best of {ROUNDS} after a warm-up; anki=={anki_version} v3"
        " scheduler with FSRS; both on synchronous=NORMAL (Anki's default FULL fsyncs every answer)"
    )
    shipped_note = f"anki=={anki_version} with its default synchronous=FULL; ours as shipped (NORMAL)"
    return [
        contract_metric("review.inproc_vs_anki_ratio", best / anki_best, note),
        Metric.measured("review.inproc_rps", best, "answers/s", note=note),
        Metric.measured("review.anki_rps", anki_best, "answers/s", note=note),
        Metric.measured("review.anki_shipped_rps", shipped_best, "answers/s", note=shipped_note),
        Metric.measured("review.inproc_vs_anki_shipped_ratio", best / shipped_best, "x", note=shipped_note),
        Metric.measured(
            "review.floor_vs_anki_ratio",
            floor_best / anki_best,
            "x",
            note="a bare sqlite3 loop on our schema (no Casewise code): the same statements and five fsrs steps",
        ),
    ]


# --- review.http_vs_insert_ratio, review.http_p99_ms --------------------------------------------------
#
# Every bench student raises the new-card limit to what the run needs, and the deck holds more questions than
# that: the loop is "get a card, grade it" from the first request to the last. (With the default limit of
# 20 new cards a day, the loop used to run dry after about 40 grades per student and went on measuring the
# "all done" page.)

EXTRA_QUESTIONS = 1000


def _registrar(new_cards_needed: int):
    def setup(session: Session, number: int) -> None:
        session.new_cards_needed = new_cards_needed  # type: ignore[attr-defined]
        _register(session, number)

    return setup


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
    token = session.fetch_csrf("/study/settings")
    limits = {
        "csrf_token": token,
        "desired_retention": "0.90",
        "new_per_day": str(session.new_cards_needed),  # type: ignore[attr-defined]
        "reviews_per_day": "99999",
        "timezone": "UTC",
    }
    response = session.post("/study/settings", form=limits)
    if response.status != 303:
        raise LoadError(f"raising a bench student's daily limits answered {response.status}, expected 303")
    # The CSRF token from the settings page stays valid; the first GET /study/ (which creates the day's
    # new cards) is left to the timed loop.


def _study_step(session: Session, _index: int) -> Response:
    """Alternate per virtual user: GET the next card, then POST its grade (JSON, as the page's fetch would)."""
    pending = getattr(session, "pending_card", None)
    if pending is None:
        # The answer side (with the grade form) is only in the page after "Show answer": the page a
        # student grades from is /study/?show=1 (study.js fetches it when Space is pressed).
        response = session.get("/study/?show=1")
        card, request_id = _CARD_ID.search(response.text), _REQUEST_ID.search(response.text)
        if response.status == 200 and card and request_id:
            session.pending_card = (card.group(1), request_id.group(1))  # type: ignore[attr-defined]
        elif response.status == 200:
            raise LoadError("the study queue ran dry: the bench deck is too small for this many answers")
        return response
    session.pending_card = None  # type: ignore[attr-defined]
    body = {"card_id": pending[0], "rating": 3, "request_id": pending[1], "deck": "all"}
    return session.post("/study/review", json_body=body, headers={"Accept": "application/json"})


def _http(ctx: Context) -> list[Metric]:
    # Insert baseline and study loop alternate, ROUNDS times, on one server; the best round of each
    # counts. Measured once each, a burst of load from another process could land on either side alone.
    inserts: list[LoadResult] = []
    studies: list[LoadResult] = []
    with ctx.app_server("sqlite", seed=True) as server:
        conn = sqlite3.connect(_sqlite_path(server.env["DATABASE_URL"]))
        _insert_questions(conn, EXTRA_QUESTIONS)
        conn.commit()
        conn.close()
        warm_up(ctx, server)
        total, seconds = ctx.scale(2000, 10000), ctx.scale(10, 30)
        # Each grade uses a new card while there are any (then the learning ones come back early): twice
        # a student's fair share, so that a student served faster than the others never runs dry.
        setup = _registrar(min(total // USERS, EXTRA_QUESTIONS))
        for _ in range(ROUNDS):
            inserts.append(measure_insert(ctx, server))
            studies.append(
                ctx.load(server, _study_step, users=USERS, total=total, max_seconds=seconds, setup=setup)
            )
    insert, study = max(inserts, key=lambda r: r.rps), max(studies, key=lambda r: r.rps)
    latencies = sorted(latency for result in studies for latency in result.latencies_ms)
    p99 = percentile(latencies, 99) or 0.0
    errors = sum(result.errors for result in studies)
    for number, (ins, stu) in enumerate(zip(inserts, studies, strict=True), 1):
        ctx.log(SUITE, f"round {number}: sqlite POST /bench/insert: {ins.summary()}")
        ctx.log(SUITE, f"round {number}: sqlite study loop (GET card, POST grade): {stu.summary()}")
    note = (
        f"SQLite under gunicorn, {USERS} students alternating GET /study/ and POST /study/review;"
        f" best of {ROUNDS} rounds interleaved with /bench/insert; p99 over every round"
    )
    if errors:
        note += f"; {errors} non-2xx/3xx answers"
    return [
        contract_metric("review.http_vs_insert_ratio", study.rps / max(insert.rps, 1e-9), note),
        contract_metric("review.http_p99_ms", p99, note),
        Metric.measured("review.http_rps", study.rps, "req/s", note=note),
        Metric.measured("review.http_insert_rps", insert.rps, "req/s", note=note),
        Metric.measured("review.http_errors", errors, "count", "= 0", note=note),
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
    # Each student's answers per study day, as the grades would have counted them (users are on UTC).
    conn.execute(
        "INSERT INTO study_day (user_id, day, new_done, reviews_done, done)"
        " SELECT user_id, date(reviewed_at, '-4 hours'), 0, count(*), count(*) FROM review_log"
        " GROUP BY user_id, date(reviewed_at, '-4 hours')"
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _query_plan(app, user_id: int, now: datetime) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement one next_card() and its progress counts run."""
    from app.extensions import db
    from app.models import User
    from app.study import service
    from app.study.prepared import driver

    d = driver()
    statements: list[tuple[str, dict]] = []
    run = d.run

    def capture(statement, params, fixed=()):
        compiled = d.prepared(statement, fixed)
        statements.append((compiled.sql, {**compiled.defaults, **params}))
        return run(statement, params, fixed)

    d.run = capture  # type: ignore[method-assign]
    try:
        shown = service.next_card(db.session.get(User, user_id), service.everything(), now)
        shown.remaining  # noqa: B018 - the progress bar's counts are part of what is timed
    finally:
        del d.run
    lines: list[str] = []
    for statement, parameters in statements:
        lines.append(" ".join(statement.split())[:160])
        for row in d.conn.execute("EXPLAIN QUERY PLAN " + statement, parameters):
            lines.append(f"    {row[-1]}")
    return lines


REPEATS = 3


def _time_next_due(ctx: Context, students: int, now: datetime) -> tuple[float, float, list[str]]:
    """(median over 25 students of the fastest of REPEATS calls, median of the first calls, query plan).

    The fastest call measures the queries; the first one also pays for reading the student's pages into
    the cache, which on the large file depends on what else the machine is doing. A full scan would be
    slow either way. (The small side has only 10 students, so most of its first calls were warm anyway.)
    """
    with ctx.fresh_database("sqlite") as database:
        _fill(database.url, students, now)
        app = _app(database.url)
        with app.app_context():
            from app.extensions import db
            from app.models import User
            from app.study import service

            user_ids = [1 + (i * 7919) % students for i in range(25)]
            fastest, first = [], []
            for user_id in user_ids:
                timings = []
                for _ in range(REPEATS):
                    db.session.expire_all()
                    user = db.session.get(User, user_id)
                    began = time.perf_counter()
                    shown = service.next_card(user, service.everything(), now)
                    if not isinstance(shown, service.Shown):
                        raise RuntimeError(f"student {user_id} had nothing due in the bench data")
                    shown.remaining  # noqa: B018 - today's counts, read for the progress bar
                    timings.append(time.perf_counter() - began)
                fastest.append(min(timings))
                first.append(timings[0])
            plan = _query_plan(app, user_ids[0], now)
            db.session.remove()
            db.engine.dispose()
    return statistics.median(fastest) * 1000, statistics.median(first) * 1000, plan


def _nextdue(ctx: Context) -> list[Metric]:
    now = datetime.now(UTC)
    big_students = ctx.scale(1_000, 10_000)
    small_ms, small_first_ms, _ = _time_next_due(ctx, 10, now)
    big_ms, big_first_ms, plan = _time_next_due(ctx, big_students, now)
    big_logs = big_students * CARDS_PER_STUDENT
    ctx.log(
        SUITE,
        f"next card + today's counts: {small_ms:.2f} ms at 1,000 logs, {big_ms:.2f} ms at {big_logs:,}"
        f" (first calls: {small_first_ms:.2f} / {big_first_ms:.2f} ms)",
    )
    ctx.log(SUITE, "query plan (SQLite) of next_card():\n" + "\n".join(plan))
    note = f"SQLite, median over 25 students of the fastest of {REPEATS} calls; large side {big_logs:,} review logs"
    if ctx.quick:
        note += " (quick mode: 100,000 instead of 1,000,000)"
    first_note = f"first call per student, cache not warmed; large side {big_logs:,} review logs"
    return [
        contract_metric("review.nextdue_1m_vs_1k_ratio", big_ms / max(small_ms, 1e-9), note),
        Metric.measured("review.nextdue_1k_ms", small_ms, "ms", note=note),
        Metric.measured("review.nextdue_large_ms", big_ms, "ms", note=note),
        Metric.measured(
            "review.nextdue_first_call_ratio", big_first_ms / max(small_first_ms, 1e-9), "x", note=first_note
        ),
    ]


def run(ctx: Context, quick: bool) -> list[Metric]:
    return _inproc(ctx) + _http(ctx) + _nextdue(ctx)
