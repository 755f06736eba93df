"""The contract metrics: every name other tools read, with its unit and target, and how a suite reports one
whose feature is not built yet (value None, ok false, a note saying why) rather than inventing a number.
"""

from __future__ import annotations

import importlib.util

from bench.harness.metrics import INFORMATIONAL, NOT_BUILT, Metric

ZERO = "= 0"
LOAD_COUNTS = ("lost_answers", "errors_5xx", "double_submissions")

CONTRACT: dict[str, tuple[str, str]] = {
    "generation.seed_seconds": ("s", "< 2"),
    "generation.seed_cpu_seconds": ("s", INFORMATIONAL),
    "generation.corpus_per_article_ms": ("ms", INFORMATIONAL),
    "generation.article_3000_words_seconds": ("s", "< 3"),
    "generation.article_3000_words_cpu_seconds": ("s", INFORMATIONAL),
    "generation.seed_stated_figures_kept": ("figures", "≥ 16"),
    "generation.seed_stated_figures": ("figures", INFORMATIONAL),
    "generation.seed_quantities_lost": ("figures", ZERO),
    "generation.seed_stated_quantities": ("figures", INFORMATIONAL),
    "generation.dev_articles": ("articles", "≥ 12"),
    "generation.dev_acceptable_rate": ("ratio", "≥ 0.7"),
    "generation.dev_judged_top15": ("count", INFORMATIONAL),
    "generation.dev_unjudged_top15": ("count", INFORMATIONAL),
    "generation.dev_distinct_facts_top15": ("facts", "≥ 12"),
    "generation.dev_area_min_top15": ("facts", "≥ 2"),
    "generation.dev_figures_top15": ("facts", INFORMATIONAL),
    "generation.dev_partnership_top15": ("facts", INFORMATIONAL),
    "generation.dev_risks_top15": ("facts", INFORMATIONAL),
    "generation.dev_co_correct_options": ("count", ZERO),
    "generation.heldout_articles": ("articles", INFORMATIONAL),
    "generation.heldout_acceptable_rate": ("ratio", "≥ 0.7"),
    "generation.heldout_judged_top15": ("count", INFORMATIONAL),
    "generation.heldout_unjudged_top15": ("count", INFORMATIONAL),
    "generation.heldout_distinct_facts_top15": ("facts", INFORMATIONAL),
    "generation.heldout_area_min_top15": ("facts", INFORMATIONAL),
    "generation.heldout_figures_top15": ("facts", INFORMATIONAL),
    "generation.heldout_partnership_top15": ("facts", INFORMATIONAL),
    "generation.heldout_risks_top15": ("facts", INFORMATIONAL),
    "generation.heldout_co_correct_options": ("count", ZERO),
    "review.inproc_vs_anki_ratio": ("x", "≥ 1.0"),
    "review.inproc_review_phase_vs_anki_ratio": ("x", "≥ 1.0"),
    "review.pick_100k_vs_1k_ratio": ("x", "≤ 1.5"),
    "review.http_vs_insert_ratio": ("x", "≥ 0.5"),
    "review.http_vs_hello_ratio": ("x", "≥ 0.5"),
    "review.http_p99_ms": ("ms", INFORMATIONAL),
    "review.nextdue_1m_vs_1k_ratio": ("x", "≤ 2"),
    "study.optimize_seconds_10k_reviews": ("s", INFORMATIONAL),
    "autosave.http_vs_insert_ratio": ("x", "≥ 0.5"),
    "autosave.http_vs_hello_ratio": ("x", "≥ 0.5"),
    "autosave.http_p99_ms": ("ms", INFORMATIONAL),
    **{f"load.quiz300.{db}.{n}": ("count", ZERO) for db in ("sqlite", "postgres") for n in LOAD_COUNTS},
    "export.max_seconds_1000q": ("s", "< 1"),
    "export.max_seconds_20k": ("s", INFORMATIONAL),
    "export.peak_mb_20k": ("MB", "≤ 300"),
    "backup.json_seconds_big": ("s", INFORMATIONAL),
    "robustness.zip_bomb_peak_mb": ("MB", "< 100"),
}

# A metric above zero here means a student's work was lost or counted twice: run.py always fails on it.
INTEGRITY_SUFFIXES = (".lost_answers", ".double_submissions")


def contract_metric(name: str, value: float | None, note: str = "") -> Metric:
    """A contract metric with its registered unit and target; None gives the "not measured" form."""
    unit, target = CONTRACT[name]
    if value is None:
        return Metric.missing(name, unit, target, note or NOT_BUILT)
    return Metric.measured(name, value, unit, target, note)


def feature_note(module: str, suite: str) -> str:
    """Why a suite has no number: the feature's module is absent, or present but not measured by `suite`."""
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        return f"{NOT_BUILT} ({module} missing)"
    return f"{NOT_BUILT}: {module} exists, bench/suites/{suite}.py does not measure it yet"


def pending(prefix: str, module: str, suite: str) -> list[Metric]:
    """Every contract metric under `prefix`, unmeasured, with the reason from feature_note()."""
    note = feature_note(module, suite)
    return [contract_metric(name, None, note) for name in CONTRACT if name.startswith(prefix)]


def integrity_failures(metrics: list[Metric]) -> list[Metric]:
    return [m for m in metrics if m.name.endswith(INTEGRITY_SUFFIXES) and m.value is not None and m.value > 0]
