"""No study page writes to the database on a GET: preparing a deck (its new cards, its fully-carded
marker) is the page's POST /study/start, and the pick reads only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import Card, Course, Question, StudyDeckChecked
from app.study import service
from tests.integration.study.conftest import log_count

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT)\b", re.IGNORECASE)


@pytest.fixture
def writes(app, request):
    """Every INSERT/UPDATE/DELETE the engine runs while the test does its requests."""
    found: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        if WRITES.match(statement):
            found.append(statement)

    event.listen(db.engine, "before_cursor_execute", on_execute)
    request.addfinalizer(lambda: event.remove(db.engine, "before_cursor_execute", on_execute))
    return found


def study_pages(card_id: int | None) -> list[str]:
    course = db.session.scalar(select(Course).where(Course.join_code == "FAWDEMO8"))
    pages = [
        "/study/",
        "/study/?show=1",
        "/study/article/faw-leapmotor-mou",
        "/study/article/faw-leapmotor-mou?show=1",
        "/study/decks",
        "/study/stats",
        "/study/settings",
        f"/study/course/{course.id}",
    ]
    topic = db.session.scalar(select(Question.topic).where(Question.status == "approved").limit(1))
    pages.append(f"/study/topic/{topic}")
    if card_id is not None:
        pages += [f"/study/?card={card_id}", f"/study/next?deck=all&after={card_id}"]
    return pages


def test_no_study_page_writes_on_a_get(client, student, writes):
    cards_before = db.session.scalar(select(db.func.count()).select_from(Card))
    # A student who never studied: every deck needs preparing, and its page asks for the start POST.
    for url in study_pages(None):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert writes == []
    assert db.session.scalar(select(db.func.count()).select_from(Card)) == cards_before
    page = client.get("/study/").get_data(as_text=True)
    assert 'id="start-form"' in page and 'action="/study/start"' in page

    started = client.post("/study/start", data={"deck": "all"})
    assert started.status_code == 303 and started.headers["Location"] == "/study/"
    assert db.session.scalar(select(db.func.count()).select_from(Card)) > cards_before  # today's cards
    writes.clear()
    page = client.get("/study/").get_data(as_text=True)
    card_id = int(re.search(r'data-card-id="(\d+)"', page).group(1))
    for url in study_pages(card_id):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert writes == []
    assert log_count(student.id) == 0


def test_start_marks_a_fully_carded_deck_and_a_second_start_writes_nothing(client, student, writes):
    service.update_settings(student, 0.9, 500, 9999, "UTC")  # a budget larger than the deck
    client.post("/study/start", data={"deck": "article:faw-leapmotor-mou"})
    db.session.expire_all()
    carded = db.session.scalar(select(db.func.count()).select_from(Card).where(Card.user_id == student.id))
    # Every question of the deck now has a card (fewer than the budget): the deck is marked.
    marker = db.session.scalar(select(StudyDeckChecked).where(StudyDeckChecked.user_id == student.id))
    assert carded > 0 and marker is not None
    page = client.get("/study/article/faw-leapmotor-mou").get_data(as_text=True)
    assert 'id="start-form"' not in page and 'data-card-id="' in page
    writes.clear()
    again = client.post("/study/start", data={"deck": "article:faw-leapmotor-mou"})
    assert again.status_code == 303
    assert writes == []


def test_start_refuses_a_deck_that_does_not_exist(client, student, writes):
    response = client.post("/study/start", data={"deck": "article:no-such-article"})
    assert response.status_code == 404
    assert writes == []
