"""300 students taking one quiz at once, on SQLite and PostgreSQL: no answer lost or counted twice, no 5xx."""

from __future__ import annotations

from bench.harness.context import Context
from bench.harness.contract import pending
from bench.harness.metrics import Metric


def run(ctx: Context, quick: bool) -> list[Metric]:
    return pending("load.quiz300.", "app.quizzes.service", "load")
