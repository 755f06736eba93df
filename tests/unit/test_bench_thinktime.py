"""The think-time bench's search for the largest N and its lost/doubled check, without a server."""

from __future__ import annotations

import sqlite3

from bench.suites import thinktime
from bench.suites.thinktime import Trial, _check_log, _next_size


def trial(students: int, p99: float) -> Trial:
    return Trial(students, 60.0, latencies_ms=[p99] * 10)


def search(capacity: float) -> list[int]:
    """The sizes tried against a server whose p99 is under 200 ms up to `capacity` students."""
    order: list[int] = []
    results: dict[int, Trial] = {}
    size = thinktime.STEPS[0]
    while size is not None and size not in results:
        results[size] = trial(size, 100.0 if size <= capacity else 900.0)
        order.append(size)
        size = _next_size(order, results)
    return order


def test_the_search_climbs_then_halves_the_gap_twice():
    assert search(1200) == [250, 500, 1000, 1500, 1250, 1125]


def test_with_nothing_passing_it_halves_until_something_does():
    assert search(70) == [250, 125, 62, 93]  # then the gap (31) is under 50: stop
    assert search(0) == [250, 125, 62, 31, 15]


def test_acknowledged_grades_are_compared_with_the_log(tmp_path):
    database = tmp_path / "log.db"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE review_log (request_id TEXT)")
    conn.executemany(
        "INSERT INTO review_log VALUES (?)", [("tt5-1-1",), ("tt5-1-2",), ("tt5-1-2",), ("tt5-2-1",)]
    )
    conn.commit()
    conn.close()
    checked = trial(5, 10.0)
    checked.acknowledged = {"tt5-1-1", "tt5-1-2", "tt5-3-1"}
    _check_log(str(database), "tt5", checked)
    assert (checked.lost, checked.doubled, checked.unanswered_written) == (1, 1, 1)
    assert not checked.passed
