"""Runs the benchmark suites, prints a table, writes JSON: `python bench/run.py [--quick] [--json OUT.json]`.

Exit status: 0 when every suite ran (a missed target only fails with --strict); 1 when a suite crashed;
2 when an answer was lost or counted twice (always); 3 when --strict and a metric missed its target.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness.context import Context  # noqa: E402  (needs the repository root on sys.path)
from bench.harness.contract import integrity_failures  # noqa: E402
from bench.harness.metrics import Metric, machine_info, render_table  # noqa: E402
from bench.suites import load_suite, suite_names  # noqa: E402

EXIT_CRASH, EXIT_INTEGRITY, EXIT_STRICT = 1, 2, 3


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="reduced sizes: the run takes under 3 minutes")
    parser.add_argument("--json", type=Path, metavar="OUT.json", help="also write the results as JSON here")
    parser.add_argument("--only", metavar="SUITE[,SUITE]", help="run only these suites (see --list)")
    parser.add_argument("--strict", action="store_true", help="exit 3 when a metric misses its target")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    return parser.parse_args(argv)


def select_suites(only: str | None) -> list[str]:
    available = suite_names()
    if not only:
        return available
    chosen = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise SystemExit(f"unknown suite(s) {', '.join(unknown)}; available: {', '.join(available)}")
    return chosen


def run_suites(names: list[str], ctx: Context) -> tuple[list[Metric], dict[str, dict]]:
    """Run each suite; a crash prints its traceback and is recorded, and the other suites still run."""
    metrics: list[Metric] = []
    report: dict[str, dict] = {}
    for name in names:
        ctx.log(name, "running")
        began = time.perf_counter()
        try:
            produced = list(load_suite(name).run(ctx, ctx.quick))
            clash = {m.name for m in produced} & {m.name for m in metrics}
            if clash:
                raise ValueError(f"metric names already reported by another suite: {sorted(clash)}")
        except Exception:
            traceback.print_exc()
            report[name] = {"seconds": round(time.perf_counter() - began, 2), "crashed": True}
            continue
        metrics += produced
        report[name] = {"seconds": round(time.perf_counter() - began, 2), "crashed": False}
        ctx.log(name, f"done in {report[name]['seconds']}s")
    return metrics, report


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    # Unwind through the suites' `with` blocks so every server is stopped and every database dropped.
    print("SIGTERM: stopping the servers and dropping the databases", file=sys.stderr, flush=True)
    raise SystemExit(128 + signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        print("\n".join(suite_names()))
        return 0
    names = select_suites(args.only)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = datetime.now(UTC)
    machine = machine_info(ROOT)
    with tempfile.TemporaryDirectory(prefix="casewise-bench-") as tmp:
        metrics, suites = run_suites(names, Context(quick=args.quick, tmp=Path(tmp)))

    print(render_table(metrics))
    if args.json:
        document = {
            "metrics": {m.name: m.to_json() for m in metrics},
            "machine": machine,
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "suites": suites,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")

    crashed = [name for name, info in suites.items() if info["crashed"]]
    lost = integrity_failures(metrics)
    missed = [m.name for m in metrics if not m.ok]
    if crashed:
        print(f"FAILED: suite(s) crashed: {', '.join(crashed)} (tracebacks above)", file=sys.stderr)
    if lost:
        print(f"FAILED: answers lost or counted twice: {', '.join(m.name for m in lost)}", file=sys.stderr)
    if missed:
        print(f"{len(missed)} metric(s) off target or not measured: {', '.join(missed)}", file=sys.stderr)
    if lost:
        return EXIT_INTEGRITY
    if crashed:
        return EXIT_CRASH
    if args.strict and missed:
        return EXIT_STRICT
    return 0


if __name__ == "__main__":
    sys.exit(main())
