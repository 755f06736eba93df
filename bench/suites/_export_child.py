"""One export (or the JSON backup) in its own process, so its peak memory is its own:
`python -m bench.suites._export_child DATABASE_URL FORMAT OUT` prints {"seconds": …, "peak_mb": …}.

FORMAT is an export format (the whole bank, through the same service call the export job makes) or
"backup" (the JSON backup of every table). Peak is this process's own high-water mark of resident memory
(VmHWM in /proc/self/status), the interpreter and the app included. Not `ru_maxrss`: Linux keeps that
across execve, so a child started by a big bench process would report its parent's peak.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def _high_water_mb() -> float:
    """VmHWM of this process (kB in /proc/self/status), in MB; ru_maxrss where /proc has none."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass  # no /proc (not Linux): ru_maxrss is this process's own there
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(url: str, fmt: str, out: str) -> None:
    os.environ.update(DATABASE_URL=url, CASEWISE_CONFIG="development", SECRET_KEY="bench-export")
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        before = _high_water_mb()
        start = time.perf_counter()
        if fmt == "backup":
            from app.backup import backup

            backup(db.engine, Path(out), "json", overwrite=True)
        else:
            from app.exports import service

            with open(out, "wb") as handle:
                service.export_to(handle, fmt, "bank", accept_loss=True)
        seconds = time.perf_counter() - start
    peak = _high_water_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "app_mb": before, "bytes": os.path.getsize(out)}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
