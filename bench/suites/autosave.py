"""Quiz autosave over HTTP against the insert and hello baselines on the same server, in the same run.

Eight students, each in its own attempt, autosave answers as fast as the server takes them (JSON POST with
an increasing seq, cycling over the quiz's 10 questions, one of every type). The ratios are autosave req/s
over /bench/insert req/s and over /bench/hello req/s (the cheapest request the app serves) on that server;
each contract metric is the lower ratio of the backends measured (SQLite, PostgreSQL).

The three are measured side by side: alternating rounds (hello, insert, autosave, hello, ...) of equal
length. The machine's background load drifts over seconds; a single phase of each would measure the drift
as much as the endpoints. The insert ratio is of the rounds summed per endpoint; the hello ratio, as the
review suite's, is the median of the per-round ratios, with their spread in the note.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.load import LoadResult, Response, Session, fixed
from bench.harness.metrics import Metric
from bench.suites.baseline import USERS, measure_hello, warm_up
from bench.suites.load_quiz300 import PASSWORD, build_fixture, start_attempt

ROUNDS = 3


def combined(results: list[LoadResult]) -> LoadResult:
    """Several runs as one: requests and seconds summed, latencies and status classes pooled."""
    by_class: dict[str, int] = {}
    for result in results:
        for name, count in result.by_class.items():
            by_class[name] = by_class.get(name, 0) + count
    return LoadResult(
        sum(r.requests for r in results),
        sum(r.seconds for r in results),
        sorted(latency for r in results for latency in r.latencies_ms),
        by_class,
    )


@dataclass
class Measured:
    rps: float
    insert_rps: float
    p99_ms: float
    errors: int
    vs_hello: list[float]  # autosave req/s over hello req/s, one per round

    @property
    def vs_hello_median(self) -> float:
        return statistics.median(self.vs_hello)

    def hello_spread(self) -> str:
        return f"{min(self.vs_hello):.2f}–{max(self.vs_hello):.2f} over {len(self.vs_hello)} rounds"


def measure(ctx: Context, backend: str) -> Measured:
    """Autosave req/s, insert req/s, autosave p99, errors and per-round hello ratios on one fresh server."""
    with ctx.app_server(backend, seed=True) as server:
        fixture = build_fixture(server.env["DATABASE_URL"], USERS)
        question_ids = list(fixture.answers)
        attempts: dict[int, int] = {}
        counters: dict[int, int] = {}

        def setup(session: Session, number: int) -> None:
            # Each round logs in afresh and resumes the student's one attempt.
            session.login(fixture.usernames[number], PASSWORD)
            attempts[id(session)] = start_attempt(session, fixture.quiz_id)

        def save(session: Session, index: int) -> Response:
            # seq only has to grow per question; one counter per attempt grows for all of them.
            attempt_id = attempts[id(session)]
            seq = counters[attempt_id] = counters.get(attempt_id, 0) + 1
            qid = question_ids[seq % len(question_ids)]
            options = fixture.answers[qid]
            body = {"question_id": qid, "answer": options[seq % len(options)], "seq": seq}
            return session.post(f"/quizzes/attempts/{attempt_id}/save", json_body=body)

        warm_up(ctx, server)
        total = ctx.scale(4000, 25000) // ROUNDS
        seconds = ctx.scale(6, 21) / ROUNDS
        hellos, inserts, saves = [], [], []
        for _ in range(ROUNDS):
            hellos.append(measure_hello(ctx, server))
            inserts.append(
                ctx.load(
                    server, fixed("POST", "/bench/insert"), users=USERS, total=total, max_seconds=seconds
                )
            )
            saves.append(ctx.load(server, save, users=USERS, total=total, max_seconds=seconds, setup=setup))
        insert, autosave = combined(inserts), combined(saves)
    ctx.log("autosave", f"{backend} insert: {insert.summary()}")
    ctx.log("autosave", f"{backend} autosave: {autosave.summary()}")
    vs_hello = [save.rps / max(hello.rps, 1e-9) for hello, save in zip(hellos, saves, strict=True)]
    return Measured(autosave.rps, insert.rps, autosave.p99_ms or 0.0, autosave.errors, vs_hello)


def run(ctx: Context, quick: bool) -> list[Metric]:
    ratios: dict[str, float] = {}
    hello_ratios: dict[str, Measured] = {}
    p99: dict[str, float] = {}
    metrics: list[Metric] = []
    for backend in ctx.backends:
        reason = ctx.unavailable(backend)
        if reason:
            ctx.log("autosave", f"{backend}: skipped, {reason}")
            continue
        measured = measure(ctx, backend)
        ratios[backend] = measured.rps / max(measured.insert_rps, 1e-9)
        hello_ratios[backend] = measured
        p99[backend] = measured.p99_ms
        metrics += [
            Metric.measured(f"autosave.{backend}.rps", measured.rps, "req/s"),
            Metric.measured(f"autosave.{backend}.http_vs_insert_ratio", ratios[backend], "x"),
            Metric.measured(
                f"autosave.{backend}.http_vs_hello_ratio",
                measured.vs_hello_median,
                "x",
                note=f"median of per-round ratios, {measured.hello_spread()}",
            ),
            Metric.measured(f"autosave.{backend}.errors", measured.errors, "count", "= 0"),
        ]
    if not ratios:
        return [
            contract_metric("autosave.http_vs_insert_ratio", None, "no backend available"),
            contract_metric("autosave.http_vs_hello_ratio", None, "no backend available"),
            contract_metric("autosave.http_p99_ms", None, "no backend available"),
        ]
    worst = min(ratios, key=ratios.get)
    note = "lowest of " + ", ".join(f"{b} {r:.2f}" for b, r in ratios.items())
    worst_hello = min(hello_ratios, key=lambda b: hello_ratios[b].vs_hello_median)
    hello_note = "lowest of " + ", ".join(
        f"{b} {m.vs_hello_median:.2f} ({m.hello_spread()})" for b, m in hello_ratios.items()
    )
    return [
        contract_metric("autosave.http_vs_insert_ratio", ratios[worst], note),
        contract_metric(
            "autosave.http_vs_hello_ratio", hello_ratios[worst_hello].vs_hello_median, hello_note
        ),
        contract_metric("autosave.http_p99_ms", max(p99.values()), f"highest of {', '.join(p99)}"),
        *metrics,
    ]
