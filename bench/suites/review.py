"""FSRS review: in-process against Anki's, HTTP review against the insert baseline, next-due at scale."""

from __future__ import annotations

import re
import secrets
import sqlite3
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.load import LoadError, LoadResult, Response, Session, percentile
from bench.harness.metrics import Metric
from bench.harness.server import in_process_app
from bench.suites.baseline import measure_hello, measure_insert, warm_up

SUITE = "review"
USERS = 8
PASSWORD = "bench-pass-phrase"
_CARD_ID = re.compile(r'name="card_id" value="(\d+)"')
_START = 'id="start-form"'
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores UTC datetimes in SQLite (naive)


def _app(database_url: str):
    return in_process_app(database_url)


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
# - Rounds interleaved: each round measures every side back to back, so a burst of load from another
#   process hits both alike; a round gives a ratio, and the metric is the median of the rounds' ratios,
#   with their spread (never a ratio of best-of figures, which flatters whichever side had a lucky round).
#
# Two phases. The new phase answers new cards (each answer also creates a learning card). The review phase
# answers cards that are all in review and due: on both sides no new card is left, which is where a
# search of the bank for questions without a card used to run on every card shown.

WARM_UP = 20
ROUNDS = 5


def _user_with_limits(n: int):
    from app.extensions import db
    from app.models import User
    from app.study import service

    user = db.session.get(User, 1)
    service.update_settings(user, 0.9, n, n, "UTC")
    return user


def _answer_loop(user, n: int, first_shown=None) -> float:
    """Time n × (next card, the four intervals, grade Good): answers per second."""
    from app.study import service

    deck = service.everything()
    shown = first_shown if first_shown is not None else service.next_card(user, deck, prepare=False)
    began = time.perf_counter()
    for i in range(n):
        if i:
            shown = service.next_card(user, deck, prepare=False)  # as the study page's GET asks
        if not isinstance(shown, service.Shown):
            raise RuntimeError(f"our queue ran dry after {i} of {n} answers")
        shown.buttons  # noqa: B018 - the four intervals: Anki computes a card's next states too
        service.grade(user, shown.card.id, 3, f"req-{i}", deck=deck)
    return n / (time.perf_counter() - began)


def _ours_rps(ctx: Context, n: int, review_phase: bool = False) -> float:
    """next_card + grade through the study service (each grade one transaction) for `n` answers: on new
    cards, or (review_phase) on n review cards that are all due, with every question of the deck carded."""
    with ctx.fresh_database("sqlite") as database:
        conn = sqlite3.connect(_sqlite_path(database.url))
        _insert_users(conn, 1)
        _insert_questions(conn, n)
        if review_phase:
            now = datetime.now(UTC)
            conn.execute(
                "INSERT INTO card (user_id, question_id, state, step, stability, difficulty, due, last_review,"
                " reps, lapses, created_at) SELECT 1, id, 2, NULL, 5.0, 5.0, ?, ?, 3, 0, ? FROM question",
                (_ts(now - timedelta(hours=1)), _ts(now - timedelta(days=5)), _ts(now - timedelta(days=30))),
            )
        conn.commit()
        conn.close()
        app = _app(database.url)
        with app.app_context():
            from app.extensions import db
            from app.study import service

            user = _user_with_limits(n)
            # Starting the deck (the page's POST /study/start) creates the day's new cards (the whole
            # limit, in one INSERT) or, in the review phase, finds the deck fully carded and marks it: not
            # timed on either side, as Anki's add_note creates each note's card outside the timed loop.
            service.start(user, service.everything())
            shown = service.next_card(user, service.everything(), prepare=False)
            rps = _answer_loop(user, n, shown)
            db.session.remove()
            db.engine.dispose()
    return rps


def _anki_collection(tmp: Path, n: int, synchronous: str | None):
    from anki.collection import Collection

    path = tmp / f"anki-{secrets.token_hex(4)}.anki2"
    col = Collection(str(path))
    if synchronous is not None:
        col.db.execute(f"PRAGMA synchronous = {synchronous}")
        if col.db.scalar("PRAGMA synchronous") != 1:
            raise RuntimeError(f"Anki's collection refused PRAGMA synchronous = {synchronous}")
    col.set_config("fsrs", True)
    config = col.decks.config_dict_for_deck_id(1)
    config["new"]["perDay"] = n
    config["rev"]["perDay"] = 2 * n  # Anki counts new cards against the review limit too
    col.decks.save(config)
    model = col.models.by_name("Basic")
    for i in range(n):
        note = col.new_note(model)
        note["Front"], note["Back"] = f"Bench statement number {i}", "True"
        col.add_note(note, 1)
    return col


def _anki_rps(
    tmp: Path, n: int, synchronous: str | None = "NORMAL", review_phase: bool = False
) -> tuple[float, str]:
    """Anki's own scheduler (v3, FSRS on) answering `n` cards Good in a fresh collection: new cards, or
    (review_phase) review cards that are all due (each first answered Easy, then made due today).

    `synchronous` sets SQLite's durability on Anki's connection; None keeps Anki's default (FULL).
    """
    from anki.buildinfo import version

    col = _anki_collection(tmp, n, synchronous)
    try:
        if review_phase:
            for i in range(n):
                card = col.sched.getCard()
                if card is None:
                    raise RuntimeError(f"Anki's new queue ran dry after {i} of {n} cards")
                col.sched.answerCard(card, 4)
            col.sched.set_due_date(col.find_cards(""), "0")
        began = time.perf_counter()
        for i in range(n):
            card = col.sched.getCard()
            if card is None:
                raise RuntimeError(f"Anki's queue ran dry after {i} of {n} answers")
            if review_phase and card.type != 2:
                raise RuntimeError(f"Anki showed a card of type {card.type} in the review phase")
            col.sched.answerCard(card, 3)
        elapsed = time.perf_counter() - began
    finally:
        col.close()
    return n / elapsed, version


def _floor_rps(ctx: Context, n: int) -> float:
    """What SQLite and fsrs-rs alone cost per answer on our schema, with no Casewise code at all: a bare
    sqlite3 loop that reads the next new card and the card by id, asks fsrs-rs for the four next states
    (one call), inserts the log row, updates the card and commits. Our service does this and more (deck
    filter, today's count, due and ownership checks, idempotency, Anki's interval rules); the gap between
    this floor and Anki is what any Python implementation on this schema starts from."""
    import fsrs_rs_python

    engine = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS)
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
            good = engine.next_states(None, 0.9, 0).good  # the four next states, in one call
            conn.execute(
                "INSERT INTO review_log (user_id, card_id, request_id, rating, reviewed_at, state_before,"
                " due_before, reps_before, lapses_before, created_at) VALUES (1, ?, ?, 3, ?, 0, ?, 0, 0, ?)",
                (card_id, f"floor-{i}", _ts(at), _ts(at), _ts(at)),
            )
            conn.execute(
                "UPDATE card SET state = 1, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?,"
                " reps = 1 WHERE id = ? AND reps = 0",
                (
                    1,
                    good.memory.stability,
                    good.memory.difficulty,
                    _ts(at + timedelta(minutes=10)),
                    _ts(at),
                    card_id,
                ),
            )
            conn.commit()
        elapsed = time.perf_counter() - began
        conn.close()
    return n / elapsed


def _spread(ratios: list[float]) -> str:
    return f"median of {len(ratios)} rounds' ratios, spread {min(ratios):.2f}–{max(ratios):.2f}"


def _inproc(ctx: Context) -> list[Metric]:
    n = ctx.scale(200, 1000)
    rounds = ctx.scale(3, ROUNDS)
    try:
        _anki_rps(ctx.tmp, WARM_UP)
    except ImportError as exc:
        return [contract_metric("review.inproc_vs_anki_ratio", None, f"anki not installed: {exc}")]
    _ours_rps(ctx, WARM_UP)
    _ours_rps(ctx, WARM_UP, review_phase=True)
    _anki_rps(ctx.tmp, WARM_UP, review_phase=True)
    sides: dict[str, list[float]] = {
        name: [] for name in ("ours", "anki", "shipped", "floor", "ours_review", "anki_review")
    }
    anki_version = ""
    for _ in range(rounds):
        sides["ours"].append(_ours_rps(ctx, n))
        rps, anki_version = _anki_rps(ctx.tmp, n)
        sides["anki"].append(rps)
        sides["floor"].append(_floor_rps(ctx, n))
        sides["shipped"].append(_anki_rps(ctx.tmp, n, synchronous=None)[0])
        sides["ours_review"].append(_ours_rps(ctx, n, review_phase=True))
        sides["anki_review"].append(_anki_rps(ctx.tmp, n, review_phase=True)[0])

    def ratios(top: str, bottom: str) -> list[float]:
        return [a / b for a, b in zip(sides[top], sides[bottom], strict=True)]

    new_r, review_r = ratios("ours", "anki"), ratios("ours_review", "anki_review")
    floor_r, shipped_r = ratios("floor", "anki"), ratios("ours", "shipped")
    med = {name: statistics.median(values) for name, values in sides.items()}
    for number in range(rounds):
        ctx.log(
            SUITE,
            f"round {number + 1}, {n} answers/s: new phase ours {sides['ours'][number]:.0f} vs anki"
            f" {sides['anki'][number]:.0f} ({new_r[number]:.2f}); review phase ours"
            f" {sides['ours_review'][number]:.0f} vs anki {sides['anki_review'][number]:.0f}"
            f" ({review_r[number]:.2f}); floor {sides['floor'][number]:.0f}; anki as shipped"
            f" {sides['shipped'][number]:.0f}",
        )
    note = (
        f"SQLite, {n} new cards answered Good, {_spread(new_r)}, after a warm-up; anki=={anki_version} v3"
        " scheduler with FSRS; both on synchronous=NORMAL (Anki's default FULL fsyncs every answer)"
    )
    review_note = (
        f"SQLite, {n} review cards all due answered Good (no new card left), {_spread(review_r)};"
        f" anki=={anki_version}, synchronous=NORMAL on both"
    )
    shipped_note = (
        f"anki=={anki_version} with its default synchronous=FULL; ours as shipped (NORMAL);"
        f" {_spread(shipped_r)}"
    )
    return [
        contract_metric("review.inproc_vs_anki_ratio", statistics.median(new_r), note),
        contract_metric("review.inproc_review_phase_vs_anki_ratio", statistics.median(review_r), review_note),
        Metric.measured("review.inproc_rps", med["ours"], "answers/s", note="median of rounds; " + note),
        Metric.measured("review.anki_rps", med["anki"], "answers/s", note="median of rounds; " + note),
        Metric.measured("review.inproc_review_phase_rps", med["ours_review"], "answers/s", note=review_note),
        Metric.measured("review.anki_review_phase_rps", med["anki_review"], "answers/s", note=review_note),
        Metric.measured("review.anki_shipped_rps", med["shipped"], "answers/s", note=shipped_note),
        Metric.measured(
            "review.inproc_vs_anki_shipped_ratio", statistics.median(shipped_r), "x", note=shipped_note
        ),
        Metric.measured(
            "review.floor_vs_anki_ratio",
            statistics.median(floor_r),
            "x",
            note="a bare sqlite3 loop on our schema (no Casewise code): the same statements and one fsrs-rs"
            f" next_states call; {_spread(floor_r)}",
        ),
    ]


# --- review.pick_100k_vs_1k_ratio ----------------------------------------------------------------------
#
# Choosing the next card at 1,000 and at 100,000 approved questions in the deck, in the two states where a
# student has no new card to show: student 1 has a card for every question (all in review, 300 due), and
# student 2 has 300 due review cards and today's new-card budget spent while the rest of the bank has no
# card for them. The pick must read indexes only in both, so its time must not follow the bank's size.

PICK_DUE = 300
PICK_CALLS = 200


def _pick_database(url: str, size: int, now: datetime) -> None:
    conn = sqlite3.connect(_sqlite_path(url))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    _insert_users(conn, 2)
    _insert_questions(conn, size)
    created, last = _ts(now - timedelta(days=30)), _ts(now - timedelta(days=5))
    due_now, due_later = _ts(now - timedelta(hours=1)), _ts(now + timedelta(days=20))
    conn.execute(
        "INSERT INTO card (user_id, question_id, state, step, stability, difficulty, due, last_review, reps,"
        " lapses, created_at) SELECT 1, id, 2, NULL, 5.0, 5.0, CASE WHEN id <= ? THEN ? ELSE ? END, ?, 3, 0, ?"
        " FROM question",
        (PICK_DUE, due_now, due_later, last, created),
    )
    conn.execute(
        "INSERT INTO card (user_id, question_id, state, step, stability, difficulty, due, last_review, reps,"
        " lapses, created_at) SELECT 2, id, 2, NULL, 5.0, 5.0, ?, ?, 3, 0, ? FROM question WHERE id <= ?",
        (due_now, last, created, PICK_DUE),
    )
    today = (now - timedelta(hours=4)).date().isoformat()
    conn.execute(
        "INSERT INTO study_day (user_id, day, new_done, reviews_done, done) VALUES (2, ?, 20, 0, 20)",
        (today,),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _pick_ms(app, now: datetime) -> tuple[float, float]:
    """Median ms of one next_card() (the pick: one statement) for student 1 and for student 2."""
    from app.extensions import db
    from app.models import User
    from app.study import service

    medians = []
    with app.app_context():
        for user_id in (1, 2):
            user = db.session.get(User, user_id)
            deck = service.everything()
            service.start(user, deck, now)  # the page's start POST marks student 1's deck fully carded
            timings = []
            for _ in range(PICK_CALLS):
                began = time.perf_counter()
                shown = service.next_card(user, deck, now, prepare=False)  # what a GET does: reads only
                timings.append(time.perf_counter() - began)
                if not isinstance(shown, service.Shown) or shown.card.data.state != 2:
                    raise RuntimeError(f"bench student {user_id} was not shown a review card")
            medians.append(statistics.median(timings) * 1000)
        db.session.remove()
    return medians[0], medians[1]


def _pick(ctx: Context) -> list[Metric]:
    now = datetime.now(UTC)
    big_size = 100_000
    rounds = ctx.scale(3, ROUNDS)
    with ctx.fresh_database("sqlite") as small, ctx.fresh_database("sqlite") as big:
        _pick_database(small.url, 1_000, now)
        _pick_database(big.url, big_size, now)
        small_app, big_app = _app(small.url), _app(big.url)
        carded, spent, small_ms, big_ms = [], [], [], []
        for _ in range(rounds):
            s1, s2 = _pick_ms(small_app, now)
            b1, b2 = _pick_ms(big_app, now)
            carded.append(b1 / s1)
            spent.append(b2 / s2)
            small_ms.append((s1, s2))
            big_ms.append((b1, b2))
        for app in (small_app, big_app):
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()
    worse = max(statistics.median(carded), statistics.median(spent))
    ctx.log(
        SUITE,
        "pick (next_card) ms at 1,000 / 100,000 questions per round, [fully carded, budget spent]: "
        + "; ".join(
            f"{s[0]:.3f}/{b[0]:.3f}, {s[1]:.3f}/{b[1]:.3f}" for s, b in zip(small_ms, big_ms, strict=True)
        ),
    )
    note = (
        f"SQLite, median of {PICK_CALLS} next_card() calls per side; the worse of two students: every"
        f" question carded ({_spread(carded)} → {statistics.median(carded):.2f}) and the new-card budget"
        f" spent with the bank uncarded ({_spread(spent)} → {statistics.median(spent):.2f})"
    )
    return [
        contract_metric("review.pick_100k_vs_1k_ratio", worse, note),
        Metric.measured(
            "review.pick_1k_ms", statistics.median(s[0] for s in small_ms), "ms", note="fully carded student"
        ),
        Metric.measured(
            "review.pick_100k_ms", statistics.median(b[0] for b in big_ms), "ms", note="fully carded student"
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
        "study_shortcuts": "y",
    }
    response = session.post("/study/settings", form=limits)
    if response.status != 303:
        raise LoadError(f"raising a bench student's daily limits answered {response.status}, expected 303")
    # The CSRF token from the settings page stays valid; the first GET /study/ (which creates the day's
    # new cards) is left to the timed loop.


def study_step(session: Session, _index: int) -> Response:
    """Per virtual user, what the study page (app/static/study.js) sends for each card once it is open.

    The browser loads the study page once; after that a card costs two requests and no page load: the grade,
    POSTed in the background as the card form's fields URL-encoded (its CSRF token, card id, idempotency
    key, the moment its buttons were computed, the deck, the rating and the time taken), and the prefetch
    of the card after the new one (GET /study/next?after=<id>, JSON with that card's HTML, its buttons and
    progress). The answer
    side of a card comes with its prefetch, so "Show answer" sends nothing. The loop alternates those two
    requests. Its first step opens the page (/study/?show=1) to find the first card on screen, as the browser
    does once, and posts the deck's start form if the day is not prepared yet.
    """
    card = getattr(session, "card_on_screen", None)
    if card is None:
        response = session.get("/study/?show=1")
        if response.status == 200 and _START in response.text:
            return session.post("/study/start", form={"deck": "all"})  # as study.js does on its own
        found = _CARD_ID.search(response.text)
        if response.status == 200 and found is None:
            raise LoadError("the study queue ran dry: the bench deck is too small for this many answers")
        if found is not None:
            session.card_on_screen = found.group(1)  # type: ignore[attr-defined]
            session.card_form = _hidden_fields(response.text)  # type: ignore[attr-defined]
            session.graded = False  # type: ignore[attr-defined]
        return response
    if not getattr(session, "graded", False):
        session.graded = True  # type: ignore[attr-defined]
        session.grades = getattr(session, "grades", 0) + 1  # type: ignore[attr-defined]
        fields = dict(getattr(session, "card_form", {}))
        if fields.get("card_id") != card:
            raise LoadError(f"the card form on screen is for card {fields.get('card_id')}, not {card}")
        fields.update(rating="3", duration_ms="4000")
        return session.post("/study/review", form=fields, headers={"Accept": "application/json"})
    response = session.get(f"/study/next?after={card}&deck=all", headers={"Accept": "application/json"})
    following = response.json() if response.status == 200 else {}
    if response.status == 200 and (following.get("done") or following.get("start")):
        raise LoadError("the study queue ran dry: the bench deck is too small for this many answers")
    if response.status == 200:
        session.card_on_screen = str(following["card_id"])  # type: ignore[attr-defined]
        session.card_form = _hidden_fields(following["html"])  # type: ignore[attr-defined]
        session.graded = False  # type: ignore[attr-defined]
    return response


_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


_GRADE_FORM = re.compile(r"<form\b(?:(?!</form>).)*?name=\"card_id\"(?:(?!</form>).)*</form>", re.DOTALL)


def _hidden_fields(html: str) -> dict[str, str]:
    """The grade form's hidden fields, as study.js's `new URLSearchParams(new FormData(form))` takes them."""
    form = _GRADE_FORM.search(html)
    if form is None:
        raise LoadError("the study page has no grade form")
    return {name: unescape(value) for name, value in _HIDDEN.findall(form.group(0))}


def _http(ctx: Context) -> list[Metric]:
    # The bare-request and insert baselines and the study loop run back to back, ROUNDS times, on one
    # server; each round gives ratios and the metrics are the medians of the rounds' ratios. Measured
    # once each, a burst of load from another process could land on either side alone.
    hellos: list[LoadResult] = []
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
        for _ in range(ctx.scale(2, ROUNDS)):
            hellos.append(measure_hello(ctx, server))
            inserts.append(measure_insert(ctx, server))
            studies.append(
                ctx.load(server, study_step, users=USERS, total=total, max_seconds=seconds, setup=setup)
            )
    vs_insert = [stu.rps / max(ins.rps, 1e-9) for ins, stu in zip(inserts, studies, strict=True)]
    vs_hello = [stu.rps / max(hel.rps, 1e-9) for hel, stu in zip(hellos, studies, strict=True)]
    study_rps = statistics.median(result.rps for result in studies)
    insert_rps = statistics.median(result.rps for result in inserts)
    latencies = sorted(latency for result in studies for latency in result.latencies_ms)
    p99 = percentile(latencies, 99) or 0.0
    errors = sum(result.errors for result in studies)
    for number, (ins, stu) in enumerate(zip(inserts, studies, strict=True), 1):
        ctx.log(SUITE, f"round {number}: sqlite POST /bench/insert: {ins.summary()}")
        ctx.log(SUITE, f"round {number}: sqlite study loop (POST grade, GET next): {stu.summary()}")
    note = (
        f"SQLite under gunicorn, {USERS} students doing what study.js does per card: POST /study/review"
        " (the card form's fields, URL-encoded) and GET /study/next (the prefetch, JSON), after every worker"
        " has loaded the English pipeline;"
        f" {len(studies)} rounds, each back to back with /bench/hello and /bench/insert; {_spread(vs_insert)}"
        f" (vs insert), {_spread(vs_hello)} (vs hello); p99 over every round"
    )
    if errors:
        note += f"; {errors} non-2xx/3xx answers"
    return [
        contract_metric("review.http_vs_insert_ratio", statistics.median(vs_insert), note),
        contract_metric("review.http_vs_hello_ratio", statistics.median(vs_hello), note),
        contract_metric("review.http_p99_ms", p99, note),
        Metric.measured("review.http_rps", study_rps, "req/s", note=note),
        Metric.measured("review.http_insert_rps", insert_rps, "req/s", note=note),
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

    def logs() -> Iterator[tuple]:
        card_id = 0
        for user in range(1, students + 1):
            for q in range(1, CARDS_PER_STUDENT + 1):
                card_id += 1
                at = now - timedelta(hours=(q * 3 + user) % 96)
                yield (user, card_id, f"r{card_id}", 1 + (q % 4), _ts(at), _ts(at), _ts(at))

    conn.executemany(
        "INSERT INTO review_log (user_id, card_id, request_id, rating, reviewed_at, duration_ms, state_before,"
        " step_before, stability_before, difficulty_before, due_before, reps_before, lapses_before, created_at)"
        " VALUES (?, ?, ?, ?, ?, NULL, 2, NULL, 10.0, 5.0, ?, 2, 0, ?)",
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
    return _inproc(ctx) + _pick(ctx) + _http(ctx) + _nextdue(ctx)
