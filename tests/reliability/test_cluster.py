"""The production topology under a quiz load: HAProxy in front of two gunicorn nodes, PostgreSQL, a Redis of
its own on a free loopback port, and an rq worker (bench/harness/cluster.py, as `make cluster` starts it).

Simulated students log in, autosave answers, grade flashcards and submit through the balancer, with no
sticky sessions. Mid-run one node is SIGKILLed (its whole process group) and restarted; in a second run
Redis is stopped and restarted. Clients retry a failed request as it was (same seq, same request_id).
Afterwards the database must hold every acknowledged save, one review log per acknowledged grade, and one
graded submission per student (tests/reliability/test_fault.py's checks). Only requests in flight on the
killed node may fail (a 502 from HAProxy); during the Redis outage the balancer may answer 503 (its
/readyz check fails) but the app never answers 500, and the limiter and the worker recover.

PostgreSQL only (the topology's database). Marked `cluster`: deselect with `-m "not cluster"`.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from app.courses import service as courses
from app.extensions import db
from app.models import Attempt, Card, Response, ReviewLog, utcnow
from app.quizzes import service as quizzes
from bench.harness.server import free_port
from tests.conftest import IN_CI, PgDatabase, require_postgres
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
)
from tests.reliability.test_fault import Ledger, Plan, Student, _problems, finish

pytestmark = [pytest.mark.cluster, pytest.mark.slow, pytest.mark.postgres]

STUDENTS = int(os.environ.get("CLUSTER_TEST_STUDENTS", "60"))  # per run; bench/ runs 300
ACTIONS = 12  # per student: alternately an autosave and a flashcard grade, then one submission
QUESTIONS = 10
EVENT_AFTER = 0.35  # share of the actions done when the node is killed / Redis stops
REDIS_DOWN_SECONDS = 3.0
DEADLINE = 120.0  # seconds for a client phase; a bound, not a timing assertion
RETRIES = 60
RETRIED: list[str] = []  # what the balancer answered 5xx, for the failure messages


def require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        reason = f"{program} is not installed (apt-get install -y {program})"
        if IN_CI:
            pytest.fail(f"CI must run the cluster test, but {reason}")
        pytest.skip(reason)
    return path


class RedisServer:
    """A redis-server of this test's own on a free loopback port (never the shared one), append-only."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.port = directory, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [
            require("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory),
            "--appendonly", "yes", "--save", "", "--protected-mode", "yes",
        ]  # fmt: skip
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise AssertionError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)
        self.process = None


@dataclass
class Topology:
    cluster: Any  # bench.harness.cluster.Cluster
    redis: RedisServer
    url: str
    plans: dict[str, Plan]  # by group, built by each test (while the cluster runs)


def build_group(url: str, prefix: str, students: int) -> Plan:
    """A course of `students` students, a one-attempt quiz, and new flashcards for each student."""
    application = app_for(url)
    try:
        with application.app_context():
            teacher = add_user(f"{prefix}teacher", "instructor")
            code = f"{prefix.upper():X<8}"[:8]
            course = courses.create_course(teacher, f"Cluster {prefix}", "", code)
            questions = [add_question(data, None) for data in mcq_data(QUESTIONS, prefix)]
            quiz = add_quiz(teacher, course, questions, attempts_allowed=1)
            # Flashcards of other questions: a quiz's own questions are held from study while it is open.
            studied = [add_question(data, None) for data in mcq_data(QUESTIONS, f"{prefix}-study")]
            now = utcnow()
            cards: dict[str, list[int]] = {}
            for n in range(students):
                student = add_user(f"{prefix}{n:03d}", fast_login=True)
                courses.join_course(student, code)
                rows = [Card(user_id=student.id, question_id=q.id, state=0, due=now) for q in studied]
                db.session.add_all(rows)
                db.session.commit()
                cards[student.username] = [row.id for row in rows]
            return Plan(quiz.id, {q.id: list(q.options) for q in questions}, cards)
    finally:
        dispose(application)


@pytest.fixture(scope="module")
def topology(tmp_path_factory) -> Iterator[Topology]:
    require_postgres()
    require_gunicorn()
    require("haproxy")
    from bench.harness.cluster import Cluster

    state = tmp_path_factory.mktemp("cluster")
    database = PgDatabase()
    url = database.create()
    redis_server = RedisServer(state)
    cluster = None
    try:
        application = app_for(url)
        migrate(application)
        dispose(application)
        redis_server.start()
        cluster = Cluster(
            database_url=url,
            redis_url=redis_server.url,
            secret_key="cluster-test-" + "k" * 40,
            state=state,
            nodes=2,
            workers=1,
            threads=8,
            graceful_timeout=5,
            worker_cmd="{python} -m rq.cli worker --url {redis_url} --name cluster-test-{port} default",
            # Limits stay on (through Redis), wide enough for every student logging in from one address.
            extra_env={"RATELIMIT_LOGIN": "100000 per minute"},
        )
        cluster.start()
        yield Topology(cluster, redis_server, url, {})
    finally:
        if cluster is not None:
            cluster.stop()
        redis_server.stop()
        database.drop()


class RetryingStudent(Student):
    """A student whose browser retries the same request on a dropped connection or a 502/503/504 from the
    balancer; the app's own 500 is never retried, it is an error."""

    def call(self, method: str, path: str, **kwargs: Any):
        for attempt in range(RETRIES):
            if time.monotonic() > self.stop_at:
                raise TimeoutError(f"{self.username}: past the deadline")
            try:
                response = self.session.request(method, path, **kwargs)
            except (OSError, http.client.HTTPException):
                self.session.close()
                self.ledger.note(connection_errors=1)
                time.sleep(min(0.1 * (attempt + 1), 1.0))
                continue
            with self.ledger.lock:
                self.ledger.statuses[response.status] += 1
            if response.status in (502, 503, 504):
                RETRIED.append(f"{method} {path} -> {response.status}: {response.text[:120]!r}")
                self.session.close()
                time.sleep(min(0.1 * (attempt + 1), 1.0))
                continue
            if response.status >= 500:
                self.ledger.note(unexpected=f"{method} {path} -> {response.status}: {response.text[:200]}")
            return response
        raise ConnectionError(f"{self.username}: {method} {path} failed {RETRIES} times")


def run_load(topology: Topology, group: str, event) -> tuple[Ledger, dict]:
    """Every student of `group` through the balancer; `event(outcome)` runs once EVENT_AFTER is done."""
    plan = topology.plans[group] = build_group(topology.url, group, STUDENTS)
    ledger, done, outcome = Ledger(), threading.Event(), {}
    errors: list[BaseException] = []
    total = len(plan.cards) * ACTIONS
    stop_at = time.monotonic() + DEADLINE
    port = topology.cluster.port
    students = [RetryingStudent(port, name, ledger, stop_at) for name in sorted(plan.cards)]

    def student_run(student: Student, seed: int) -> None:
        try:
            student.run(plan, seed)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            student.session.close()

    def trigger() -> None:
        with ledger.progress:
            ledger.progress.wait_for(lambda: ledger.actions >= EVENT_AFTER * total or done.is_set(), DEADLINE)
        if done.is_set():
            outcome["error"] = f"the load ended before the event ({ledger.actions} actions)"
            return
        outcome["at_actions"] = ledger.actions
        try:
            event(outcome)
        except BaseException as exc:  # reported by the test
            outcome["error"] = repr(exc)

    threads = [threading.Thread(target=student_run, args=(s, n), daemon=True) for n, s in enumerate(students)]
    eventer = threading.Thread(target=trigger, daemon=True)
    eventer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, stop_at - time.monotonic() + 5))
    finish(ledger, done)
    eventer.join(timeout=90)
    outcome["errors"] = errors
    return ledger, outcome


def assert_nothing_lost(topology: Topology, group: str, ledger: Ledger, outcome: dict) -> None:
    plan = topology.plans[group]
    assert not outcome["errors"], outcome["errors"][:3]
    assert "error" not in outcome, outcome["error"]
    assert not ledger.unexpected, ledger.unexpected[:5]
    assert 500 not in ledger.statuses, "the app answered 500"
    assert len(ledger.submits) == len(plan.cards), "every student's submission was acknowledged"
    assert len(ledger.saves) >= len(plan.cards) * ACTIONS // 4
    assert len(ledger.grades) >= len(plan.cards) * ACTIONS // 4
    problems = _problems(topology.url, plan, ledger)
    assert not problems, problems[:10]


def haproxy_lines(topology: Topology, server: str) -> list[str]:
    log = topology.cluster.state / "haproxy.log"
    return [line for line in log.read_text(errors="replace").splitlines() if f" app/{server} " in line]


def failed_login(port: int) -> int:
    """A wrong password through the balancer (with the page's CSRF token): the login limiter counts it."""
    from bench.harness.load import Session, csrf_token_in

    session = Session("127.0.0.1", port, timeout=10)
    try:
        token = csrf_token_in(session.request("GET", "/login").text)
        form = {"csrf_token": token, "username": "nobody", "password": "wrong-password"}
        return session.request("POST", "/login", form=form).status
    finally:
        session.close()


def test_a_node_killed_mid_quiz_loses_nothing(topology):
    cluster = topology.cluster

    def kill_and_restart(outcome: dict) -> None:
        node = cluster.procs["node1"]
        outcome["served_before"] = len(haproxy_lines(topology, "node1"))
        killed_at = time.monotonic()
        node.kill()
        stop_at = killed_at + 30
        while cluster.servers_up().get("node1") and time.monotonic() < stop_at:
            time.sleep(0.1)
        outcome["taken_out_after"] = time.monotonic() - killed_at
        outcome["served_at_restart"] = len(haproxy_lines(topology, "node1"))
        cluster.start_node(0)
        cluster.wait_balanced()
        outcome["back_after"] = time.monotonic() - killed_at

    ledger, outcome = run_load(topology, "kill", kill_and_restart)
    failed = {status: n for status, n in ledger.statuses.items() if status >= 500}
    print(
        f"\n[cluster kill] {sum(ledger.statuses.values())} responses {dict(ledger.statuses)}, "
        f"{ledger.connection_errors} connection errors; node1 killed after {outcome.get('at_actions')} actions, "
        f"out of the balancer after {outcome.get('taken_out_after', 0):.1f}s, back after "
        f"{outcome.get('back_after', 0):.1f}s; {len(ledger.saves)} saves, {len(ledger.grades)} grades, "
        f"{len(ledger.submits)} submissions acknowledged"
    )
    assert_nothing_lost(topology, "kill", ledger, outcome)
    # Only what was in flight on the killed node failed: at most one request per student, all 502 from
    # HAProxy (each was then retried and succeeded, or the student would not have finished).
    state_changes = [
        line for line in (cluster.state / "haproxy.log").read_text().splitlines() if '"' not in line
    ]
    print("\n".join(state_changes + RETRIED[:3]))
    assert set(failed) <= {502, 503}, (failed, state_changes)
    in_flight_bound = cluster.workers * cluster.threads + len(topology.plans["kill"].cards) // 4
    cut_off = sum(failed.values()) + ledger.connection_errors
    assert cut_off <= in_flight_bound, (failed, ledger.connection_errors, state_changes, RETRIED[:5])
    assert outcome["taken_out_after"] < 15, "HAProxy's /readyz check takes a dead node out within seconds"
    killed_lines = haproxy_lines(topology, "node1")[outcome["served_before"] : outcome["served_at_restart"]]
    assert any(" 502 " in line for line in killed_lines) or sum(failed.values()) == 0

    def served_after() -> list[str]:
        return haproxy_lines(topology, "node1")[outcome["served_at_restart"] :]

    # On a busy machine the restarted node may rejoin after the students finished: knock through the
    # balancer (round robin) until it has served a request, for up to 60 s.
    from bench.harness.load import Session

    stop_at = time.monotonic() + 60
    while not any(" 200 " in line for line in served_after()) and time.monotonic() < stop_at:
        knock = Session("127.0.0.1", cluster.port, timeout=10)
        with contextlib.suppress(OSError, http.client.HTTPException):  # refused while it rejoins: knock again
            knock.request("GET", "/login")
        knock.close()
        time.sleep(0.5)
    assert any(" 200 " in line for line in served_after()), "the restarted node serves again"


def test_redis_restarted_mid_quiz_loses_nothing_and_recovers(topology):
    import redis
    from rq import Queue

    cluster, redis_server = topology.cluster, topology.redis
    node_port = cluster.node_ports[1]

    def restart_redis(outcome: dict) -> None:
        redis_server.stop()
        stopped_at = time.monotonic()
        # The limiter degrades instead of failing: a wrong password straight to a node (past the balancer,
        # which takes nodes out while /readyz reports Redis down) is answered and counted in memory.
        outcome["failed_login_while_down"] = failed_login(node_port)
        time.sleep(max(0.0, REDIS_DOWN_SECONDS - (time.monotonic() - stopped_at)))
        redis_server.start()
        outcome["redis_down_for"] = time.monotonic() - stopped_at

    ledger, outcome = run_load(topology, "redis", restart_redis)
    print(
        f"\n[cluster redis] {sum(ledger.statuses.values())} responses {dict(ledger.statuses)}, "
        f"{ledger.connection_errors} connection errors; Redis down {outcome.get('redis_down_for', 0):.1f}s "
        f"after {outcome.get('at_actions')} actions; {len(ledger.saves)} saves, {len(ledger.grades)} grades, "
        f"{len(ledger.submits)} submissions acknowledged"
    )
    assert_nothing_lost(topology, "redis", ledger, outcome)
    assert outcome["failed_login_while_down"] == 401, "the login form again, with its message; never a 500"

    # The worker logged the lost connection, stayed up, and runs jobs again.
    worker = cluster.procs["worker"]
    assert worker.alive(), worker.log_tail()
    client = redis.Redis.from_url(redis_server.url)
    job = Queue("default", connection=client).enqueue("math.sqrt", 16.0)
    stop_at = time.monotonic() + 60
    while job.get_status(refresh=True) not in ("finished", "failed") and time.monotonic() < stop_at:
        time.sleep(0.2)
    assert job.get_status() == "finished" and job.return_value() == 4.0, worker.log_tail()
    worker_log = worker.log_file.read_text(errors="replace").lower()
    assert "redis" in worker_log and ("connection" in worker_log or "retrying" in worker_log), (
        worker.log_tail()
    )

    # The nodes logged the fallback and count in Redis again: a login attempt leaves its limiter key.
    nodes_log = "".join(p.read_text(errors="replace") for p in cluster.state.glob("node*.log"))
    assert "Rate limit storage unreachable" in nodes_log

    # Only a node that marked its storage dead logs the recovery, and it re-checks Redis with a backoff
    # (1, 2, 4 ... 32 s): keep knocking on the node that answered while Redis was down, as well as through
    # the balancer, until that node is back on Redis.
    def recovered() -> bool:
        return "Rate limit storage recovered" in "".join(
            p.read_text(errors="replace") for p in cluster.state.glob("node*.log")
        )

    stop_at = time.monotonic() + 90
    while not (client.keys("LIMITS*") and recovered()) and time.monotonic() < stop_at:
        failed_login(node_port)
        failed_login(cluster.port)
        time.sleep(1)
    assert client.keys("LIMITS*"), "the limiter went back to Redis"
    assert recovered(), "the node that fell back to memory logged its return to Redis"
    client.close()


# ------------------------------------------------------------------------------------ no sticky sessions


class TwoNodes:
    """One browser whose requests alternate between the two nodes directly (by port, past the balancer): a
    cookie jar and a CSRF token shared by two keep-alive connections, as a balancer without stickiness does."""

    def __init__(self, ports: list[int]) -> None:
        from bench.harness.load import Session

        self.sessions = [Session("127.0.0.1", port, timeout=30) for port in ports]
        for session in self.sessions[1:]:
            session.cookies = self.sessions[0].cookies  # one jar: what node A sets, node B is sent
        self.turn = 0

    def request(self, method: str, path: str, on: int | None = None, **kwargs: Any):
        """On node `on`, by default the next in turn; returns (node index, response)."""
        node = self.turn if on is None else on
        self.turn = (node + 1) % len(self.sessions)
        return node, self.sessions[node].request(method, path, **kwargs)

    def token_from(self, path: str, on: int | None = None) -> int:
        """The CSRF token of `path` as a node renders it, used from then on by both; returns the node."""
        from bench.harness.load import csrf_token_in

        node, page = self.request("GET", path, on=on)
        token = csrf_token_in(page.text)
        assert page.status == 200 and token, f"GET {path} on node {node + 1}: {page.status}"
        for session in self.sessions:
            session.csrf_token = token
        return node

    def close(self) -> None:
        for session in self.sessions:
            session.close()


def test_no_sticky_sessions_one_student_alternating_nodes(topology):
    """The login form from node 1 posted to node 2, then every next request on the other node, POSTs with a
    CSRF token one node rendered (node 1's for the saves and the grades, either's for the submission): the
    saves, each question's last save resent, a flashcard grade and its retry, a submission and its retry all
    land exactly once."""
    plan = topology.plans["sticky"] = build_group(topology.url, "sticky", 1)
    (username,) = plan.cards
    browser = TwoNodes(topology.cluster.node_ports)
    try:
        assert browser.token_from("/login") == 0  # rendered by node 1
        form = {"csrf_token": browser.sessions[1].csrf_token, "username": username, "password": PASSWORD}
        node, login = browser.request("POST", "/login", form=form)
        assert (node, login.status) == (1, 302), f"login on node 2 with node 1's token: {login.status}"
        assert browser.token_from(login.headers["location"]) == 0  # the logged-in session, read by node 1

        node, started = browser.request("POST", f"/quizzes/{plan.quiz_id}/start")
        assert (node, started.status) == (1, 302), started.text[:300]
        attempt_id = int(started.headers["location"].rstrip("/").split("/")[-1])

        ledger, saved = Ledger(), {}
        for n, (question_id, options) in enumerate(sorted(plan.options.items())):
            for seq, answer in ((1, options[1]), (2, options[n % len(options)])):
                body = {"question_id": question_id, "answer": answer, "seq": seq}
                node, response = browser.request(
                    "POST", f"/quizzes/attempts/{attempt_id}/save", json_body=body
                )
                assert response.status == 200 and response.json()["saved"] == seq, (node, response.text[:300])
                ledger.note(saves=(attempt_id, question_id, seq, answer))
                saved[question_id] = answer
            # The browser retries the last save (its answer was lost on the way back) on the other node.
            node, again = browser.request("POST", f"/quizzes/attempts/{attempt_id}/save", json_body=body)
            assert again.status == 409, (node, again.status, again.text[:300])

        card_id, request_id = plan.cards[username][0], uuid.uuid4().hex
        body = {"card_id": card_id, "rating": 3, "request_id": request_id, "deck": "all"}
        graded = [browser.request("POST", "/study/review", json_body=body) for _ in range(2)]
        assert [node for node, _ in graded] == [0, 1] or [node for node, _ in graded] == [1, 0]
        for node, response in graded:
            assert response.status == 200 and response.json().get("ok"), (node, response.text[:300])
        ledger.note(grades=(username, card_id, request_id))

        browser.token_from(f"/quizzes/attempts/{attempt_id}")
        submits = [
            browser.request("POST", f"/quizzes/attempts/{attempt_id}", form={"submit": "1"}) for _ in range(2)
        ]
        for node, response in submits:
            assert response.status == 302 and "/review" in response.headers["location"], (
                node,
                response.status,
            )
        ledger.note(submits=attempt_id)
        node, review = browser.request("GET", f"/quizzes/attempts/{attempt_id}/review")
        assert review.status == 200, (node, review.status)
    finally:
        browser.close()

    assert not _problems(topology.url, plan, ledger), _problems(topology.url, plan, ledger)[:10]
    engine = engine_for(topology.url)
    try:
        with engine.connect() as conn:
            attempts = conn.execute(select(Attempt).where(Attempt.id == attempt_id)).all()
            assert len(attempts) == 1 and attempts[0].state in quizzes.DONE_STATES, attempts
            stored = dict(
                conn.execute(
                    select(Response.question_id, Response.answer).where(Response.attempt_id == attempt_id)
                ).all()
            )
            assert stored == saved, "each question holds its last save, once"
            logs = conn.execute(select(ReviewLog.id).where(ReviewLog.request_id == request_id)).all()
            assert len(logs) == 1, f"the grade and its retry on the other node: {len(logs)} review logs"
            assert conn.execute(select(Card.reps).where(Card.id == card_id)).scalar() == 1
    finally:
        engine.dispose()


def test_login_limit_per_account_counts_across_nodes(topology):
    """RATELIMIT_LOGIN_ACCOUNT (5 failed logins a minute, the default) counted in Redis: failures spread over
    both nodes add up, and the sixth attempt is refused on either node, the right password too."""
    plan = topology.plans["limit"] = build_group(topology.url, "limit", 1)
    (username,) = plan.cards
    browser = TwoNodes(topology.cluster.node_ports)
    try:
        statuses = []
        for n in range(5):  # the form from one node, posted to the other: failures on nodes 2, 1, 2, 1, 2
            browser.token_from("/login", on=n % 2)
            form = {"csrf_token": browser.sessions[0].csrf_token, "username": username, "password": "wrong!"}
            statuses.append(browser.request("POST", "/login", form=form))
        assert [(node, r.status) for node, r in statuses] == [(1, 401), (0, 401)] * 2 + [(1, 401)]
        for n, password in enumerate(("wrong!", PASSWORD)):
            browser.token_from("/login", on=n % 2)
            form = {"csrf_token": browser.sessions[0].csrf_token, "username": username, "password": password}
            node, refused = browser.request("POST", "/login", form=form)
            assert refused.status == 429, (node, refused.status, "each node alone saw at most 3 failures")
            assert "Too many attempts" in refused.text
    finally:
        browser.close()


# ------------------------------------------------------------------------------------------ graceful drain

DRAINED = 4  # autosaves in flight on the node when it is told to stop
HELD_AFTER_SIGTERM = 1.5  # seconds the lock is held after the SIGTERM (well inside graceful_timeout)
LISTENER_CLOSED_WITHIN = (
    0.2  # seconds: the worker wakes on SIGTERM and closes its listener (gunicorn.conf.py)
)
WAITING_SAVES = text(  # backends waiting for a lock on the response table (the one the test holds)
    "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND relation = 'response'::regclass"
)


def worker_drained_in(log: str) -> int:
    """Whole seconds from gunicorn's "Handling signal: term" to its worker's "Worker exiting" in a node's log."""
    from datetime import datetime

    def at(marker: str) -> datetime:
        line = next(line for line in reversed(log.splitlines()) if marker in line)
        return datetime.strptime(line[1:20], "%Y-%m-%d %H:%M:%S")

    return int((at("Worker exiting") - at("Handling signal: term")).total_seconds())


def whole_again(cluster) -> None:
    """Node 1 restarted if a test stopped it, for the other tests of this module."""
    node = cluster.procs.get("node1")
    if node is None or not node.alive():
        if node is not None:
            node.stop(timeout=cluster.graceful_timeout + 5)
        cluster.start_node(0)
        cluster.wait_balanced()


def test_a_stopped_node_drains_its_in_flight_requests(topology, request):
    """SIGTERM to node 1's process group (as `make cluster-stop` and systemd send it) while autosaves sent to
    it wait on a real PostgreSQL lock (the test holds `LOCK TABLE response IN EXCLUSIVE MODE`): the node
    stops accepting, HAProxy sends new requests to node 2, the waiting saves finish with 200 once the lock
    goes, and only then does the node exit, within its graceful timeout."""
    from bench.harness.load import Session

    cluster = topology.cluster
    request.addfinalizer(lambda: whole_again(cluster))
    plan = topology.plans["drain"] = build_group(topology.url, "drain", DRAINED)
    node = cluster.procs["node1"]
    port = cluster.node_ports[0]
    students = [Student(port, name, Ledger(), time.monotonic() + 60) for name in sorted(plan.cards)]
    attempts = {}
    for student in students:
        student.login()
        started = student.call("POST", f"/quizzes/{plan.quiz_id}/start")
        assert started.status == 302, started.text[:300]
        attempts[student.username] = int(started.headers["location"].rstrip("/").split("/")[-1])
    question_id = min(plan.options)
    answer = plan.options[question_id][2]
    results: dict[str, Any] = {}

    def save(student: Student) -> None:
        body = {"question_id": question_id, "answer": answer, "seq": 1}
        try:
            path = f"/quizzes/attempts/{attempts[student.username]}/save"
            student.session.close()  # a new connection, not one the node may be closing as idle
            results[student.username] = student.session.request("POST", path, json_body=body)
            student.session.close()  # as a browser leaving the page: the node need not keep it open
        except BaseException as exc:  # reported below
            results[student.username] = (exc, time.monotonic())

    engine = engine_for(topology.url)
    lock = engine.connect()
    threads = [threading.Thread(target=save, args=(s,), daemon=True) for s in students]
    balanced: list[tuple[int, float]] = []
    try:
        lock.exec_driver_sql("LOCK TABLE response IN EXCLUSIVE MODE")
        for thread in threads:
            thread.start()
        with engine.connect() as watcher:  # until every save waits on the lock inside node 1
            stop_at = time.monotonic() + 20
            waiting = 0
            while waiting < DRAINED and time.monotonic() < stop_at:
                waiting = watcher.execute(WAITING_SAVES).scalar()
                time.sleep(0.05)
            activity = watcher.exec_driver_sql(
                "SELECT state, wait_event_type, left(query, 80) FROM pg_stat_activity"
                " WHERE datname = current_database()"
            ).all()
        assert waiting == DRAINED, f"{waiting} saves waiting on the lock, not {DRAINED}: {activity} {results}"
        served_before = len(haproxy_lines(topology, "node2"))

        node.terminate()
        stopped_at = time.monotonic()
        # Requests that reach the port in the few milliseconds before the worker closes its listener are
        # reset (HAProxy answers 502); the balancer's traffic here starts once the node is draining.
        time.sleep(LISTENER_CLOSED_WITHIN)
        # New requests through the balancer while node 1 drains: answered, by node 2.
        while time.monotonic() - stopped_at < HELD_AFTER_SIGTERM:
            client = Session("127.0.0.1", cluster.port, timeout=10)
            try:
                balanced.append((client.request("GET", "/login").status, time.monotonic() - stopped_at))
            finally:
                client.close()
            time.sleep(0.1)
        assert node.alive(), "node 1 waits for its in-flight requests"
        assert not results, f"answered before the lock went: {results}\n{node.log_tail()}"
    finally:
        lock.rollback()
        lock.close()
    for thread in threads:
        thread.join(timeout=30)
    exit_code = node.process.wait(cluster.graceful_timeout + 5)
    exited_after = time.monotonic() - stopped_at
    print(
        f"\n[cluster drain] {DRAINED} saves in flight on node 1 at SIGTERM; lock released after "
        f"{HELD_AFTER_SIGTERM}s; node 1 exited {exit_code} after {exited_after:.1f}s; "
        f"{len(balanced)} requests through HAProxy meanwhile {sorted({s for s, _ in balanced})}"
    )
    node.pid_file.unlink(missing_ok=True)
    balancer_log = (cluster.state / "haproxy.log").read_text(errors="replace").splitlines()
    story = "\n".join([node.log_tail(15), *[line for line in balancer_log if "readyz" not in line][-12:]])
    print(story)
    for student in students:
        student.session.close()

    for username, response in results.items():
        assert not isinstance(response, tuple), f"{username}: {response!r} (SIGTERM at {stopped_at})"
        assert response.status == 200 and response.json()["saved"] == 1, (username, response.status)
    assert len(results) == DRAINED
    assert exit_code == 0, node.log_tail()
    # Its worker exits once drained (right after HELD_AFTER_SIGTERM), not killed at the graceful timeout;
    # gunicorn's master takes 2-3 s more to exit, a bound only.
    assert "was sent SIGKILL" not in node.log_tail(40), story
    assert worker_drained_in(node.log_tail(40)) < cluster.graceful_timeout, story
    assert exited_after < cluster.graceful_timeout + 5, f"the node took {exited_after:.1f}s to exit\n{story}"
    assert balanced and all(status == 200 for status, _ in balanced), f"{balanced}\n{story}"
    new_lines = haproxy_lines(topology, "node2")[served_before:]
    assert sum(" 200 " in line and "GET /login" in line for line in new_lines) >= len(balanced), new_lines
    engine_check = engine_for(topology.url)
    try:
        with engine_check.connect() as conn:
            stored = conn.execute(
                select(Response.attempt_id, Response.answer).where(Response.attempt_id.in_(attempts.values()))
            ).all()
    finally:
        engine_check.dispose()
    engine.dispose()
    assert sorted(stored) == sorted((a, answer) for a in attempts.values()), "every drained save is stored"
