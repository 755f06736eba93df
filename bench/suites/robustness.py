"""Archive limits: the memory a 2 MB zip that unpacks to 2 GB costs the import before it is refused.

Two bombs: one with honest headers (refused on its declared size before unpacking anything) and one
whose headers claim the largest size the limits allow (unpacked in bounded chunks until the real data
and the claim part ways); the metric is the worse of the two.

Measured in a fresh Python process, so nothing else in the run inflates it: the peak resident memory
gained while `unwrap_zip` refuses the bomb (Linux VmHWM, reset just before) and the peak of Python
allocations (tracemalloc); the metric is the larger of the two.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.metrics import Metric

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, time, tracemalloc
from app.exports.model import ImportFormatError, unwrap_zip
from app.exports.zipbomb import zip_bomb

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return 0

bomb = zip_bomb(EXPANDED, declared=DECLARED)
try:
    open("/proc/self/clear_refs", "w").write("5")  # reset VmHWM to the current RSS
except OSError:
    pass
before = rss("VmRSS:")
tracemalloc.start()
began = time.perf_counter()
try:
    unwrap_zip(bomb, "Moodle XML", (".xml",))
    message = None
except ImportFormatError as exc:
    message = str(exc)
seconds = time.perf_counter() - began
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({"zip_bytes": len(bomb), "rss_gain": rss("VmHWM:") - before, "traced": traced,
                  "seconds": seconds, "message": message}))
"""


def measure(expanded: int, declared: int | None) -> dict:
    code = CHILD.replace("EXPANDED", str(expanded)).replace("DECLARED", str(declared))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(ctx: Context, quick: bool) -> list[Metric]:
    from app.exports.model import ZIP_MAX_UNPACKED

    expanded = 2 * 1024**3
    runs = {"honest": measure(expanded, None), "lying": measure(expanded, ZIP_MAX_UNPACKED)}
    peaks = {name: max(r["rss_gain"], r["traced"]) / 1024**2 for name, r in runs.items()}
    refused = all(r["message"] is not None for r in runs.values())
    zip_mb = runs["honest"]["zip_bytes"] / 1024**2
    note = f"{zip_mb:.1f} MB zip of {expanded / 1024**3:.0f} GB; " + (
        ", ".join(f"{name} headers refused in {r['seconds'] * 1000:.0f} ms" for name, r in runs.items())
        if refused
        else "NOT refused"
    )
    metrics = [contract_metric("robustness.zip_bomb_peak_mb", max(peaks.values()) if refused else None, note)]
    metrics += [
        Metric.measured(f"robustness.zip_bomb_{name}_peak_mb", peak, "MB") for name, peak in peaks.items()
    ]
    return metrics
