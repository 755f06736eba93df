"""The scheduler against Anki's own FSRS over random review histories (bench/anki_agreement.py): memory
states from Anki's backend replaying the same revlog, review intervals from fsrs-rs and Anki's spacing.
CI runs 250 histories per zone; `make anki-agreement` runs 10,000 and lists every difference."""

from __future__ import annotations

import pytest

pytest.importorskip("anki")

from bench.anki_agreement import run_all  # noqa: E402

HISTORIES_PER_ZONE = 250


@pytest.fixture(scope="module")
def reports():
    return {report.zone: report for report in run_all(HISTORIES_PER_ZONE, seed=7)}


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_memory_states_and_intervals_agree_with_anki(reports, zone):
    report = reports[zone]
    assert report.histories == HISTORIES_PER_ZONE
    assert report.grades > 3 * HISTORIES_PER_ZONE and report.intervals_checked > HISTORIES_PER_ZONE // 2
    memory = report.memory_equal / report.grades
    intervals = report.intervals_equal / report.intervals_checked
    failures = [line for line in report.differences if "[Anki's replay" not in line]
    assert memory >= 0.999 and intervals >= 0.999, "\n".join(failures[:20])


def test_only_a_daylight_saving_zone_has_grades_anki_disagrees_with_itself_on(reports):
    assert reports["UTC"].ambiguous_grades == 0
    # New York histories cross DST changes: Anki's replay dates some reviews by today's offset. They are
    # counted apart and every one is listed (the bench prints them), never silently dropped.
    new_york = reports["America/New_York"]
    assert new_york.ambiguous_grades > 0
    tagged = [line for line in new_york.differences if "[Anki's replay" in line]
    assert len(tagged) >= new_york.ambiguous_grades - new_york.ambiguous_equal
