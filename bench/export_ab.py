"""Before/after timing of every exporter over the 1,000-question bench bank (bench/suites/export.py).

    python bench/export_ab.py BEFORE_ROOT AFTER_ROOT [ROUNDS]

BEFORE_ROOT and AFTER_ROOT are checkouts (e.g. `git archive REV | tar -x -C /tmp/before`). Each round runs
one fresh process per checkout, alternating, so a shared machine's load falls on both alike. Prints, per
format, the median wall and CPU seconds and whether every run wrote the same bytes, with the load average.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

CHILD = """
import hashlib, json, sys, time
from bench.suites.export import bank_of
from app.exports import EXPORTERS, ExportSelection
selection = ExportSelection(title="Benchmark bank", questions=bank_of(1000))
out = {}
for name, exporter in EXPORTERS.items():
    wall, cpu = time.perf_counter(), time.process_time()
    data = exporter(selection).data
    out[name] = [time.perf_counter() - wall, time.process_time() - cpu, hashlib.sha256(data).hexdigest()]
print(json.dumps(out))
"""


def run(root: str) -> dict[str, list]:
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(before: str, after: str, rounds: int) -> None:
    runs: dict[str, list[dict]] = {before: [], after: []}
    loads = []
    for _ in range(rounds):
        for root in (before, after):
            loads.append(os.getloadavg()[0])
            runs[root].append(run(root))
    print(
        f"{rounds} rounds; 1-min load average {min(loads):.1f}-{max(loads):.1f} ({time.strftime('%Y-%m-%d')})"
    )
    for name in runs[before][0]:
        hashes = {r[name][2] for root in runs for r in runs[root]}
        cells = []
        for root in (before, after):
            wall = statistics.median(r[name][0] for r in runs[root])
            cpu = statistics.median(r[name][1] for r in runs[root])
            cells.append(f"{wall:.2f} s wall {cpu:.2f} s CPU")
        same = "same bytes" if len(hashes) == 1 else "BYTES DIFFER"
        print(f"{name:14s} {cells[0]} -> {cells[1]}  ({same})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
