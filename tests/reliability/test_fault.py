"""Fault test: gunicorn with 2 workers on loopback, simulated students saving quiz answers and grading cards
through the real pages (cookies, CSRF tokens); one worker is killed with SIGKILL mid-run and gunicorn starts
another. Clients retry on connection errors with the same request (same seq, same request_id).

Afterwards, read straight from the database: every acknowledged (2xx) save is stored with its value or a
newer one from the same student, every acknowledged grade has exactly one review log, every card's state
agrees with its log, and no attempt is corrupt. On SQLite (WAL file) and PostgreSQL; bounded in requests
(STUDENTS x ACTIONS) and time (DEADLINE)."""

from __future__ import annotations

import http.client
import os
import random
import signal
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.courses import service as courses
from app.extensions import db
from app.models import Attempt, Card, Question, Response, ReviewLog, utcnow
from app.quizzes import service as quizzes
from tests.reliability.conftest import (
    PASSWORD,
    add_question,
    add_quiz,
    add_user,
    app_for,
    dispose,
    engine_for,
    mcq_data,
    migrate,
    require_gunicorn,
    server_env,
    socket_count,
    stop_server,
    wait_until_every_worker_serves,
    worker_pids,
)

STUDENTS = 20
ACTIONS = 20  # per student: alternately an autosave and a flashcard grade, then one submission
QUESTIONS = 10
KILL_AFTER = 0.35  # share of all actions done when one worker is killed
DEADLINE = 60.0  # seconds for the whole client phase; a bound, not a timing assertion
RETRIES = 20


@dataclass
class Plan:
    quiz_id: int
    options: dict[int, list[str]]
    cards: dict[str, list[int]]  # username -> card ids


def build(url: str) -> Plan:
    """The schema by migrations, then a course of STUDENTS students, a one-attempt quiz, and new cards."""
    application = app_for(url)
    migrate(application)
    try:
        with application.app_context():
            teacher = add_user("teacher", "instructor")
            course = courses.create_course(teacher, "Fault tolerance", "", "FAULTS01")
            questions = [add_question(data, None) for data in mcq_data(QUESTIONS, "fault")]
            quiz = add_quiz(teacher, course, questions, attempts_allowed=1)
            # Flashcards on other questions: the open quiz's own are out of its students' decks.
            studied = [add_question(data, None) for data in mcq_data(QUESTIONS, "study")]
            now = utcnow()
            cards: dict[str, list[int]] = {}
            for n in range(STUDENTS):
                student = add_user(f"student{n:02d}", fast_login=True)
                courses.join_course(student, "FAULTS01")
                rows = [Card(user_id=student.id, question_id=q.id, state=0, due=now) for q in studied]
                db.session.add_all(rows)
                db.session.commit()
                cards[student.username] = [row.id for row in rows]
            return Plan(quiz.id, {q.id: list(q.options) for q in questions}, cards)
    finally:
        dispose(application)


@dataclass
class Ledger:
    """What the clients were told: only 2xx answers count as acknowledged."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    progress: threading.Condition = field(default_factory=threading.Condition)
    actions: int = 0
    saves: list[tuple[int, int, int, str]] = field(default_factory=list)  # attempt, question, seq, answer
    grades: list[tuple[str, int, str]] = field(default_factory=list)  # username, card, request id
    submits: list[int] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    connection_errors: int = 0
    unexpected: list[str] = field(default_factory=list)

    def tick(self) -> None:
        with self.progress:
            self.actions += 1
            self.progress.notify_all()

    def note(self, **kwargs: Any) -> None:
        with self.lock:
            for name, value in kwargs.items():
                attribute = getattr(self, name)
                if isinstance(attribute, list):
                    attribute.append(value)
                else:
                    setattr(self, name, attribute + value)


class Student:
    """One simulated student: a keep-alive connection with cookies and the page's CSRF token."""

    def __init__(self, port: int, username: str, ledger: Ledger, stop_at: float) -> None:
        from bench.harness.load import Session

        self.session = Session("127.0.0.1", port, timeout=30)
        self.username, self.ledger, self.stop_at = username, ledger, stop_at

    def call(self, method: str, path: str, **kwargs: Any):
        """Send; on a connection error (a killed worker) reconnect and send the same request again."""
        for attempt in range(RETRIES):
            if time.monotonic() > self.stop_at:
                raise TimeoutError(f"{self.username}: past the deadline")
            try:
                response = self.session.request(method, path, **kwargs)
            except (OSError, http.client.HTTPException):
                self.session.close()
                self.ledger.note(connection_errors=1)
                time.sleep(0.05 * (attempt + 1))
                continue
            with self.ledger.lock:
                self.ledger.statuses[response.status] += 1
            if response.status >= 500:
                self.ledger.note(unexpected=f"{method} {path} -> {response.status}: {response.text[:200]}")
            return response
        raise ConnectionError(f"{self.username}: {method} {path} failed {RETRIES} times")

    def csrf(self, path: str) -> None:
        from bench.harness.load import csrf_token_in

        page = self.call("GET", path)
        token = csrf_token_in(page.text)
        assert token, f"GET {path} ({page.status}) has no CSRF token"
        self.session.csrf_token = token

    def login(self) -> None:
        self.csrf("/login")
        response = self.call(
            "POST",
            "/login",
            form={"csrf_token": self.session.csrf_token, "username": self.username, "password": PASSWORD},
        )
        assert response.status == 302, f"login of {self.username}: {response.status}"
        self.csrf(response.headers["location"])  # a new session after login: a new token

    def run(self, plan: Plan, seed: int) -> None:
        rng = random.Random(seed)
        self.login()
        started = self.call("POST", f"/quizzes/{plan.quiz_id}/start")
        assert started.status == 302, f"start: {started.status} {started.text[:200]}"
        attempt_id = int(started.headers["location"].rstrip("/").split("/")[-1])
        seqs: dict[int, int] = defaultdict(int)
        cards = list(plan.cards[self.username])
        rng.shuffle(cards)
        for n in range(ACTIONS):
            if n % 2 == 0 or not cards:
                question_id = rng.choice(list(plan.options))
                seqs[question_id] += 1
                answer = rng.choice(plan.options[question_id])
                body = {"question_id": question_id, "answer": answer, "seq": seqs[question_id]}
                response = self.call("POST", f"/quizzes/attempts/{attempt_id}/save", json_body=body)
                if response.status == 200:
                    self.ledger.note(saves=(attempt_id, question_id, seqs[question_id], answer))
                elif response.status != 409:  # 409: a retry of a save that had landed (stale seq)
                    self.ledger.note(unexpected=f"save -> {response.status}: {response.text[:200]}")
            else:
                card_id, request_id = cards.pop(), uuid.uuid4().hex
                body = {
                    "card_id": card_id,
                    "rating": rng.randint(1, 4),
                    "request_id": request_id,
                    "deck": "all",
                }
                response = self.call("POST", "/study/review", json_body=body)
                if response.status == 200 and response.json().get("ok"):
                    self.ledger.note(grades=(self.username, card_id, request_id))
                else:
                    self.ledger.note(unexpected=f"grade -> {response.status}: {response.text[:200]}")
            self.ledger.tick()
        submitted = self.call("POST", f"/quizzes/attempts/{attempt_id}", form={"submit": "1"})
        if submitted.status == 302 and "/review" in submitted.headers.get("location", ""):
            self.ledger.note(submits=attempt_id)
        else:
            self.ledger.note(unexpected=f"submit -> {submitted.status}: {submitted.text[:200]}")


def finish(ledger: Ledger, done: threading.Event) -> None:
    with ledger.progress:
        done.set()
        ledger.progress.notify_all()


def kill_one_worker(master: int, ledger: Ledger, total: int, done: threading.Event, outcome: dict) -> None:
    """When KILL_AFTER of the actions are done, SIGKILL one worker; then wait for gunicorn to replace it."""
    with ledger.progress:
        ledger.progress.wait_for(
            lambda: ledger.actions >= KILL_AFTER * total or done.is_set(), timeout=DEADLINE
        )
    before = worker_pids(master)
    if done.is_set() or len(before) < 2:
        outcome["error"] = f"no worker to kill at {ledger.actions} actions (workers {sorted(before)})"
        return
    # The worker holding the most client connections: the kill must cut requests off.
    victim = max(before, key=socket_count)
    os.kill(victim, signal.SIGKILL)
    outcome.update(victim=victim, at_actions=ledger.actions)
    stop_at = time.monotonic() + 30
    while time.monotonic() < stop_at:
        now = worker_pids(master)
        if len(now) >= 2 and victim not in now:
            outcome["replacement"] = sorted(now - before)
            return
        time.sleep(0.05)
    outcome["error"] = f"gunicorn did not replace worker {victim}"


def _problems(url: str, plan: Plan, ledger: Ledger) -> list[str]:
    problems: list[str] = []
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            stored = {
                (r.attempt_id, r.question_id): (r.seq, r.answer)
                for r in conn.execute(
                    select(Response.attempt_id, Response.question_id, Response.seq, Response.answer)
                )
            }
            latest: dict[tuple[int, int], tuple[int, str]] = {}
            for attempt_id, question_id, seq, answer in ledger.saves:
                key = (attempt_id, question_id)
                if seq > latest.get(key, (0, ""))[0]:
                    latest[key] = (seq, answer)
            for key, (seq, answer) in latest.items():
                found = stored.get(key)
                if found is None or found[0] < seq or (found[0] == seq and found[1] != answer):
                    problems.append(f"acknowledged save {key} seq {seq} {answer!r} lost: stored {found}")

            logs = Counter(
                (row.request_id, row.card_id)
                for row in conn.execute(select(ReviewLog.request_id, ReviewLog.card_id))
            )
            for username, card_id, request_id in ledger.grades:
                if logs[(request_id, card_id)] != 1:
                    problems.append(
                        f"acknowledged grade {request_id} of {username}: {logs[(request_id, card_id)]} logs"
                    )
            per_card = Counter(card_id for (_, card_id), count in logs.items() for _ in range(count))
            for card in conn.execute(select(Card.id, Card.reps, Card.state)):
                if card.reps != per_card[card.id] or per_card[card.id] > 1:
                    problems.append(f"card {card.id}: reps {card.reps} but {per_card[card.id]} review logs")

            points = {q.id: 1.0 for q in conn.execute(select(Question.id))}
            fractions: dict[int, list[tuple[int, float | None]]] = defaultdict(list)
            for r in conn.execute(select(Response.attempt_id, Response.question_id, Response.fraction)):
                fractions[r.attempt_id].append((r.question_id, r.fraction))
            attempts = list(conn.execute(select(Attempt)))
            per_user = Counter(a.user_id for a in attempts)
            problems += [
                f"user {user}: {count} attempts at a one-attempt quiz"
                for user, count in per_user.items()
                if count > 1
            ]
            for a in attempts:
                layout = {entry["question_id"] for entry in a.layout}
                stray = [qid for qid, _ in fractions[a.id] if qid not in layout]
                if a.state not in ("in_progress", *quizzes.DONE_STATES) or stray:
                    problems.append(
                        f"attempt {a.id}: state {a.state!r}, responses outside the layout {stray}"
                    )
                if a.state in quizzes.DONE_STATES:
                    graded = [f for _, f in fractions[a.id]]
                    if a.score is None or a.max_score is None or a.submitted_at is None or None in graded:
                        problems.append(f"attempt {a.id} is {a.state} without its grades")
                    elif abs(a.score - sum(f * points[q] for q, f in fractions[a.id])) > 1e-9:
                        problems.append(f"attempt {a.id}: score {a.score} is not the sum of its responses")
            states = {a.id: a.state for a in attempts}
            problems += [
                f"acknowledged submit of attempt {aid}: {states.get(aid)}"
                for aid in ledger.submits
                if states.get(aid) != "submitted"
            ]
    finally:
        engine.dispose()
    return problems


def test_acknowledged_work_survives_a_killed_worker(backend, fresh_url, tmp_path):
    require_gunicorn()
    from bench.harness.server import GunicornServer

    phases: dict[str, float] = {}
    started = time.monotonic()
    url = fresh_url("fault")
    plan = build(url)
    phases["built"] = time.monotonic() - started
    ledger, done, outcome = Ledger(), threading.Event(), {}
    errors: list[BaseException] = []
    total = STUDENTS * ACTIONS
    server = GunicornServer(server_env(url), tmp_path / "gunicorn.log", workers=2, threads=4)
    try:
        server.start()
        wait_until_every_worker_serves(server.port, server.log_path)
        phases["server up"] = time.monotonic() - started
        stop_at = time.monotonic() + DEADLINE
        students = [Student(server.port, name, ledger, stop_at) for name in sorted(plan.cards)]

        def run(student: Student, seed: int) -> None:
            try:
                student.run(plan, seed)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                student.session.close()

        threads = [threading.Thread(target=run, args=(s, n), daemon=True) for n, s in enumerate(students)]
        killer = threading.Thread(
            target=kill_one_worker, args=(server.pid, ledger, total, done, outcome), daemon=True
        )
        killer.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, stop_at - time.monotonic() + 5))
        finish(ledger, done)
        phases["clients done"] = time.monotonic() - started
        killer.join(timeout=35)
    finally:
        finish(ledger, done)
        stop_server(server)
    phases["stopped"] = time.monotonic() - started
    elapsed = time.monotonic() - started
    print(
        f"\n[fault {backend}] {sum(ledger.statuses.values())} responses {dict(ledger.statuses)}, "
        f"{ledger.connection_errors} connection errors retried, {len(ledger.saves)} saves and "
        f"{len(ledger.grades)} grades acknowledged, worker {outcome.get('victim')} killed after "
        f"{outcome.get('at_actions')} actions, replaced by {outcome.get('replacement')}; {elapsed:.1f}s "
        f"({', '.join(f'{name} at {at:.1f}s' for name, at in phases.items())})"
    )
    assert not errors, errors[:3]
    assert "error" not in outcome, outcome["error"]
    assert not ledger.unexpected, ledger.unexpected[:5]
    assert len(ledger.submits) == STUDENTS
    assert ledger.connection_errors >= 1, "no request met the killed worker: the kill proved nothing"
    assert len(ledger.saves) >= STUDENTS * ACTIONS // 4 and len(ledger.grades) >= STUDENTS * ACTIONS // 4
    problems = _problems(url, plan, ledger)
    assert not problems, problems[:10]
