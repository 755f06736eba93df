"""Quiz autosave over HTTP against the insert baseline on the same server."""

from __future__ import annotations

from bench.harness.context import Context
from bench.harness.contract import pending
from bench.harness.metrics import Metric


def run(ctx: Context, quick: bool) -> list[Metric]:
    return pending("autosave.", "app.quizzes.service", "autosave")
