"""How closely Casewise schedules like Anki, over random review histories: `python bench/anki_agreement.py`.

Each history is a card graded at random times: lapses, same-day learning repeats, late-night reviews (the
study day rolls over at 4 AM), long gaps, in UTC and in America/New_York (daylight saving). Along each
history the card is graded by app.study.scheduler, and compared with readers we did not write:

- Memory states: after every grade, Anki's own backend (anki==26.9.3, `compute_memory_state`) replays the
  same revlog and gives stability and difficulty. Equal means within 1e-4 (both are fsrs-rs in f32).
- Intervals: before every grade of a review card, fsrs-rs `next_states` on Anki's memory state with
  Anki's elapsed days, then Anki's spacing (rslib/src/scheduler/states/review.rs, passing_fsrs_review_
  intervals: hard ≥ 1, good ≥ hard + 1, easy ≥ good + 1, longer than the last interval when FSRS asks
  for longer) give the Hard, Good and Easy days our buttons must show.

Anki reads its time zone from the process, so each zone runs in a subprocess with TZ set. Anki dates a
revlog entry by whole days back from *today's* rollover, so for an entry on the other side of a daylight
saving change from today its day boundary sits an hour away from 4 AM: such differences are Anki's
replay disagreeing with its own grade-time rule, and are listed with the rest. Fuzz is off on our side
and plays no part in either reference. The default run is 10,000 histories per zone and prints every
difference; tests/unit/study/test_study_anki_agreement.py runs a bounded number in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("UTC", "America/New_York")
TOLERANCE = 1e-4
RATING_WEIGHTS = (0.15, 0.15, 0.55, 0.15)


@dataclass
class Report:
    zone: str
    histories: int = 0
    grades: int = 0
    memory_equal: int = 0
    intervals_checked: int = 0
    intervals_equal: int = 0
    # Grades from the first one where Anki's replay counts other elapsed days than Anki's answer would
    # (a daylight saving change between the review and today): compared, but reported apart.
    ambiguous_grades: int = 0
    ambiguous_equal: int = 0
    ambiguous_intervals: int = 0
    differences: list[str] = field(default_factory=list)


def random_history(rng: random.Random, zone: str, now: datetime) -> list[tuple[int, datetime]]:
    """(rating, reviewed_at) pairs ending before `now`, built with the scheduler so gaps follow due dates."""
    from app.study.scheduler import CardData, review

    local = ZoneInfo(zone)
    at = (now - timedelta(days=rng.uniform(40, 900))).replace(microsecond=0)
    card = CardData.new(at)
    history: list[tuple[int, datetime]] = []
    for _ in range(rng.randint(2, 14)):
        rating = rng.choices((1, 2, 3, 4), RATING_WEIGHTS)[0]
        history.append((rating, at))
        card = review(card, rating, at, tz=zone)
        kind = rng.random()
        if kind < 0.35 or card.state in (1, 3) and kind < 0.6:  # a same-day step, on time or a bit late
            gap = max(card.due - at, timedelta(0)) + timedelta(seconds=rng.randint(1, 2400))
        elif kind < 0.7:  # around the due date, at any hour
            gap = max(card.due - at, timedelta(0)) + timedelta(hours=rng.uniform(-30, 60))
        elif kind < 0.85:  # late at night, a few days on (22:00–03:59 local)
            day = (at.astimezone(local) + timedelta(days=rng.randint(1, 5))).date()
            hour = rng.choice((22, 23, 0, 1, 2, 3))
            moment = datetime(
                day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59), tzinfo=local
            )
            gap = moment.astimezone(UTC) - at
        else:  # a long gap
            gap = timedelta(days=rng.uniform(30, 400), seconds=rng.randint(0, 86_399))
        at = (at + max(gap, timedelta(seconds=1))).replace(microsecond=0)
        if at >= now - timedelta(minutes=5):
            break
    return history


def _spaced(states, last: int) -> tuple[int, int, int]:
    """Anki's passing_fsrs_review_intervals without fuzz, maximum 36,500 days."""

    def rnd(x: float) -> int:
        return int(x + 0.5)

    def constrain(interval: float, minimum: int) -> int:
        return max(min(minimum, 36_500), 1, min(rnd(interval), 36_500))

    def greater_than_last(days: int) -> int:
        return last + 1 if days > last else 0

    hard = constrain(states.hard.interval, max(greater_than_last(rnd(states.hard.interval)), 1))
    good = constrain(states.good.interval, max(greater_than_last(rnd(states.good.interval)), hard + 1))
    easy = constrain(states.easy.interval, max(greater_than_last(rnd(states.easy.interval)), good + 1))
    return hard, good, easy


def run_zone(zone: str, count: int, seed: int) -> Report:
    """Compare `count` histories in `zone`; call in a process whose TZ is `zone` (Anki reads it)."""
    import fsrs_rs_python
    from anki.collection import Collection

    engine = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS)
    rng = random.Random(seed)
    report = Report(zone)
    with tempfile.TemporaryDirectory(prefix="anki-agreement-") as tmp:
        col = Collection(str(Path(tmp) / "agreement.anki2"))
        try:
            col.set_config("fsrs", True)
            config = col.decks.config_dict_for_deck_id(1)
            config["desiredRetention"] = 0.9
            col.decks.save(config)
            next_day_at = col.sched.day_cutoff
            now = datetime.fromtimestamp(col.sched.day_cutoff, UTC) - timedelta(days=1, hours=1)
            model = col.models.by_name("Basic")
            for number in range(count):
                note = col.new_note(model)
                note["Front"], note["Back"] = f"history {number}", "-"
                col.add_note(note, 1)
                cid = note.cards()[0].id
                _compare(col, engine, cid, number, random_history(rng, zone, now), zone, next_day_at, report)
                report.histories += 1
        finally:
            col.close()
    return report


def _compare(col, engine, cid, number, history, zone, next_day_at, report) -> None:
    import fsrs_rs_python

    from app.study.scheduler import STATE_REVIEW, CardData, elapsed_days, next_states

    card = CardData.new(history[0][1])
    anki_memory = None
    previous_at: int | None = None
    ambiguous = ""
    for step, (rating, at) in enumerate(history):
        seconds = int(at.timestamp())
        if previous_at is not None and not ambiguous:
            replayed = (next_day_at - previous_at) // 86_400 - (next_day_at - seconds) // 86_400
            answered = elapsed_days(datetime.fromtimestamp(previous_at, UTC), at, zone)
            if replayed != answered:
                ambiguous = f" [Anki's replay counts {replayed} elapsed days here, its answer {answered}]"
        if card.state == STATE_REVIEW and anki_memory is not None and previous_at is not None:
            # Anki's elapsed days for this review, as its revlog replay counts them.
            elapsed = (next_day_at - previous_at) // 86_400 - (next_day_at - seconds) // 86_400
            states = engine.next_states(fsrs_rs_python.MemoryState(*anki_memory), 0.9, elapsed)
            expected = _spaced(states, card.interval_days or 0)
            ours = next_states(card, at, 0.9, zone)
            shown = tuple(ours[r].interval_days for r in (2, 3, 4))
            if ambiguous:
                report.ambiguous_intervals += 1
            else:
                report.intervals_checked += 1
                report.intervals_equal += shown == expected
            if shown != expected:
                report.differences.append(
                    f"{zone} history {number} grade {step}: intervals (hard, good, easy) ours {shown}"
                    f" vs Anki {expected}; at {at.astimezone(ZoneInfo(zone)).isoformat()}, elapsed {elapsed}"
                    + ambiguous
                )
        kind = {0: 0, 1: 0, 2: 1, 3: 2}[card.state]  # revlog type: learn, review, relearn
        col.db.execute(
            "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) values (?,?,?,?,?,?,?,?,?)",
            seconds * 1000 + number % 1000,
            cid,
            -1,
            rating,
            0,
            0,
            0,
            5000,
            kind,
        )
        card = next_states(card, at, 0.9, zone)[rating]
        previous_at = seconds
        response = col._backend.compute_memory_state(cid)
        anki_memory = (response.state.stability, response.state.difficulty)
        stability_ok = abs(card.stability - anki_memory[0]) <= TOLERANCE * max(1.0, anki_memory[0])
        equal = stability_ok and abs(card.difficulty - anki_memory[1]) <= TOLERANCE
        if ambiguous:
            report.ambiguous_grades += 1
            report.ambiguous_equal += equal
        else:
            report.grades += 1
            report.memory_equal += equal
        if not equal:
            local = at.astimezone(ZoneInfo(zone)).isoformat()
            report.differences.append(
                f"{zone} history {number} grade {step} ({'AHGE'[rating - 1]} at {local}): memory ours"
                f" S={card.stability:.4f} D={card.difficulty:.4f} vs Anki S={anki_memory[0]:.4f}"
                f" D={anki_memory[1]:.4f}" + ambiguous
            )


def run_all(count: int, seed: int = 1, zones: tuple[str, ...] = ZONES) -> list[Report]:
    """Each zone in its own process with TZ set, so Anki's day boundaries are that zone's."""
    reports = []
    for offset, zone in enumerate(zones):
        env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, str(Path(__file__).resolve()), "--zone", zone, "--histories", str(count)]
        command += ["--seed", str(seed + offset), "--json"]
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the {zone} run failed:\n{done.stderr[-4000:]}")
        reports.append(Report(**json.loads(done.stdout)))
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=10_000, help="histories per zone")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zone", help="run one zone in this process (TZ must be set to it)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.zone:
        report = run_zone(args.zone, args.histories, args.seed)
        print(json.dumps(asdict(report)) if args.json else report)
        return 0
    reports = run_all(args.histories, args.seed)
    for report in reports:
        memory = report.memory_equal / max(report.grades, 1)
        intervals = report.intervals_equal / max(report.intervals_checked, 1)
        print(
            f"{report.zone}: {report.histories} histories, {report.grades} grades; memory states equal"
            f" {memory:.4%}; review intervals equal {intervals:.4%} of {report.intervals_checked}; beyond"
            f" that, {report.ambiguous_grades} grades after a daylight saving change where Anki's replay"
            f" disagrees with its own answer ({report.ambiguous_equal} equal anyway) and"
            f" {report.ambiguous_intervals} intervals"
        )
    differences = [line for report in reports for line in report.differences]
    print(f"{len(differences)} difference(s)")
    for line in differences:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
