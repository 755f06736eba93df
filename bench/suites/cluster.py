"""The production topology (bench/harness/cluster.py: HAProxy, gunicorn nodes, PostgreSQL, Redis, an RQ
worker): throughput through the balancer with two nodes against one, and 300 students with a node killed.

- scale.two_nodes_vs_one_ratio: the study mix (GET the next card, POST its grade) and the autosave mix
  (POST an answer with its seq), each through HAProxy with both nodes up and with one node stopped, in
  alternating rounds on one cluster (each node: 1 gunicorn worker x 4 threads). On a 2-core machine the
  second node can at best use the second core, which the clients, HAProxy and PostgreSQL share: the
  ratio is bounded by the cores, not by the app.
- cluster.kill300: tests/reliability/test_cluster.py's node-kill run with 300 students (nothing lost, only
  in-flight requests fail); run as pytest in a subprocess, its summary line reported.

Full runs only: `--quick` (CI) skips this suite; the CI test covers the kill with 60 students.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

from bench.harness.cluster import Cluster
from bench.harness.context import Context
from bench.harness.load import LoadError, LoadResult, Response, Session
from bench.harness.metrics import Metric
from bench.harness.server import ROOT, FreshDatabase, app_env, prepare_database
from bench.suites.autosave import combined
from bench.suites.load_quiz300 import PASSWORD, build_fixture, start_attempt
from bench.suites.review import study_step

SUITE = "cluster"
USERS = 16
ROUNDS = 2
STUDY_PER_USER = 30  # requests: 15 grades, fewer than the seeded bank's new cards a student gets


def _study_setup(fixture, taken):
    """Log a new student in (a cheap hash: logins are not measured) and raise their new-card limit."""

    def setup(session: Session, _number: int) -> None:
        session.login(fixture.usernames[next(taken)], PASSWORD)
        token = session.fetch_csrf("/study/settings")
        limits = {
            "csrf_token": token,
            "desired_retention": "0.90",
            "new_per_day": str(STUDY_PER_USER),
            "reviews_per_day": "99999",
            "timezone": "UTC",
        }
        response = session.post("/study/settings", form=limits)
        if response.status != 303:
            raise LoadError(
                f"raising a bench student's daily limits answered {response.status}, expected 303"
            )

    return setup


def _autosave_mix(fixture, taken):
    question_ids = list(fixture.answers)
    attempts: dict[int, int] = {}
    counters: dict[int, int] = {}

    def setup(session: Session, _number: int) -> None:
        username = fixture.usernames[next(taken)]  # a new student (and attempt) per run
        session.login(username, PASSWORD)
        attempts[id(session)] = start_attempt(session, fixture.quiz_id)

    def save(session: Session, _index: int) -> Response:
        attempt_id = attempts[id(session)]
        seq = counters[attempt_id] = counters.get(attempt_id, 0) + 1
        qid = question_ids[seq % len(question_ids)]
        options = fixture.answers[qid]
        body = {"question_id": qid, "answer": options[seq % len(options)], "seq": seq}
        return session.post(f"/quizzes/attempts/{attempt_id}/save", json_body=body)

    return setup, save


def _scale(ctx: Context) -> list[Metric]:
    with FreshDatabase("postgres", ctx.tmp) as database:
        prepare_database(app_env(database.url, secrets.token_hex(32)), seed=True)
        fixture = build_fixture(database.url, USERS * ROUNDS * 4)  # a new student per user and load
        cluster = Cluster(
            database_url=database.url,
            redis_url=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
            secret_key=secrets.token_hex(32),
            state=ctx.tmp / "cluster-scale",
            nodes=2,
            workers=1,
            threads=4,
            graceful_timeout=5,
            extra_env={
                "RATELIMIT_LOGIN": "100000 per minute",
                "RATELIMIT_REGISTER": "100000 per minute",
            },
        )
        results: dict[tuple[str, int], list[LoadResult]] = {}
        try:
            cluster.start()
            seconds = 20
            taken = iter(range(len(fixture.usernames)))
            save_setup, save = _autosave_mix(fixture, taken)
            study_setup = _study_setup(fixture, taken)
            for _ in range(ROUNDS):
                for nodes in (2, 1):
                    if nodes == 1:
                        cluster.procs.pop("node2").stop()
                        cluster.wait_balanced(up=1)
                    study = ctx.load(
                        cluster,
                        study_step,
                        users=USERS,
                        total=USERS * STUDY_PER_USER,
                        max_seconds=seconds,
                        setup=study_setup,
                    )
                    autosave = ctx.load(
                        cluster, save, users=USERS, total=100_000, max_seconds=seconds, setup=save_setup
                    )
                    results.setdefault(("study", nodes), []).append(study)
                    results.setdefault(("autosave", nodes), []).append(autosave)
                    ctx.log(SUITE, f"{nodes} node(s): study {study.summary()}; autosave {autosave.summary()}")
                    if nodes == 1:
                        cluster.start_node(1)
                        cluster.wait_balanced()
        finally:
            cluster.stop()
    metrics = []
    ratios = []
    for mix in ("study", "autosave"):
        one, two = combined(results[(mix, 1)]), combined(results[(mix, 2)])
        ratio = two.rps / max(one.rps, 1e-9)
        ratios.append(ratio)
        errors = one.errors + two.errors
        metrics += [
            Metric.measured(f"scale.{mix}.one_node_rps", one.rps, "req/s"),
            Metric.measured(f"scale.{mix}.two_nodes_rps", two.rps, "req/s"),
            Metric.measured(f"scale.{mix}.two_nodes_vs_one_ratio", ratio, "x"),
            Metric.measured(f"scale.{mix}.errors", errors, "count", "= 0"),
        ]
    cores = os.cpu_count()
    note = (
        f"lower of study {ratios[0]:.2f}, autosave {ratios[1]:.2f}; {cores} cores shared by clients, HAProxy, "
        "PostgreSQL and the nodes (1 worker x 4 threads each): the ratio is bounded by the cores"
    )
    return [Metric.measured("scale.two_nodes_vs_one_ratio", min(ratios), "x", note=note), *metrics]


_SUMMARY = re.compile(r"\[cluster kill\] .*")


def _kill300(ctx: Context) -> list[Metric]:
    env = {**os.environ, "CLUSTER_TEST_STUDENTS": "300"}
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:randomly", "-p", "no:cacheprovider"]
    command += ["tests/reliability/test_cluster.py", "-k", "killed"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    summary = _SUMMARY.search(result.stdout)
    ctx.log(SUITE, summary.group(0) if summary else result.stdout[-2000:])
    passed = result.returncode == 0
    note = summary.group(0)[:300] if summary else "no summary line: see the log"
    return [Metric.measured("cluster.kill300.integrity_failures", 0 if passed else 1, "count", "= 0", note)]


def run(ctx: Context, quick: bool) -> list[Metric]:
    if quick:
        ctx.log(SUITE, "skipped in --quick (CI runs tests/reliability/test_cluster.py instead)")
        return []
    reason = ctx.unavailable("postgres")
    if reason:
        ctx.log(SUITE, f"skipped: {reason}")
        return [Metric.missing("scale.two_nodes_vs_one_ratio", "x", note=reason)]
    return _scale(ctx) + _kill300(ctx)
