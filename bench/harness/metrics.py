"""Benchmark metrics, their targets ("≥ 0.5", "< 1", "= 0"), the machine description, the table and the JSON.

The metric names are a contract other tools read; a value of None means "not measured" and never passes.
"""

from __future__ import annotations

import operator
import os
import platform
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INFORMATIONAL = "report"
NOT_BUILT = "not built yet"

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "≥": operator.ge,
    ">=": operator.ge,
    "≤": operator.le,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
    "==": operator.eq,
}
_TARGET = re.compile(r"^\s*(≥|>=|≤|<=|==|=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


def meets_target(value: float | None, target: str) -> bool:
    """True when `value` satisfies `target`; an informational target passes any measured value."""
    if value is None:
        return False
    if target == INFORMATIONAL:
        return True
    match = _TARGET.match(target)
    if match is None:
        raise ValueError(f"target {target!r} is not '{INFORMATIONAL}' or an operator and a number: '≥ 0.5'")
    return _COMPARISONS[match.group(1)](value, float(match.group(2)))


@dataclass(frozen=True)
class Metric:
    name: str
    value: float | None
    unit: str
    target: str = INFORMATIONAL
    ok: bool = True
    note: str = ""

    @classmethod
    def measured(
        cls, name: str, value: float, unit: str, target: str = INFORMATIONAL, note: str = ""
    ) -> Metric:
        return cls(name, float(value), unit, target, meets_target(float(value), target), note)

    @classmethod
    def missing(cls, name: str, unit: str, target: str = INFORMATIONAL, note: str = NOT_BUILT) -> Metric:
        return cls(name, None, unit, target, False, note)

    def to_json(self) -> dict[str, Any]:
        # Six significant digits: the noise of a shared machine is far above that.
        value = None if self.value is None else float(f"{self.value:.6g}")
        data: dict[str, Any] = {"value": value, "unit": self.unit, "target": self.target, "ok": self.ok}
        if self.note:
            data["note"] = self.note
        return data


def format_value(metric: Metric) -> str:
    if metric.value is None:
        return f"n/a — {NOT_BUILT}" if metric.note.startswith(NOT_BUILT) else "n/a"
    value = metric.value
    if value == int(value) and abs(value) < 1e12:
        return str(int(value))
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def render_table(metrics: list[Metric]) -> str:
    rows = [("metric", "value", "unit", "target", "ok")]
    for metric in metrics:
        ok = "ok" if metric.ok else ("—" if metric.value is None else "MISS")
        rows.append((metric.name, format_value(metric), metric.unit, metric.target, ok))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines + _footnotes(metrics))


def _footnotes(metrics: list[Metric]) -> list[str]:
    """Why values are missing, once per reason, so the table stays narrow."""
    by_note: dict[str, list[str]] = {}
    for metric in metrics:
        if metric.value is None and metric.note:
            by_note.setdefault(metric.note, []).append(metric.name)
    if not by_note:
        return []
    return ["", "n/a:"] + [f"  {note}: {', '.join(names)}" for note, names in by_note.items()]


def _read_key(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        return None
    return None


def _git_commit(root: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def machine_info(root: Path) -> dict[str, Any]:
    """What the numbers were measured on: absolute times only compare within one machine and one run."""
    mem_kb = _read_key("/proc/meminfo", "MemTotal")
    return {
        "cpu_count": os.cpu_count(),
        "cpu_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _read_key("/proc/cpuinfo", "model name") or platform.processor() or None,
        "memory_gb": round(int(mem_kb.split()[0]) / 1024 / 1024, 1) if mem_kb else None,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": _git_commit(root),
    }
