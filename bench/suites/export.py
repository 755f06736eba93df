"""Exporting a 1,000-question bank in every format (pure: no server, no DB), and a 20,000-question bank
from the database as the export job does it, each format in its own process for its peak memory, and
the JSON backup of that database; the slowest format and the highest peak are contract metrics.

The bank is the curated seed bank (questions/*.yaml) repeated with new ids, so every question type is
represented in its real proportions. The 20k database is the seed (`flask seed --no-demo`) whose
approved questions are cloned with new uids (`-c00001`…) until 20,000 are approved: deterministic.
Quick mode uses 500 questions and three formats (QUICK_FORMATS) and says so in the notes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select

from app.bank.yamlio import load_bank_dir
from app.exports import EXPORTERS, ExportSelection
from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.metrics import Metric

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "questions"
SIZE = 1000
BIG = 20_000
QUICK_FORMATS = ("qti12-canvas", "cc11", "gift")  # quick mode: the two streamed zips and one text format
CHILD_TIMEOUT = 1800  # seconds for one format's export on a loaded machine


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


def grow_bank(url: str, size: int) -> int:
    """Clone the database's approved questions with new uids until `size` are approved; returns the count."""
    from app.models import Question

    engine = create_engine(url)
    table = Question.__table__
    skip = {"id", "uid", "created_at", "updated_at"}
    try:
        with engine.begin() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(table).where(table.c.status == "approved"))]
            rows.sort(key=lambda r: r["uid"])
            have = len(rows)
            clones = []
            for number in range(size - have):
                row = {k: v for k, v in rows[number % have].items() if k not in skip}
                row["uid"] = f"{rows[number % have]['uid'][:40]}-c{number:05d}"
                clones.append(row)
                if len(clones) == 5000:
                    conn.execute(insert(table), clones)
                    clones = []
            if clones:
                conn.execute(insert(table), clones)
            return conn.scalar(select(func.count()).select_from(table).where(table.c.status == "approved"))
    finally:
        engine.dispose()


def measure_child(url: str, what: str, out: Path) -> dict:
    """One export (or "backup") in a fresh process: its seconds and peak resident memory."""
    done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "bench.suites._export_child", url, what, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} export failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def big_bank(ctx: Context, size: int) -> list[Metric]:
    with ctx.fresh_database("sqlite", seed=True) as database:
        count = grow_bank(database.url, size)
        ctx.log("export", f"{count:,} approved questions in {database.url}")
        results = {}
        for name in QUICK_FORMATS if ctx.quick else EXPORTERS:
            results[name] = measure_child(database.url, name, ctx.tmp / f"bank-{name}.out")
            ctx.log(
                "export", f"{name}: {results[name]['seconds']:.1f} s, peak {results[name]['peak_mb']:.0f} MB"
            )
        backup = measure_child(database.url, "backup", ctx.tmp / "backup.jsonl")
    label = f"{count:,} questions" + (" (quick)" if ctx.quick else "")
    slowest = max(results, key=lambda n: results[n]["seconds"])
    fattest = max(results, key=lambda n: results[n]["peak_mb"])
    metrics = [
        contract_metric(
            "export.max_seconds_20k", results[slowest]["seconds"], f"slowest: {slowest}, {label}"
        ),
        contract_metric("export.peak_mb_20k", results[fattest]["peak_mb"], f"highest: {fattest}, {label}"),
        contract_metric("backup.json_seconds_big", backup["seconds"], f"SQLite, {label}"),
    ]
    for name, result in sorted(results.items()):
        metrics.append(Metric.measured(f"export.{name}.seconds_20k", result["seconds"], "s", note=label))
        metrics.append(Metric.measured(f"export.{name}.peak_mb_20k", result["peak_mb"], "MB", note=label))
    return metrics


def run(ctx: Context, quick: bool) -> list[Metric]:
    timings = time_exports(bank_of(SIZE), repeats=1 if quick else 3)
    slowest = max(timings, key=timings.get)
    metrics = [contract_metric("export.max_seconds_1000q", timings[slowest], f"slowest: {slowest}")]
    metrics += [
        Metric.measured(f"export.{name}.seconds_1000q", t, "s") for name, t in sorted(timings.items())
    ]
    return metrics + big_bank(ctx, ctx.scale(500, BIG))
