"""Exporting a 1,000-question bank in every format; the slowest format is the contract metric.

The bank is the curated seed bank (questions/*.yaml) repeated with new ids until it holds 1,000
questions, so every question type is represented in its real proportions. Pure: no server, no DB.
"""

from __future__ import annotations

import time
from pathlib import Path

from app.bank.yamlio import load_bank_dir
from app.exports import EXPORTERS, ExportSelection
from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.metrics import Metric

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
SIZE = 1000


def bank_of(size: int) -> list[dict]:
    seed, errors = load_bank_dir(QUESTIONS)
    if errors:
        raise RuntimeError(f"questions/ does not load: {errors[0]}")
    bank = []
    for i in range(size):
        question = dict(seed[i % len(seed)])
        question["id"] = f"{question['id']}-{i // len(seed):03d}"
        bank.append(question)
    return bank


def time_exports(questions: list[dict], repeats: int) -> dict[str, float]:
    """Best-of-`repeats` wall time per format, in seconds."""
    selection = ExportSelection(title="Benchmark bank", questions=questions)
    timings = {}
    for name, exporter in EXPORTERS.items():
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            exporter(selection)
            best = min(best, time.perf_counter() - start)
        timings[name] = best
    return timings


def run(ctx: Context, quick: bool) -> list[Metric]:
    timings = time_exports(bank_of(SIZE), repeats=1 if quick else 3)
    slowest = max(timings, key=timings.get)
    metrics = [contract_metric("export.max_seconds_1000q", timings[slowest], f"slowest: {slowest}")]
    metrics += [
        Metric.measured(f"export.{name}.seconds_1000q", t, "s") for name, t in sorted(timings.items())
    ]
    return metrics
