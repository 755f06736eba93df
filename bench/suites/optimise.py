"""Per-student FSRS optimisation: `study.optimize_seconds_10k_reviews`.

A deterministic synthetic review log of 10,000 reviews over 500 cards (bench/harness/review_log.py)
goes through what the optimisation job does after reading the log: Anki's training items, the
current parameters' metrics, fsrs-rs's fit, the new parameters' metrics. Pure: no server, no database
(reading 10,000 rows by index is a few milliseconds beside it). About a second, so quick runs keep it.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.metrics import Metric
from bench.harness.review_log import synthetic_reviews

SUITE = "optimise"
REVIEWS, CARDS = 10_000, 500


def run(ctx: Context, quick: bool) -> list[Metric]:
    from app.study import optimize

    end = datetime(2026, 12, 7, 4, tzinfo=UTC)
    log = synthetic_reviews(REVIEWS, CARDS, end)
    seconds: list[float] = []
    for _ in range(1 if quick else 3):
        began = time.perf_counter()
        outcome = optimize.optimise(optimize.training_items(log, end))
        seconds.append(time.perf_counter() - began)
    note = (
        f"{len(log)} synthetic reviews → {outcome.items} items; median of {len(seconds)} runs;"
        f" log loss {outcome.before.log_loss:.4f} → {outcome.after.log_loss:.4f},"
        f" RMSE (bins) {outcome.before.rmse_bins:.4f} → {outcome.after.rmse_bins:.4f}"
        f" ({'updated' if outcome.updated else 'kept'})"
    )
    ctx.log(SUITE, note)
    return [contract_metric("study.optimize_seconds_10k_reviews", statistics.median(seconds), note)]
