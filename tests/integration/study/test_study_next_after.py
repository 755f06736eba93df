"""The instant next card (GET /study/next?after=…), the progress numbers around it and after an undo, and
grades scheduled at the moment their buttons were shown (shown_at)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import ReviewLog
from app.study import service
from app.study.scheduler import STATE_REVIEW, CardData, preview_intervals, review
from tests.integration.study.conftest import Screen, log_count

SPEC = "article:faw-leapmotor-mou"


def numbers(html: str) -> tuple[int, int]:
    match = re.search(r"(\d+) done today · (\d+)\+? left", html)
    assert match, html
    return int(match.group(1)), int(match.group(2))


def grade(client, shown: Screen, rating: int = 3, **extra):
    data = {"card_id": shown.card_id, "rating": rating, "request_id": shown.request_id, "deck": SPEC, **extra}
    return client.post("/study/review", data=data)


def test_the_card_after_is_what_the_page_shows_once_the_grade_is_in(client, student, screen):
    first = screen()
    ahead = client.get(
        f"/study/next?deck={SPEC}&after={first.card_id}", headers={"Accept": "application/json"}
    )
    assert ahead.status_code == 200 and ahead.json["done"] is False
    assert ahead.json["card_id"] != first.card_id
    prefetched = Screen(ahead.json["html"])
    assert prefetched.card_id == ahead.json["card_id"]
    assert log_count(student.id) == 0  # asking for it answered nothing
    grade(client, first)
    after_grade = screen()
    # The page the form post leads to shows the same card with the same numbers.
    assert after_grade.card_id == prefetched.card_id
    assert numbers(after_grade.html) == numbers(prefetched.html)
    assert numbers(prefetched.html)[0] == numbers(first.html)[0] + 1


def test_the_card_after_refuses_what_is_not_the_students_card(client, student):
    missing = client.get(f"/study/next?deck={SPEC}", headers={"Accept": "application/json"})
    assert missing.status_code == 422 and missing.json["error"]["code"] == "bad_after"
    for bad in ("999999", "x", "-1"):
        response = client.get(f"/study/next?deck={SPEC}&after={bad}", headers={"Accept": "application/json"})
        assert response.status_code == 404 and response.json["error"]["code"] == "no_card"


def test_undo_restores_the_previous_card_and_the_exact_numbers(client, student, screen):
    first = screen()
    grade(client, first)
    second = screen()
    grade(client, second)
    third = screen()
    response = client.post("/study/undo", data={"deck": SPEC})
    restored = screen(response.headers["Location"])
    assert restored.card_id == second.card_id
    assert numbers(restored.html) == numbers(second.html)  # was "1 done · 1 left" before the fix
    assert numbers(third.html)[0] == numbers(second.html)[0] + 1


def test_a_grade_gets_the_interval_its_button_showed_across_the_day_boundary(app, student):
    deck = service.article_deck("faw-leapmotor-mou")
    shown_at = datetime(2026, 5, 6, 3, 59, 30, tzinfo=UTC)  # 30 s before the 4 AM rollover (UTC)
    shown = service.next_card(student, deck, now=shown_at)
    easy = preview_intervals(shown.card.data, shown_at)[4]
    graded_at = shown_at + timedelta(minutes=1)  # answered in the next study day
    result = service.grade(student, shown.card.id, 4, "boundary-1", deck=deck, now=graded_at,
                           shown_at=shown.shown_at)  # fmt: skip
    assert result.due == shown_at + easy
    logged = db.session.scalar(db.select(ReviewLog).where(ReviewLog.request_id == "boundary-1"))
    assert logged.reviewed_at == shown_at  # the moment the intervals were computed for


def test_a_shown_at_that_cannot_be_trusted_schedules_at_arrival(app, student):
    deck = service.article_deck("faw-leapmotor-mou")
    now = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
    shown = service.next_card(student, deck, now=now)
    before = shown.card.data
    cases = {
        "future": int((now + timedelta(minutes=5)).timestamp() * 1000),
        "too-old": int((now - timedelta(hours=2)).timestamp() * 1000),
        "garbage": "soon",
        "huge": 10**30,
    }
    for number, (name, value) in enumerate(cases.items()):
        at = now + timedelta(seconds=number)
        expected = service._scheduled_at(value, before, at)
        assert expected == at, name
    assert service._scheduled_at(None, CardData.new(now), now) == now


def test_a_review_card_shown_at_0359_and_graded_at_0401_gets_what_its_buttons_said(app, student):
    """In the student's zone (New York), a review card shown at 03:59 (the study day before) and graded
    at 04:01 (the next study day, one more elapsed day for FSRS and a due date a day later) is scheduled
    exactly as its buttons said: the grade recomputes from the shown moment and the same card state."""
    tz = "America/New_York"
    service.update_settings(student, 0.9, 20, 200, tz)
    deck = service.article_deck("faw-leapmotor-mou")
    service.start(student, deck)
    zone = ZoneInfo(tz)
    learned = datetime(2026, 3, 2, 15, 0, tzinfo=zone).astimezone(UTC)
    card_id = service.next_card(student, deck, now=learned, prepare=False).card.id
    assert service.grade(student, card_id, 4, "learn", deck=deck, now=learned).state == STATE_REVIEW
    for rating in (2, 3, 4):  # each on a copy of the card in the same state: undo in between
        shown_at = datetime(2026, 3, 30, 3, 59, tzinfo=zone).astimezone(UTC)  # long overdue, study day 29th
        graded_at = shown_at + timedelta(minutes=2)  # 04:01: study day 30th
        shown = service.show_card(student, card_id, deck, now=shown_at)
        before = shown.card.data
        label = shown.buttons[rating - 1].interval
        result = service.grade(student, card_id, rating, f"boundary-{rating}", deck=deck, now=graded_at,
                               shown_at=shown.shown_at)  # fmt: skip
        assert result.interval == label
        assert result.due == shown_at + preview_intervals(before, shown_at, 0.9, tz)[rating]
        # The boundary matters: computed at the grade's arrival, the card would get another due date.
        assert review(before, rating, graded_at, 0.9, tz).due != result.due
        # The answer belongs to the study day it was scheduled in (reviewed_at = shown_at): undo it there.
        assert service.undo_last(student, now=shown_at + timedelta(seconds=30)) == card_id
