"""Think-time load: N students each grading a card every 6 s (±50 %) for 60 s; the largest N with p99 < 200 ms.

Full runs only (`python bench/run.py --only thinktime`; `--quick` and CI skip it: a search takes several
minutes). One gunicorn node as production runs it (deploy/systemd/casewise@.service: 4 workers × 4 threads;
the harness's default for the throughput suites is 2 × 4) on a fresh SQLite WAL database with the seed
bank and 1,000 more questions, so no student runs out of new cards.

Each student does what the study page does with the instant next card: the card on screen was prefetched;
after a think time drawn uniformly from 3–9 s it POSTs the grade (JSON, its own idempotency key, as
study.js sends it) and GETs the card after the one now on screen (`/study/next?after=`, the prefetch).
The students start spread over the first 6 s. Every request is timed from before its connection opens
to the last byte of its answer; p99 is over all of them (grades and prefetches). The client is one
asyncio process with raw HTTP/1.1 connections (no dependency, and as little client CPU as possible on a
2-core machine the server shares), one connection per think-time tick (gunicorn closes idle keep-alive
connections after 2 s, so a browser would reconnect too).

Nothing lost, nothing doubled: after each trial, the review log rows with the trial's request ids are
compared with the grades the server acknowledged (200 and not a replay): an acknowledged grade without
its row is lost; a request id with two rows is doubled (the unique (user_id, request_id) forbids it);
rows for grades whose answer never arrived are reported, not counted as lost.

The search: N = 250, 500, 1000, 1500, 2000, … while a trial passes (p99 < 200 ms, no error, nothing lost
or doubled), then halves the gap between the best pass and the first failure BISECTIONS times (when
nothing passes, it halves N until something does, down to MIN_STUDENTS). Setup is
not timed: students are inserted with a one-iteration password hash (login stays cheap; the bench
measures grading, not hashing) and log in through the real form; each trial first opens every student's
study page.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import random
import re
import sqlite3
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench.harness.load import Session, percentile
from bench.harness.metrics import Metric

SUITE = "thinktime"
THINK_MEAN, THINK_SPREAD = 6.0, 0.5  # each think time is uniform in [3 s, 9 s]
TRIAL_SECONDS = 60.0
TARGET_P99_MS = 200.0
STEPS = (250, 500, 1000, 1500, 2000, 3000, 4000)
BISECTIONS = 2
MIN_STUDENTS = 15  # below this the search gives up and reports 0
EXTRA_QUESTIONS = 1000
PASSWORD = "bench-pass-phrase"
WORKERS, THREADS = 4, 4  # one production node (deploy/systemd/casewise@.service)
RATINGS, RATING_WEIGHTS = (1, 3, 4), (1, 8, 1)
_CARD_ID = re.compile(r'name="card_id" value="(\d+)"')
_START = 'id="start-form"'  # a deck not prepared for today: the page's Start form


@dataclass
class Student:
    number: int
    cookies: str
    csrf: str
    card: str | None = None


@dataclass
class Trial:
    students: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    grade_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # HTTP status → count; 0: connection failed
    acknowledged: set[str] = field(default_factory=set)
    lost: int = 0
    doubled: int = 0
    unanswered_written: int = 0
    ran_dry: int = 0
    load_average: float = 0.0  # the machine's 1-minute load average at the end of the trial

    @property
    def p99(self) -> float:
        return percentile(sorted(self.latencies_ms), 99) or 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 400)

    @property
    def passed(self) -> bool:
        return self.p99 < TARGET_P99_MS and not self.errors and not self.lost and not self.doubled

    def summary(self) -> str:
        grades = sorted(self.grade_ms)
        return (
            f"N={self.students}: {len(self.latencies_ms)} requests, {len(self.acknowledged)} grades acknowledged"
            f" in {self.seconds:.0f}s; p50 {percentile(sorted(self.latencies_ms), 50) or 0:.1f} ms,"
            f" p99 {self.p99:.1f} ms (grades alone: p99 {percentile(grades, 99) or 0:.1f} ms);"
            f" statuses {dict(sorted(self.statuses.items()))}; lost {self.lost}, doubled {self.doubled},"
            f" written without an answer {self.unanswered_written}, ran dry {self.ran_dry};"
            f" load average {self.load_average:.1f}"
        )


# --- A minimal HTTP/1.1 client on asyncio streams -----------------------------------------------------


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        fields = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                fields[name.strip().lower()] = value.strip()
        data = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            writer, self.reader, self.writer = self.writer, None, None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


# --- Setup ------------------------------------------------------------------------------------------


def _add_students(database: str, start: int, count: int) -> None:
    from werkzeug.security import generate_password_hash

    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
    now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn = sqlite3.connect(database)
    conn.executemany(
        "INSERT INTO user (username, display_name, password_hash, role, timezone, desired_retention,"
        " new_per_day, reviews_per_day, study_shortcuts, session_version, created_at)"
        " VALUES (?, ?, ?, 'student', 'UTC', 0.9, 9999, 99999, 1, 1, ?)",
        ((f"think{n}", f"Think {n}", cheap, now) for n in range(start, start + count)),
    )
    conn.commit()
    conn.close()


def _log_in(host: str, port: int, number: int) -> Student:
    session = Session(host, port)
    try:
        session.login(f"think{number}", PASSWORD)
    except (ConnectionError, http.client.RemoteDisconnected):
        # The server closed the kept-alive connection (after 2 s idle) just as the login form was posted:
        # setup, not the trial. Logging in again on a new connection is harmless.
        session.close()
        session.login(f"think{number}", PASSWORD)
    session.close()
    cookies = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    assert session.csrf_token is not None
    return Student(number, cookies, session.csrf_token)


async def _open_page(host: str, port: int, student: Student, gate: asyncio.Semaphore) -> None:
    """Open the study page as the browser does: a deck not prepared for today shows its Start form (a GET
    never writes), which study.js posts at once; then the page shows the first card."""
    async with gate:
        for _attempt in range(2):
            conn = Connection(host, port)
            try:
                status, body = await conn.request("GET", "/study/?show=1", {"Cookie": student.cookies})
                page = body.decode("utf-8", "replace")
                if status != 200 or _START not in page:
                    break
                headers = {
                    "Cookie": student.cookies,
                    "X-CSRFToken": student.csrf,
                    "Accept": "application/json",
                    "Content-Type": "application/json",
                }
                for _retry in range(10):
                    await conn.close()
                    status, _ = await conn.request("POST", "/study/start", headers, b'{"deck": "all"}')
                    if status != 503:
                        break
                    # Busy: other students' starts (each creates its day's cards in one transaction) held
                    # the SQLite writer past the busy timeout. Setup, not the trial: try again.
                    await asyncio.sleep(0.5)
                if status != 200:
                    raise RuntimeError(f"student think{student.number}: starting the deck answered {status}")
            finally:
                await conn.close()
    match = _CARD_ID.search(page)
    if status != 200 or match is None:
        raise RuntimeError(f"student think{student.number}: the study page answered {status} without a card")
    student.card = match.group(1)


# --- One trial --------------------------------------------------------------------------------------


async def _tick(conn: Connection, student: Student, trial: Trial, request_id: str, rating: int) -> None:
    """Grade the card on screen, then prefetch the one after it (which is then on screen)."""
    body = json.dumps({"card_id": student.card, "rating": rating, "request_id": request_id, "deck": "all"})
    headers = {
        "Cookie": student.cookies,
        "X-CSRFToken": student.csrf,
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    began = time.perf_counter()
    status, answer = await conn.request("POST", "/study/review", headers, body.encode())
    elapsed = (time.perf_counter() - began) * 1000
    trial.latencies_ms.append(elapsed)
    trial.grade_ms.append(elapsed)
    trial.statuses[status] += 1
    if status == 200 and not json.loads(answer).get("replayed", False):
        trial.acknowledged.add(request_id)
    began = time.perf_counter()
    path = f"/study/next?after={student.card}&deck=all"
    status, answer = await conn.request(
        "GET", path, {"Cookie": student.cookies, "Accept": "application/json"}
    )
    trial.latencies_ms.append((time.perf_counter() - began) * 1000)
    trial.statuses[status] += 1
    following = json.loads(answer) if status == 200 else {}
    if following.get("done", True):
        trial.ran_dry += 1
        student.card = None
    else:
        student.card = str(following["card_id"])


async def _student(host: str, port: int, student: Student, trial: Trial, tag: str, deadline: float) -> None:
    rng = random.Random(student.number * 7919 + trial.students)
    low, high = THINK_MEAN * (1 - THINK_SPREAD), THINK_MEAN * (1 + THINK_SPREAD)
    await asyncio.sleep(rng.uniform(0, THINK_MEAN))
    n = 0
    while True:
        think = rng.uniform(low, high)
        if time.monotonic() + think >= deadline or student.card is None:
            return  # the next grade would fall after the trial: this student is done
        await asyncio.sleep(think)
        n += 1
        conn = Connection(host, port)
        try:
            await _tick(
                conn, student, trial, f"{tag}-{student.number}-{n}", rng.choices(RATINGS, RATING_WEIGHTS)[0]
            )
        except (OSError, asyncio.IncompleteReadError):
            trial.statuses[0] += 1
        finally:
            await conn.close()


def _check_log(database: str, tag: str, trial: Trial) -> None:
    conn = sqlite3.connect(database)
    rows = [
        r for (r,) in conn.execute("SELECT request_id FROM review_log WHERE request_id LIKE ?", (f"{tag}-%",))
    ]
    conn.close()
    logged = Counter(rows)
    trial.lost = len(trial.acknowledged - logged.keys())
    trial.doubled = sum(n - 1 for n in logged.values() if n > 1)
    trial.unanswered_written = len(logged.keys() - trial.acknowledged)


async def _trial(host: str, port: int, students: list[Student]) -> Trial:
    gate = asyncio.Semaphore(8)
    await asyncio.gather(*(_open_page(host, port, s, gate) for s in students))
    trial = Trial(len(students), TRIAL_SECONDS)
    began = time.monotonic()
    tag = f"tt{len(students)}"
    await asyncio.gather(*(_student(host, port, s, trial, tag, began + TRIAL_SECONDS) for s in students))
    trial.seconds = time.monotonic() - began
    trial.load_average = os.getloadavg()[0]
    return trial


def _next_size(order: list[int], results: dict[int, Trial]) -> int | None:
    """Up the STEPS while trials pass; after the first failure, halve the gap BISECTIONS times."""
    best = max((n for n in order if results[n].passed), default=0)
    worst = min((n for n in order if not results[n].passed and n > best), default=None)
    if worst is None:
        return next((n for n in STEPS if n > best), None)
    if best == 0:  # nothing passed yet: halve until something does (a heavily loaded machine)
        return worst // 2 if worst > MIN_STUDENTS else None
    # Bisections so far: trials started when a pass and a failure already bracketed the answer.
    bisected = sum(
        1
        for i in range(len(order))
        if any(results[n].passed for n in order[:i]) and any(not results[n].passed for n in order[:i])
    )
    if bisected >= BISECTIONS or worst - best <= 50:
        return None
    return (best + worst) // 2


def run(ctx, quick: bool) -> list[Metric]:
    if quick:
        ctx.log(SUITE, "skipped in --quick: a think-time search takes minutes (run --only thinktime)")
        return []
    from bench.suites.review import _insert_questions, _sqlite_path

    results: dict[int, Trial] = {}
    order: list[int] = []
    with ctx.app_server("sqlite", seed=True, workers=WORKERS, threads=THREADS) as server:
        database = _sqlite_path(server.env["DATABASE_URL"])
        conn = sqlite3.connect(database)
        _insert_questions(conn, EXTRA_QUESTIONS)
        conn.commit()
        conn.close()
        students: list[Student] = []
        size: int | None = STEPS[0]
        while size is not None and size not in results:
            if size > len(students):
                _add_students(database, len(students), size - len(students))
                with ThreadPoolExecutor(8) as pool:
                    students += pool.map(
                        lambda n: _log_in(server.host, server.port, n), range(len(students), size)
                    )
            trial = asyncio.run(_trial(server.host, server.port, students[:size]))
            _check_log(database, f"tt{size}", trial)
            results[size] = trial
            order.append(size)
            ctx.log(SUITE, ("pass " if trial.passed else "FAIL ") + trial.summary())
            size = _next_size(order, results)
    best = max((n for n in order if results[n].passed), default=0)
    tried = "; ".join(f"N={n} p99 {results[n].p99:.0f} ms{'' if results[n].passed else ' ✘'}" for n in order)
    note = (
        f"SQLite, gunicorn {WORKERS}×{THREADS} (a production node); a grade every 3–9 s per student for"
        f" {TRIAL_SECONDS:.0f} s (POST grade, GET next); tried {tried}"
    )
    metrics = [
        Metric.measured("thinktime.max_students_p99_under_200ms", best, "students", "≥ 1000", note),
        Metric.measured("thinktime.lost_answers", sum(t.lost for t in results.values()), "count", "= 0"),
        Metric.measured(
            "thinktime.double_submissions", sum(t.doubled for t in results.values()), "count", "= 0"
        ),
    ]
    if best:
        at_best = results[best]
        metrics += [
            Metric.measured("thinktime.p99_ms_at_max", at_best.p99, "ms", "< 200", at_best.summary()),
            Metric.measured(
                "thinktime.grades_per_second_at_max", len(at_best.acknowledged) / at_best.seconds, "grades/s"
            ),
        ]
    return metrics
