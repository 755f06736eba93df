"""The "deck fully carded" marker (StudyDeckChecked) and the bank revision: the pick searches the bank for a
question without a card only when a new card can be needed and the bank changed since the last search."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from app.extensions import db
from app.models import Article, BankRevision, Card, Question, StudyDeckChecked
from app.study import queries, service
from app.study.prepared import driver
from app.study.scheduler import day_bounds, study_day

NOW = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)


def _article(slug: str = "marker") -> Article:
    row = Article(slug=slug, title=slug.title(), raw_text="Text.", body="Text.", content_sha256="0" * 64)
    db.session.add(row)
    db.session.flush()
    return row


def _questions(source: Article, n: int, status: str = "approved", start: int = 0) -> list[Question]:
    rows = [
        Question(uid=f"marker-{source.slug}-{start + i}", qtype="tf", stem=f"Statement {start + i} holds.",
                 answer=True, topic="key-figures", status=status, article_id=source.id, source_start=start + i)
        for i in range(n)
    ]  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _cards(user) -> int:
    db.session.expire_all()
    return db.session.scalar(select(db.func.count()).select_from(Card).where(Card.user_id == user.id))


def _revision() -> int:
    db.session.expire_all()
    return db.session.scalar(select(BankRevision.revision)) or 0


def _heads(user, deck: service.Deck):
    day = study_day(NOW, user.timezone)
    return queries.read_pick(
        driver(), user.id, deck.filter, day, day_bounds(day, user.timezone)[1], user.new_per_day
    )


def test_orm_changes_to_deck_columns_bump_the_bank_revision(app):
    before = _revision()
    source = _article()
    (one,) = _questions(source, 1, status="candidate")
    assert _revision() == before + 1  # a question created
    one.stem = "Reworded statement."
    db.session.commit()
    assert _revision() == before + 1  # the stem does not move it between decks
    one.status = "approved"
    db.session.commit()
    assert _revision() == before + 2


def test_a_fully_carded_deck_is_marked_and_not_searched_until_the_bank_changes(app, make_user):
    alice = make_user("alice")
    alice.new_per_day = 10
    source = _article()
    _questions(source, 3)
    deck = service.article_deck(source.slug)

    shown = service.next_card(alice, deck, now=NOW)
    assert isinstance(shown, service.Shown)
    assert _cards(alice) == 3  # today's batch, in one go; fewer than the budget: the deck is carded
    marker = db.session.get(StudyDeckChecked, (alice.id, deck.filter.key))
    assert marker is not None and marker.revision == _revision()
    for number in range(3):  # the review phase: no new card left
        service.grade(alice, shown.card.id, 4, f"r-{number}", deck=deck, now=NOW)
        shown = service.next_card(alice, deck, now=NOW)
    assert isinstance(shown, service.Done)

    # A question written by bare SQL moves no revision: the pick does not search, so it stays unseen.
    db.session.execute(
        insert(Question).values(uid="marker-bare", qtype="tf", stem="Bare.", answer=True, topic="key-figures",
                                status="approved", article_id=source.id, source_start=99)
    )  # fmt: skip
    db.session.commit()
    heads, _ = _heads(alice, deck)
    assert heads.checked and heads.uncarded_question_id is None
    service.next_card(alice, deck, now=NOW)
    assert _cards(alice) == 3

    # An approval through the ORM moves it: the next pick searches once and cards both questions.
    (late,) = _questions(source, 1, status="candidate", start=50)
    late.status = "approved"
    db.session.commit()
    assert not _heads(alice, deck)[0].checked
    service.next_card(alice, deck, now=NOW)
    assert _cards(alice) == 5
    assert _heads(alice, deck)[0].checked


def test_the_search_skips_once_the_new_card_budget_is_spent(app, make_user):
    alice = make_user("alice")
    alice.new_per_day = 1
    source = _article()
    _questions(source, 4)
    deck = service.article_deck(source.slug)
    shown = service.next_card(alice, deck, now=NOW)
    assert _cards(alice) == 1  # the budget, not the deck
    service.grade(alice, shown.card.id, 4, "r-1", deck=deck, now=NOW)
    heads, today = _heads(alice, deck)
    assert today.new_done == 1
    assert heads.new is None and heads.uncarded_question_id is None  # three left, but none may come today
    assert not heads.checked  # and the deck is not marked: it is not fully carded
    assert db.session.get(StudyDeckChecked, (alice.id, deck.filter.key)) is None


def test_a_marker_from_an_older_revision_is_ignored(app, make_user):
    alice = make_user("alice")
    source = _article()
    _questions(source, 2)
    deck = service.article_deck(source.slug)
    d = driver()
    queries.mark_checked(d, alice.id, deck.filter, _revision() - 1)
    d.commit()
    heads, _ = _heads(alice, deck)
    assert not heads.checked and heads.uncarded_question_id is not None


def test_deck_keys_fit_the_column_and_differ_by_deck():
    many = tuple(range(1000, 1100))
    keys = {
        queries.EVERYTHING.key,
        queries.DeckFilter("article", (("deck_article_id", 7),)).key,
        queries.DeckFilter("article", (("deck_article_id", 8),)).key,
        queries.DeckFilter("topic", (("deck_topic", "key-figures"),)).key,
        queries.DeckFilter("course", (("deck_article_ids", many), ("deck_topics", ("a",)))).key,
        queries.DeckFilter("course", (("deck_article_ids", many), ("deck_topics", ("b",)))).key,
    }
    assert len(keys) == 6
    assert all(len(key) <= 64 for key in keys)
