"""The queue (app/study/queries.py): the heads and today's answers in one statement, what is left in
another, with every state mixed, deck filters, the daily limits and the count cap, checked against a
world built row by row."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import event, insert

from app.extensions import db
from app.models import Article, Card, Question, ReviewLog, StudyDay
from app.study import queries, service
from app.study.prepared import driver
from app.study.scheduler import Limits, day_bounds, remaining_today, study_day

NOW = datetime(2026, 5, 6, 15, 0, tzinfo=UTC)  # study day 2026-05-06 in UTC: 04:00 to 04:00 the next day
DAY = date(2026, 5, 6)
DAY_START, DAY_END = day_bounds(DAY, "UTC")
MIN, HOUR, DAY_LENGTH = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
_uids = count(1)


def article(slug: str) -> Article:
    row = Article(slug=slug, title=slug.title(), raw_text="Text.", body="Text.", content_sha256="0" * 64)
    db.session.add(row)
    db.session.flush()
    return row


def question(source: Article | None, topic: str = "key-figures", status: str = "approved") -> Question:
    number = next(_uids)
    row = Question(
        uid=f"queue-{number:04d}",
        qtype="tf",
        stem=f"Statement number {number} is true.",
        answer=True,
        topic=topic,
        status=status,
        article_id=source.id if source else None,
        source_start=number,
    )
    db.session.add(row)
    db.session.flush()
    return row


def card(user, on: Question, state: int, due: datetime) -> Card:
    reviewed = state != 0
    row = Card(
        user_id=user.id,
        question_id=on.id,
        state=state,
        step=0 if state in (1, 3) else None,
        stability=5.0 if reviewed else None,
        difficulty=5.0 if reviewed else None,
        due=due,
        last_review=min(due, NOW) - DAY_LENGTH if reviewed else None,
        reps=3 if reviewed else 0,
        lapses=0,
    )
    db.session.add(row)
    db.session.flush()
    return row


def log(user, on: Card, state_before: int, at: datetime) -> None:
    """A review log row and its count in the study day, as a grade writes them."""
    db.session.add(
        ReviewLog(
            user_id=user.id,
            card_id=on.id,
            request_id=f"log-{next(_uids)}",
            rating=3,
            reviewed_at=at,
            state_before=state_before,
            due_before=at - DAY_LENGTH,
            reps_before=0,
            lapses_before=0,
        )
    )
    day = study_day(at, user.timezone)
    tally = db.session.get(StudyDay, (user.id, day))
    if tally is None:
        tally = StudyDay(user_id=user.id, day=day, new_done=0, reviews_done=0, done=0)
        db.session.add(tally)
    tally.new_done += state_before == 0
    tally.reviews_done += state_before == 2
    tally.done += 1
    db.session.flush()


def read(user, deck: queries.DeckFilter = queries.EVERYTHING, new_limit: int = 20, review_limit: int = 200):
    d = driver()
    heads, today = queries.read_pick(d, user.id, deck, DAY, DAY_END, new_limit)
    counts = queries.read_counts(d, user.id, deck, NOW, DAY_END, new_limit, review_limit, today, heads)
    return heads, counts


@pytest.fixture
def world(app, make_user):
    """Alice's cards in every state over two articles, and what must not count: Bob's cards and logs,
    a retired question's card, an unapproved question, yesterday's answers."""
    alice, bob = make_user("alice"), make_user("bobby")
    one, two = article("one"), article("two")
    w = {"alice": alice, "bob": bob, "one": one, "two": two}
    w["new"] = [card(alice, question(one), 0, NOW - HOUR), card(alice, question(two, "risks"), 0, NOW - MIN)]
    w["learning_due"] = card(alice, question(one), 1, NOW - 5 * MIN)
    w["learning_later"] = card(alice, question(two), 1, NOW + 30 * MIN)
    w["relearning_due"] = card(alice, question(two, "risks"), 3, NOW - MIN)
    w["overdue"] = card(alice, question(one), 2, NOW - 2 * DAY_LENGTH)
    w["due_tonight"] = card(alice, question(two), 2, DAY_END - HOUR)
    w["due_tomorrow"] = card(alice, question(one), 2, DAY_END + HOUR)
    card(alice, question(one, status="retired"), 2, NOW - 3 * DAY_LENGTH)  # would be the review head
    w["uncarded"] = [question(one), question(one), question(two, "risks")]
    question(one, status="candidate")  # not approved: never a new card
    bobs = card(bob, w["uncarded"][0], 2, NOW - DAY_LENGTH)  # Bob's card leaves it uncarded for Alice
    for at, state_before in [(NOW - HOUR, 0), (NOW - 2 * HOUR, 0), (NOW - 3 * HOUR, 2), (NOW - 4 * HOUR, 1)]:
        log(alice, w["learning_due"], state_before, at)
    for hours in range(5):
        log(alice, w["overdue"], 2, DAY_START - (hours + 1) * HOUR)  # yesterday's study day
    for hours in range(3):
        log(bob, bobs, 0, NOW - hours * HOUR)
    db.session.commit()
    return w


def test_counts_and_heads_with_every_state_mixed(world):
    heads, counts = read(world["alice"])
    # New: two new cards and three approved questions without a card. Learning: due ones only.
    assert counts.available == service.QueueCounts(new=5, learning=2, review=2)
    assert (counts.new_done, counts.reviews_done, counts.done) == (2, 1, 4)
    assert not counts.capped
    assert heads.learning.id == world["learning_due"].id  # earlier than the relearning card
    assert heads.review.id == world["overdue"].id  # the retired question's card is skipped
    assert heads.new.id == world["new"][0].id
    assert heads.uncarded_question_id is None  # not searched: the deck has new cards


def test_heads_carry_the_question_for_the_faces(world):
    heads, _ = read(world["alice"])
    assert heads.review.question["stem"].startswith("Statement number")
    assert heads.review.question["article_slug"] == "one"


def test_deck_filters_narrow_heads_and_counts(world):
    two = queries.DeckFilter("article", (("deck_article_id", world["two"].id),))
    heads, counts = read(world["alice"], two)
    assert counts.available == service.QueueCounts(new=2, learning=1, review=1)
    assert heads.learning.id == world["relearning_due"].id
    assert heads.review.id == world["due_tonight"].id
    risks = queries.DeckFilter("topic", (("deck_topic", "risks"),))
    _, counts = read(world["alice"], risks)
    assert counts.available == service.QueueCounts(new=2, learning=1, review=0)
    course = queries.DeckFilter(
        "course", (("deck_article_ids", (world["one"].id,)), ("deck_topics", ("risks",)))
    )
    _, counts = read(world["alice"], course)
    assert counts.available == service.QueueCounts(new=5, learning=2, review=1)
    # The answers of the day count whatever the deck: the limits are the student's, not the deck's.
    assert counts.done == 4


@pytest.mark.parametrize(("new_limit", "new_left"), [(0, 0), (2, 0), (3, 1), (10, 5)])
def test_new_cards_and_questions_without_cards_stop_at_the_new_limit(world, new_limit, new_left):
    # Two new cards were answered today already; 2 new cards and 3 questions without one are left.
    _, counts = read(world["alice"], new_limit=new_limit)
    left = remaining_today(Limits(new_limit, 200), counts.new_done, counts.reviews_done, counts.available)
    assert left.new == new_left


def test_a_student_with_nothing_has_zero_counts_and_no_heads(world, make_user):
    heads, counts = read(make_user("carol"))
    approved = db.session.scalar(db.select(db.func.count()).where(Question.status == "approved"))
    assert counts.available == service.QueueCounts(new=approved, learning=0, review=0)
    assert (counts.done, heads.learning, heads.review, heads.new) == (0, None, None, None)
    assert heads.uncarded_question_id is not None


def test_counts_stop_at_the_cap_and_say_so(app, make_user):
    alice = make_user("alice")
    source = article("big")
    total = queries.COUNT_CAP + 30
    question_ids = db.session.scalars(
        insert(Question).returning(Question.id),
        [
            {"uid": f"big-{i:04d}", "qtype": "tf", "stem": f"Big {i}.", "answer": True, "topic": "t",
             "status": "approved", "article_id": source.id}
            for i in range(total)
        ],
    ).all()  # fmt: skip
    db.session.execute(
        insert(Card),
        [
            {"user_id": alice.id, "question_id": qid, "state": 2, "stability": 5.0, "difficulty": 5.0,
             "due": NOW - HOUR, "last_review": NOW - DAY_LENGTH, "reps": 1, "lapses": 0}
            for qid in question_ids
        ],
    )  # fmt: skip
    db.session.commit()
    _, counts = read(alice, review_limit=10_000)
    assert counts.available.review == queries.COUNT_CAP and counts.capped
    _, counts = read(alice, review_limit=total - 1)
    assert counts.available.review == queries.COUNT_CAP and counts.capped
    _, counts = read(alice, review_limit=30)
    assert counts.available.review == 30 and not counts.capped
    service.update_settings(alice, 0.9, 20, 10_000, "UTC")
    shown = service.next_card(alice, service.everything(), now=NOW)
    assert shown.queue == "review" and shown.remaining_capped


def test_limits_hold_through_a_whole_session(world):
    """Reviews first, new cards count against the review limit, then nothing but learn-ahead."""
    alice = world["alice"]
    service.update_settings(alice, 0.9, 5, 3, "UTC")
    deck = service.everything()
    seen = []
    for number in range(20):
        shown = service.next_card(alice, deck, now=NOW)
        if not isinstance(shown, service.Shown):
            break
        seen.append(shown.queue)
        service.grade(alice, shown.card.id, 4, f"s{number}", deck=deck, now=NOW)  # Easy: gone for days
    # Today already: 2 new and 1 review answered (the world's logs), so 3 - 3 = 0 left in the review
    # budget: only the learning cards due now are shown, and the new cards wait for tomorrow.
    assert seen == ["learning", "learning"]
    service.update_settings(alice, 0.9, 5, 6, "UTC")
    for number in range(20):
        shown = service.next_card(alice, deck, now=NOW)
        if not isinstance(shown, service.Shown):
            break
        seen.append(shown.queue)
        service.grade(alice, shown.card.id, 4, f"t{number}", deck=deck, now=NOW)
    # Three more in the budget: the two due reviews first, then one new card. The learning card due in
    # 30 minutes is beyond the 20 minutes of learn-ahead: done for now.
    assert seen[2:] == ["review", "review", "new"]


def test_next_card_is_one_statement_and_a_grade_three(world, request):
    alice, deck = world["alice"], service.everything()
    # The steady state: today's new cards exist, so no search for questions without a card.
    service.update_settings(alice, 0.9, 2, 200, "UTC")
    assert alice.timezone == "UTC"  # the user row is loaded before counting, as a request would have it
    # Every statement the engine runs, study statements included: they run on the session's connection.
    statements: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    commits: list[int] = []

    def on_commit(_conn) -> None:
        commits.append(1)

    event.listen(db.engine, "before_cursor_execute", on_execute)
    event.listen(db.engine, "commit", on_commit)
    request.addfinalizer(lambda: event.remove(db.engine, "before_cursor_execute", on_execute))
    request.addfinalizer(lambda: event.remove(db.engine, "commit", on_commit))
    shown = service.next_card(alice, deck, now=NOW)
    assert len(statements) == 1, statements
    assert shown.faces.front_text.startswith("Statement number")  # from the same row
    assert shown.buttons[2].label == "Good"  # computed, not read
    assert len(statements) == 1, statements
    assert shown.remaining >= 1  # the progress bar's counts: read when the page shows them
    assert len(statements) == 2, statements
    statements.clear()
    service.grade(alice, shown.card.id, 3, "one-statement", deck=deck, now=NOW)
    # The log row (copying and returning the card's prior state), the card's new state, the day's count,
    # and one commit.
    assert [s.split()[0] for s in statements] == ["INSERT", "UPDATE", "INSERT"], statements
    assert "review_log" in statements[0] and "RETURNING" in statements[0]
    assert "study_day" in statements[-1]
    assert len(commits) == 1
    statements.clear()
    assert alice.timezone == "UTC"  # the study commit left the user loaded: no reload
    assert statements == []


def test_a_retry_after_the_card_came_due_again_replays_the_first_grade(world):
    """The retry passes every check (the card is due again), so the unique request id decides."""
    alice, deck = world["alice"], service.everything()
    target = world["learning_due"].id
    first = service.grade(alice, target, 1, "same-request", deck=deck, now=NOW)  # Again: due in 1 minute
    later = NOW + 5 * MIN
    again = service.grade(alice, target, 1, "same-request", deck=deck, now=later)
    assert again.replayed and (again.state, again.due) == (first.state, first.due)
    logs = db.session.scalar(db.select(db.func.count()).where(ReviewLog.card_id == target))
    assert logs == 5  # the world's four and this one
    db.session.expire_all()
    assert db.session.get(Card, target).reps == 4


def test_a_card_loaded_through_the_orm_sees_the_grade(world):
    alice = world["alice"]
    loaded = db.session.get(Card, world["learning_due"].id)
    reps = loaded.reps
    service.grade(alice, loaded.id, 3, "orm-view", now=NOW)
    assert loaded.reps == reps + 1  # the study commit expired it, so it reads the new row
