"""Question generation over the seed articles, measured by bench/generation_bench.py's run(quick)."""

from __future__ import annotations

import importlib

from bench.harness.context import Context
from bench.harness.contract import CONTRACT, contract_metric
from bench.harness.metrics import INFORMATIONAL, NOT_BUILT, Metric

MODULE = "bench.generation_bench"
REQUIRED = "generation.seed_seconds"
NO_VALUE = {
    "generation.dev_acceptable_rate": "no independent judgement stored for today's top 15 yet "
    "(bench/generation_judgements/README.md)",
}


def _unit(name: str) -> str:
    for suffix, unit in (("_seconds", "s"), ("_ms", "ms"), ("_ratio", "x"), ("_per_second", "/s")):
        if name.endswith(suffix):
            return unit
    return ""


def to_metrics(results: dict[str, float | None]) -> list[Metric]:
    """generation_bench's plain numbers as metrics, prefixed "generation." when they are not already."""
    metrics = []
    for key, value in sorted(results.items()):
        name = key if key.startswith("generation.") else f"generation.{key}"
        if name in CONTRACT and value is None:
            metrics.append(contract_metric(name, None, NO_VALUE.get(name, "not measured in this run")))
        elif name in CONTRACT:
            metrics.append(contract_metric(name, value))
        else:
            metrics.append(Metric.measured(name, value, _unit(name), INFORMATIONAL))
    if REQUIRED not in {m.name for m in metrics}:
        metrics.append(contract_metric(REQUIRED, None, f"{MODULE}.run() did not report it"))
    return metrics


def run(ctx: Context, quick: bool) -> list[Metric]:
    try:
        module = importlib.import_module(MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != MODULE:
            raise
        return [contract_metric(REQUIRED, None, f"{NOT_BUILT} (bench/generation_bench.py missing)")]
    return to_metrics(module.run(quick))
