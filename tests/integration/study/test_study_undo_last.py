"""Undo takes back the student's last answer (the last log row written), not the answer with the latest
reviewed_at: a prefetched card's buttons are computed before the card on screen is answered, so its
reviewed_at (its shown_at) is earlier though it was answered later. The window is the current and the
previous study day, and the count comes off the day the answer was counted in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import Card, ReviewLog
from app.study import service
from app.study.scheduler import STATE_NEW
from tests.integration.study.conftest import DECK as DECK_URL
from tests.integration.study.conftest import Screen
from tests.integration.study.test_study_day_counts import day_rows, log_sums

SPEC = "article:faw-leapmotor-mou"


def card_on(html: str) -> int:
    match = re.search(r'data-card-id="(\d+)"', html)
    assert match, html
    return int(match.group(1))


def form(shown: Screen, rating: int) -> dict:
    return {"card_id": shown.card_id, "rating": rating, "request_id": shown.request_id, "deck": SPEC}


def logs(user) -> list[tuple[int, int]]:
    db.session.expire_all()
    query = db.select(ReviewLog.card_id, ReviewLog.rating).where(ReviewLog.user_id == user.id)
    return list(db.session.execute(query.order_by(ReviewLog.id)))


def test_undo_takes_back_the_prefetched_card_answered_last(app, seeded, make_user):
    """The QA walkthrough: card A on screen, card B prefetched, A's answer loaded (its buttons computed
    after B's), Good on A, Again on B, undo: B comes back and A's Good stays."""
    bob = make_user("bob")
    deck = service.everything()
    t0 = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)
    service.start(bob, deck, now=t0)
    card_a = service.next_card(bob, deck, now=t0, prepare=False)
    prefetched_b = service.next_card(bob, deck, now=t0 + timedelta(seconds=1), after=card_a.card.id)
    answer_a = service.show_card(bob, card_a.card.id, deck, now=t0 + timedelta(seconds=2))  # ?show=1
    assert prefetched_b.shown_at < answer_a.shown_at
    a, b = card_a.card.id, prefetched_b.card.id
    service.grade(bob, a, 3, "a", deck=deck, now=t0 + timedelta(seconds=5), shown_at=answer_a.shown_at)
    service.grade(bob, b, 1, "b", deck=deck, now=t0 + timedelta(seconds=8), shown_at=prefetched_b.shown_at)
    assert service.undo_last(bob, now=t0 + timedelta(seconds=9)) == b
    assert logs(bob) == [(a, 3)]
    assert db.session.get(Card, b).state == STATE_NEW
    assert service.done_today(bob, t0).done == 1
    assert day_rows(bob) == log_sums(bob)
    # The next undo takes back A, then nothing is left.
    assert service.undo_last(bob, now=t0 + timedelta(seconds=10)) == a
    assert logs(bob) == []


def test_a_grade_scheduled_at_0359_is_undone_after_0400_from_its_own_day(app, seeded, make_user):
    """Scheduled at 03:59 (shown_at: the study day before), undone at 04:01: the answer is still the last
    one, and its count comes off the day it was counted in, not today."""
    carol = make_user("carol")
    deck = service.everything()
    shown_at = datetime(2026, 5, 6, 3, 59, tzinfo=UTC)
    service.start(carol, deck, now=shown_at)
    shown = service.next_card(carol, deck, now=shown_at, prepare=False)
    service.grade(carol, shown.card.id, 3, "late", deck=deck, now=shown_at + timedelta(seconds=90),
                  shown_at=shown.shown_at)  # fmt: skip
    yesterday = shown_at.date() - timedelta(days=1)
    assert day_rows(carol) == {yesterday: (1, 0, 1)}
    assert service.undo_last(carol, now=shown_at + timedelta(minutes=2)) == shown.card.id
    assert logs(carol) == []
    assert day_rows(carol) == {}  # taken back from the 5th, the day it was counted in


def test_answers_older_than_the_previous_study_day_are_not_undone(app, seeded, make_user):
    dave = make_user("dave")
    deck = service.everything()
    then = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)
    service.start(dave, deck, now=then)
    shown = service.next_card(dave, deck, now=then, prepare=False)
    service.grade(dave, shown.card.id, 3, "old", deck=deck, now=then)
    assert service.undo_last(dave, now=then + timedelta(days=1)) == shown.card.id  # the previous day: yes
    service.grade(dave, shown.card.id, 3, "old-again", deck=deck, now=then)
    with pytest.raises(service.StudyError) as refused:
        service.undo_last(dave, now=then + timedelta(days=2))
    assert refused.value.code == "nothing_to_undo"
    assert logs(dave) == [(shown.card.id, 3)]


def test_a_link_to_a_card_answered_since_falls_back_to_the_next_card(client, student, screen):
    """The undo's ?card=X, reloaded after X was graded again: the next card with a notice, not X marked
    "undone" whose grade is refused."""
    first = screen(DECK_URL)
    client.post("/study/review", data=form(first, 1))
    undone = client.post("/study/undo", data={"deck": SPEC})
    link = undone.headers["Location"]
    again = screen(link)
    assert again.card_id == first.card_id and ">undone<" in again.html
    client.post("/study/review", data=form(again, 3))  # Good: a learning step, not due for minutes
    reloaded = client.get(link)
    assert reloaded.status_code == 200
    page = Screen(reloaded.get_data(as_text=True))
    assert 'id="study-notice"' in page.html and "answered since" in page.html
    assert ">undone<" not in page.html
    assert card_on(page.html) != first.card_id


def test_a_refused_grade_form_says_why_and_moves_on(client, student, screen):
    """A grade posted by the form for a card no longer due (a second grade from an old page): the reason
    as a notice and the next card, not an error page that leads back to the same card."""
    first = screen(DECK_URL)
    assert client.post("/study/review", data=form(first, 3)).status_code == 303
    stale = {**form(first, 3), "request_id": "a-second-grade"}
    refused = client.post("/study/review", data=stale)
    assert refused.status_code == 303
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "This card is not due yet." in page
    assert card_on(page) != first.card_id
    # The JSON API keeps its 409 and code.
    json_refused = client.post(
        "/study/review", data={**stale, "request_id": "third"}, headers={"Accept": "application/json"}
    )
    assert json_refused.status_code == 409 and json_refused.json["error"]["code"] == "not_due"
