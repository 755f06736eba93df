"""study_day, the daily limits' count of answers, stays the sum of the review log per study day: through
grades, undos, the 4 AM rollover in the student's time zone, refused and retried grades. (The migration
that fills it from an existing log is tested in tests/integration/cli/test_migrations.py.)"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import ReviewLog, StudyDay
from app.study import service
from app.study.scheduler import study_day


def log_sums(user) -> dict:
    """What study_day must hold: the review log summed per study day, computed here from scratch."""
    db.session.expire_all()
    sums: Counter = Counter()
    for reviewed_at, state_before in db.session.execute(
        db.select(ReviewLog.reviewed_at, ReviewLog.state_before).where(ReviewLog.user_id == user.id)
    ):
        day = study_day(reviewed_at, user.timezone)
        sums[(day, "new")] += state_before == 0
        sums[(day, "review")] += state_before == 2
        sums[(day, "done")] += 1
    days = {day for day, _ in sums}
    return {day: (sums[(day, "new")], sums[(day, "review")], sums[(day, "done")]) for day in days}


def day_rows(user) -> dict:
    rows = db.session.scalars(db.select(StudyDay).where(StudyDay.user_id == user.id))
    return {row.day: (row.new_done, row.reviews_done, row.done) for row in rows if row.done}


@pytest.mark.parametrize("timezone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_day_counts_follow_the_log_through_grades_undos_and_the_rollover(app, seeded, make_user, timezone):
    alice = make_user("alice")
    service.update_settings(alice, 0.9, 20, 200, timezone)
    deck = service.everything()
    zone = ZoneInfo(timezone)
    # 03:30 local is still the day before; 04:30 local starts a new study day. The second night is the
    # one where New York leaves summer time (2026-11-01), a 25-hour study day.
    moments = [
        datetime(2026, 10, 31, 3, 30, tzinfo=zone),
        datetime(2026, 10, 31, 3, 40, tzinfo=zone),
        datetime(2026, 10, 31, 4, 30, tzinfo=zone),
        datetime(2026, 11, 1, 3, 45, tzinfo=zone),
        datetime(2026, 11, 1, 4, 10, tzinfo=zone),
        datetime(2026, 11, 2, 9, 0, tzinfo=zone),
    ]
    number = 0
    for moment in moments:
        for step in range(4):
            now = moment.astimezone(UTC) + timedelta(minutes=2 * step)  # all four on the moment's day
            shown = service.next_card(alice, deck, now=now)
            assert isinstance(shown, service.Shown)
            number += 1
            rating = 1 if step == 1 else 3  # an Again puts a card back in learning
            service.grade(alice, shown.card.id, rating, f"req-{number}", deck=deck, now=now)
            # A retried request changes nothing; neither does a refused grade.
            service.grade(alice, shown.card.id, rating, f"req-{number}", deck=deck, now=now)
            with pytest.raises(service.StudyError):
                service.grade(alice, shown.card.id, 7, f"bad-{number}", deck=deck, now=now)
        service.undo_last(alice, now=now)
        service.undo_last(alice, now=now)
        expected = log_sums(alice)
        assert day_rows(alice) == expected
        today = study_day(now, timezone)
        assert service.done_today(alice, now) == service.queries.Today(*expected[today])
    # Six moments on four study days (October 30, 31, November 1 and 2): 03:30 and 03:40 belong to the
    # day before, like 03:45 on November 1. Each moment keeps two of its four answers after the undos.
    assert sum(done for _, _, done in day_rows(alice).values()) == len(moments) * 2
    assert len(day_rows(alice)) == 4


def test_undo_never_takes_a_count_below_zero(app, seeded, make_user):
    """An answer given before study_day existed has no count to take back: the count stays at zero."""
    alice = make_user("alice")
    now = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)
    shown = service.next_card(alice, service.everything(), now=now)
    service.grade(alice, shown.card.id, 3, "before-the-table", now=now)
    db.session.execute(db.delete(StudyDay))
    db.session.commit()
    service.undo_last(alice, now=now)
    assert db.session.scalars(db.select(StudyDay)).all() == []  # nothing to update, nothing invented
    assert service.done_today(alice, now).done == 0
