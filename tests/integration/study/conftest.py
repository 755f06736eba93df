"""Study fixtures: a logged-in student on the seeded app, and helpers to read the review screen."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

import pytest

from app.auth.service import find_user
from app.extensions import db
from app.models import Card, ReviewLog

DECK = "/study/article/faw-leapmotor-mou"


@dataclass
class Screen:
    html: str

    def value(self, name: str) -> str:
        match = re.search(rf'name="{name}" value="([^"]*)"', self.html)
        assert match, f"no {name} field on the page"
        return match.group(1)

    @property
    def card_id(self) -> int:
        return int(self.value("card_id"))

    @property
    def request_id(self) -> str:
        return self.value("request_id")


@pytest.fixture
def student(app, client, auth, seeded):
    auth.login("student")
    return find_user("student")


@pytest.fixture
def screen(client):
    def open_deck(url: str = DECK) -> Screen:
        """The review screen with its answer shown: the answer (and its grade form) is only in the page
        after "Show answer", which loads the link's URL, as study.js does."""
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        if 'id="start-form"' in response.get_data(as_text=True):  # a deck not yet prepared: post it
            start = Screen(response.get_data(as_text=True))
            posted = client.post("/study/start", data={"deck": start.value("deck")})
            assert posted.status_code == 303, posted.get_data(as_text=True)
            response = client.get(posted.headers["Location"])
            assert response.status_code == 200, response.get_data(as_text=True)
        show = re.search(r'id="show-answer" href="([^"]+)"', response.get_data(as_text=True))
        if show:
            response = client.get(html.unescape(show.group(1)))
            assert response.status_code == 200, response.get_data(as_text=True)
        return Screen(response.get_data(as_text=True))

    return open_deck


def log_count(user_id: int | None = None) -> int:
    db.session.expire_all()
    query = db.select(db.func.count()).select_from(ReviewLog)
    if user_id is not None:
        query = query.where(ReviewLog.user_id == user_id)
    return db.session.scalar(query)


def card(card_id: int) -> Card:
    db.session.expire_all()
    return db.session.get(Card, card_id)


def made_log(user_id: int, card_id: int, at: datetime, rating: int, state_before: int, n: int) -> ReviewLog:
    """A review-log row written directly (not through a grade), for statistics over other days."""
    return ReviewLog(
        user_id=user_id,
        card_id=card_id,
        request_id=f"made-{n}",
        rating=rating,
        reviewed_at=at,
        state_before=state_before,
        due_before=at,
        reps_before=0,
        lapses_before=0,
    )
