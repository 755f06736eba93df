"""The study service: decks, the next card by index, grading with idempotent retries, undo and settings.

Every function is scoped to one user and takes an optional `now` (tests inject it); each write is one
transaction committed here. The scheduling itself is the pure core in app/study/scheduler.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select

from app.bank.convert import canonical_fields
from app.extensions import db
from app.inputs import CONTROL, parse_id
from app.models import Article, Course, Question, QuizItem, User
from app.models.quiz import Quiz
from app.policy import can_view_course
from app.quizzes.integrity import held_questions, held_quizzes, not_held
from app.study import queries
from app.study.cards import CardFaces, card_faces
from app.study.prepared import driver
from app.study.queries import EVERYTHING, CardRow, DeckFilter
from app.study.scheduler import (
    DEFAULT_PARAMETERS,
    LEARN_AHEAD,
    RATINGS,
    STATE_LEARNING,
    STATE_NEW,
    STATE_RELEARNING,
    STATE_REVIEW,
    Candidate,
    CardData,
    Limits,
    QueueCounts,
    QueueHeads,
    day_bounds,
    format_interval,
    pick_next,
    preview_intervals,
    remaining_today,
    review,
    study_day,
)

REQUEST_ID_MAX = 64


class StudyError(Exception):
    """A refused study action: an HTTP status, a message for the student, a stable code for the API."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


# --- Decks -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deck:
    """What to study: everything ("all"), one article (its slug), one topic, or one course (its id).

    `spec` ("all", "article:<slug>", "topic:<topic>", "course:<id>") travels in the grade form, so the
    server rebuilds the deck to redirect to and to check learn-ahead, without trusting a URL.
    """

    kind: str
    key: str
    title: str
    filter: DeckFilter = EVERYTHING

    @property
    def spec(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.key}"


def everything() -> Deck:
    return Deck("all", "", "Everything due")


def article_deck(slug: str) -> Deck:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise StudyError(404, f"There is no article {slug!r}.", "no_article")
    return Deck("article", slug, article.title, DeckFilter("article", (("deck_article_id", article.id),)))


def topic_deck(topic: str) -> Deck:
    if not db.session.scalar(select(exists().where(Question.topic == topic, Question.status == "approved"))):
        raise StudyError(404, f"No approved questions have the topic {topic!r}.", "no_topic")
    return Deck("topic", topic, f"Topic: {topic}", DeckFilter("topic", (("deck_topic", topic),)))


def course_deck(user: User, course_id: int) -> Deck:
    """The approved questions of the articles (fixed items) and topics (random draws) the course's
    quizzes use; a course without quizzes studies the whole approved bank."""
    course = db.session.get(Course, course_id)
    if course is None:
        raise StudyError(404, "There is no such course.", "no_course")
    if not can_view_course(user, course):
        raise StudyError(403, "You are not a member of this course.", "not_member")
    in_course = QuizItem.quiz_id.in_(select(Quiz.id).where(Quiz.course_id == course.id))
    article_ids = select(Question.article_id).join(QuizItem, QuizItem.question_id == Question.id)
    article_ids = article_ids.where(in_course, Question.article_id.is_not(None))
    topics = select(QuizItem.draw_topic).where(in_course, QuizItem.draw_topic.is_not(None))
    used_articles = sorted(set(db.session.scalars(article_ids)))
    used_topics = sorted(set(db.session.scalars(topics)))
    deck_filter = EVERYTHING
    if used_articles or used_topics:
        params = (("deck_article_ids", tuple(used_articles)), ("deck_topics", tuple(used_topics)))
        deck_filter = DeckFilter("course", params)
    return Deck("course", str(course.id), course.title, deck_filter)


def deck_from_spec(user: User, spec: str) -> Deck:
    kind, _, key = (spec or "all").partition(":")
    if kind == "article" and key:
        return article_deck(key)
    if kind == "topic" and key:
        return topic_deck(key)
    if kind == "course" and key:
        return course_deck(user, parse_id(key, "deck") or 0)
    return everything()


# --- Reading the queues ----------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def done_today(user: User, now: datetime) -> queries.Today:
    """Answers today in the user's study day (new, review, all), from its study_day row."""
    return queries.done_today(driver(), user.id, study_day(now, user.timezone))


def parameters_of(user: User) -> tuple[float, ...]:
    """The student's FSRS parameters: their own once the optimiser kept a fit (app/study/optimize.py),
    else the defaults. Read from the user row the request loaded already: no statement."""
    return tuple(user.fsrs_parameters) if user.fsrs_parameters else DEFAULT_PARAMETERS


def limits_of(user: User) -> Limits:
    return Limits(new_per_day=user.new_per_day, reviews_per_day=user.reviews_per_day)


@dataclass(frozen=True)
class Queue:
    heads: QueueHeads
    budget: QueueCounts  # the heads the daily limits still allow (1 or 0 each): enough to choose
    today: queries.Today
    day_end: datetime
    cards: dict[int, CardRow]  # the head cards by id, so the picked one needs no second read
    rows: queries.Heads


def _spent(today: queries.Today, card: CardRow | None) -> queries.Today:
    """Today's answers with `card` (the one on screen, being graded) counted as answered."""
    if card is None:
        return today
    state = card.data.state
    return queries.Today(
        today.new_done + (state == STATE_NEW), today.reviews_done + (state == STATE_REVIEW), today.done + 1
    )


def _queue(user: User, deck: Deck, now: datetime, after: CardRow | None = None) -> Queue:
    """The queue heads and today's answers, in one statement (see app/study/queries.py). With `after`
    (the card on screen), that card is left out and counted as answered: what comes after it.

    Choosing needs no count of what is available: the review queue goes first while the review budget
    lasts, so new cards only come up when there is no review head or no budget, and in both cases
    `remaining_today` gives the same yes or no for "a head" as for the whole queue.
    """
    tz = user.timezone
    day = study_day(now, tz)
    _, day_end = day_bounds(day, tz)
    exclude = after.id if after is not None else 0
    heads, today = queries.read_pick(driver(), user.id, deck.filter, day, day_end, user.new_per_day, exclude)
    today = _spent(today, after)
    cards = {row.id: row for row in (heads.learning, heads.review, heads.new) if row is not None}
    new = Candidate(heads.new.id, heads.new.data) if heads.new is not None else None
    queue_heads = QueueHeads(
        learning=Candidate(heads.learning.id, heads.learning.data) if heads.learning else None,
        review=Candidate(heads.review.id, heads.review.data) if heads.review else None,
        new=new,
    )
    present = QueueCounts(new=int(new is not None), learning=0, review=int(heads.review is not None))
    budget = remaining_today(limits_of(user), today.new_done, today.reviews_done, present)
    return Queue(queue_heads, budget, today, day_end, cards, heads)


def _left_today(
    user: User, deck: Deck, now: datetime, queue: Queue, after: CardRow | None = None
) -> tuple[int, bool]:
    """(cards left today, whether a count stopped at queries.COUNT_CAP): the progress bar's numbers.
    With `after` (the card being graded), as they will be once it is answered: it no longer counts."""
    limits = limits_of(user)
    counts = queries.read_counts(
        driver(), user.id, deck.filter, now, queue.day_end, limits.new_per_day, limits.reviews_per_day,
        queue.today, queue.rows,
    )  # fmt: skip
    available = counts.available
    if after is not None:  # the read counted it where it still is: in its queue, if due
        data = after.data
        available = QueueCounts(
            new=max(0, available.new - (data.state == STATE_NEW)),
            learning=max(
                0, available.learning - (data.state in (STATE_LEARNING, STATE_RELEARNING) and data.due <= now)
            ),
            review=max(0, available.review - (data.state == STATE_REVIEW and data.due < queue.day_end)),
        )
    remaining = remaining_today(limits, queue.today.new_done, queue.today.reviews_done, available)
    return max(_total(remaining), 1), counts.capped


def _materialise(user: User, deck: Deck, now: datetime, count: int) -> None:
    """Create, in one transaction, the cards of the next `count` questions of the deck without one
    (what today's new-card budget leaves): the new queue then reads them by index. When fewer than
    `count` were left, the deck is now fully carded: mark it so (at the bank revision the search read),
    and the pick stops searching the bank until the bank changes.
    """
    d = driver()
    question_ids, revision = queries.next_uncarded(d, user.id, deck.filter, count)
    try:
        if question_ids:
            queries.insert_new_cards(d, user.id, question_ids, now)
        if len(question_ids) < count:
            queries.mark_checked(d, user.id, deck.filter, revision)
        d.commit()
    except d.integrity_errors:
        # Another window created cards of this deck at the same moment: the next read sees them.
        d.rollback()


def _mark_checked(user: User, deck: Deck, revision: int) -> None:
    """The pick searched the deck for a question without a card and found none: remember it."""
    d = driver()
    try:
        queries.mark_checked(d, user.id, deck.filter, revision)
        d.commit()
    except BaseException:
        d.rollback()
        raise


# --- The card on screen ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    rating: int
    label: str
    interval: str


@dataclass(frozen=True)
class Shown:
    """One card chosen to study, with what the page shows around it.

    Only choosing is done up front. The question's faces, the intervals on the four buttons and the
    numbers of the progress bar are worked out when the page first asks for them: grading never needs
    them, and a client that only wants the card's id does not pay for them.
    """

    card: CardRow
    queue: str
    early: bool
    done: int
    now: datetime
    retention: float
    left: Callable[[], tuple[int, bool]]  # (cards left today, capped at queries.COUNT_CAP)
    timezone: str = "UTC"
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS  # the student's FSRS parameters

    @cached_property
    def buttons(self) -> list[Button]:
        """Again/Hard/Good/Easy with the interval each would give at `now`. The page sends `shown_at`
        back with the grade, which schedules at that same moment: the card gets what its button said."""
        data = self.card.data
        intervals = preview_intervals(data, self.scheduled_at, self.retention, self.timezone, self.parameters)
        return [Button(r, LABELS[r], format_interval(intervals[r])) for r in RATINGS]

    @property
    def scheduled_at(self) -> datetime:
        return max(self.now, self.card.data.last_review or self.now)

    @property
    def shown_at(self) -> int:
        """`scheduled_at` in epoch milliseconds, as the grade form carries it."""
        return math.ceil(self.scheduled_at.timestamp() * 1000)

    @cached_property
    def _left(self) -> tuple[int, bool]:
        return self.left()

    @property
    def remaining(self) -> int:
        return self._left[0]

    @property
    def remaining_capped(self) -> bool:
        """Whether a count stopped at queries.COUNT_CAP ("200+ left")."""
        return self._left[1]

    @cached_property
    def question(self) -> SimpleNamespace:
        """The question's columns as attributes (a read-only view: no ORM object is built for a card)."""
        columns = self.card.question
        if columns is None:
            columns = queries.read_faces(driver(), self.card.question_id)
        # `article` is what canonical_fields falls back on without a slug: no article, no source link.
        return SimpleNamespace(**columns, id=self.card.question_id, article=None)

    @property
    def article_slug(self) -> str | None:
        return self.question.article_slug

    @property
    def sentence_id(self) -> str | None:
        return self.question.sentence_ids[0] if self.question.sentence_ids else None

    @cached_property
    def faces(self) -> CardFaces:
        # card_faces validates the columns itself: one validation, not a canonical dict validated again.
        return card_faces(canonical_fields(self.question, self.article_slug))


@dataclass(frozen=True)
class Start:
    """The deck must be prepared before a card can be chosen (see `start`); `done`: answers today."""

    done: int


@dataclass(frozen=True)
class Done:
    """Nothing to study now; `come_back_at` is when the next learning card is due today, if any."""

    done: int
    come_back_at: datetime | None
    timezone: str = "UTC"

    @property
    def come_back_local(self) -> datetime | None:
        """`come_back_at` on the student's clock (their study-settings time zone)."""
        return self.come_back_at.astimezone(ZoneInfo(self.timezone)) if self.come_back_at else None


LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def _total(counts: QueueCounts) -> int:
    return counts.new + counts.learning + counts.review


def next_card(
    user: User, deck: Deck, now: datetime | None = None, after: Any = None, prepare: bool = True
) -> Shown | Done | Start:
    """The card to study next in `deck`, or Done.

    The deck is first prepared when it needs it (see `start`): cards of new questions are created in
    one batch, for today's new-card budget, or the deck is marked fully carded. With `prepare=False`
    (every GET: a page read writes nothing) the answer is then Start, and the page posts `start`.

    `after`: the id of the card on screen. The page asks for the card after it while its grade is being
    given, so that the next card shows at once: that card is left out and counted as answered (in the
    daily limits and the progress numbers). Not the student's card: a 404 StudyError.
    """
    now = _now(now)
    on_screen = _own_card(user, after)[0] if after is not None else None
    for _attempt in range(3):
        queue = _queue(user, deck, now, on_screen)
        if not _needs_start(user, deck, queue):
            return _pick(user, deck, now, queue, on_screen)
        if not prepare:
            return Start(queue.today.done)
        _prepare(user, deck, now, queue)
    return _pick(user, deck, now, queue, on_screen)


def start(user: User, deck: Deck, now: datetime | None = None) -> None:
    """Prepare the deck for the pick, in one transaction (POST /study/start; GETs never write):

    - when the pick found a question of the deck without a card while new cards are allowed today,
      create the cards of the next questions for today's new-card budget (`_materialise`);
    - when it searched and found every question carded, mark the deck so (StudyDeckChecked) at the bank
      revision it read: the pick stops searching the bank until the bank changes.

    Either way the search runs about once per deck and day, never per card shown. Nothing to do: nothing
    written (a second start from another window, or after the deck was prepared)."""
    now = _now(now)
    queue = _queue(user, deck, now)
    if _needs_start(user, deck, queue):
        _prepare(user, deck, now, queue)


def _new_left(user: User, queue: Queue) -> int:
    return user.new_per_day - queue.today.new_done


def _needs_start(user: User, deck: Deck, queue: Queue) -> bool:
    rows = queue.rows
    if rows.uncarded_question_id is not None:
        return True  # created even when a review comes first: otherwise every pick would search again
    # The pick searched (no new card, budget left, no marker) and found every question carded; not while
    # a question without a card is held back by an open quiz (queries.mark_checked would not mark).
    searched = rows.new is None and not rows.checked and _new_left(user, queue) > 0
    return searched and not queries.held_uncarded(driver(), user.id, deck.filter)


def _prepare(user: User, deck: Deck, now: datetime, queue: Queue) -> None:
    if queue.rows.uncarded_question_id is not None:
        _materialise(user, deck, now, max(1, _new_left(user, queue)))
    else:
        _mark_checked(user, deck, queue.rows.revision)


def _pick(user: User, deck: Deck, now: datetime, queue: Queue, after: CardRow | None) -> Shown | Done:
    picked = pick_next(queue.heads, queue.budget, now, queue.day_end)
    if picked is None:
        head = queue.heads.learning
        come_back = head.card.due if head is not None and head.card.due < queue.day_end else None
        return Done(queue.today.done, come_back, user.timezone)
    card = queue.cards[picked.card_id]
    left = partial(_left_today, user, deck, now, queue, after)
    return Shown(
        card,
        picked.queue,
        picked.early,
        queue.today.done,
        now,
        user.desired_retention,
        left,
        user.timezone,
        parameters_of(user),
    )


def show_card(user: User, card_id: Any, deck: Deck | None = None, now: datetime | None = None) -> Shown:
    """A given card of the user (after undo, the card just restored), whatever its queue position, with
    the deck's progress numbers as they are (the restored card counts where it now sits).

    A 409 StudyError when a grade of it would be refused now (retired, or not due: answered since)."""
    now = _now(now)
    card, status = _own_card(user, card_id)
    if status != "approved":
        raise StudyError(409, "This question has been retired and is no longer studied.", "retired")
    deck = deck or everything()
    # Only a card its grade would accept: a link to a card answered since (a reload of the undo's
    # ?card=X) would otherwise show a card whose grade is refused, again and again.
    _check_due(user, card.data, deck, now)
    queue = _queue(user, deck, now)
    left = partial(_left_today, user, deck, now, queue)
    return Shown(
        card,
        "undo",
        False,
        queue.today.done,
        now,
        user.desired_retention,
        left,
        user.timezone,
        parameters_of(user),
    )


# Card ids are INTEGER columns (32 bits on PostgreSQL, like app.security.IdConverter's limit): a larger
# number cannot name a card, and binding it would fail in the driver.
_MAX_ID = 2**31 - 1


def _card_number(card_id: Any) -> int:
    """A card id from a request as a number; 0 (no card) for anything that cannot name one."""
    try:
        number = int(card_id)
    except (TypeError, ValueError, OverflowError):
        return 0
    return number if 0 < number <= _MAX_ID else 0


def _own_card(user: User, card_id: Any) -> tuple[CardRow, str]:
    """The user's card `card_id` and its question's status; anything else is a 404."""
    card_id = _card_number(card_id)
    found = queries.read_own_card(driver(), user.id, card_id) if card_id else None
    if found is None:  # another student's card looks exactly like a missing one
        raise StudyError(404, "There is no such card.", "no_card")
    return found


# --- Grading and undo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graded:
    card_id: int
    rating: int
    state: int
    due: datetime
    interval: str
    replayed: bool  # True when this answers a retried request that was already graded

    def to_dict(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "rating": self.rating,
            "state": self.state,
            "due": self.due.isoformat(),
            "interval": self.interval,
            "replayed": self.replayed,
        }


def parse_rating(value: Any) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if rating not in RATINGS or str(value).strip() not in {str(r) for r in RATINGS}:
        raise StudyError(422, "The grade must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).", "bad_rating")
    return rating


def _check_request_id(request_id: Any) -> str:
    text = str(request_id or "").strip()
    if not text or len(text) > REQUEST_ID_MAX or CONTROL.search(text):  # PostgreSQL cannot store NUL
        raise StudyError(
            422,
            f"request_id is required (at most {REQUEST_ID_MAX} characters, no control characters); "
            "reload the page.",
            "bad_request_id",
        )
    return text


def _duration(duration_ms: Any) -> int | None:
    try:
        return max(0, min(int(duration_ms), 86_400_000)) if duration_ms not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None


def _earlier_answer(user: User, request_id: str) -> Graded | None:
    """The answer already given to `request_id`, recomputed from its log (FSRS is deterministic here)."""
    row = queries.earlier_answer(driver(), user.id, request_id)
    if row is None:
        return None
    card_id, rating, reviewed_at, before = row
    after = review(before, rating, reviewed_at, user.desired_retention, user.timezone, parameters_of(user))
    return Graded(card_id, rating, after.state, after.due, format_interval(after.due - reviewed_at), True)


def _check_due(user: User, card: CardData, deck: Deck, now: datetime) -> None:
    if card.state == STATE_NEW or card.due <= now:
        return
    _, day_end = day_bounds(study_day(now, user.timezone), user.timezone)
    if card.state == STATE_REVIEW and card.due < day_end:
        return
    if card.state in (STATE_LEARNING, STATE_RELEARNING) and card.due <= now + LEARN_AHEAD:
        queue = _queue(user, deck, now)
        picked = pick_next(queue.heads, queue.budget, now, queue.day_end)
        if picked is not None and picked.early:
            return
    raise StudyError(409, "This card is not due yet.", "not_due")


# How long the intervals a page showed stay valid: a grade sent later is scheduled when it arrives.
SHOWN_VALID_FOR = timedelta(hours=1)


def _scheduled_at(shown_at: Any, card: CardData, now: datetime) -> datetime:
    """When to schedule a grade: the moment its buttons were computed (the page's `shown_at`, epoch ms),
    so the card gets the interval its button showed even across a day boundary; `now` when the page
    sent none, or a time before the card's last review, in the future or older than SHOWN_VALID_FOR."""
    try:
        at = datetime.fromtimestamp(int(shown_at) / 1000, UTC) if shown_at not in (None, "") else None
    except (TypeError, ValueError, OverflowError, OSError):
        at = None
    if at is None or at > now or now - at > SHOWN_VALID_FOR:
        return now
    if card.last_review is not None and at < card.last_review:
        return now
    return at


def grade(
    user: User,
    card_id: Any,
    rating: Any,
    request_id: Any,
    duration_ms: Any = None,
    deck: Deck | None = None,
    now: datetime | None = None,
    shown_at: Any = None,
) -> Graded:
    """Grade a card in one transaction of three statements and one commit: the review log row (an INSERT
    that copies the card's prior state from its row and returns it), the card's new state, and the day's
    count (see app/study/queries.py log_grade and save_grade).

    The card is scheduled at `shown_at` (see `_scheduled_at`): the log's reviewed_at is that moment,
    the one its intervals were computed for, and the think time is in duration_ms.

    A retried request_id returns the original result without grading again. The unique
    (user_id, request_id) decides: the log row goes in first, and a duplicate rolls everything back
    and answers from the earlier log, so the common case costs no lookup. A refused grade (not due,
    retired, not found) also answers from an earlier log when there is one: the retry of a grade that
    went through must not be refused because the card has moved on since.
    """
    now = _now(now)
    rating = parse_rating(rating)
    request_id = _check_request_id(request_id)
    number = _card_number(card_id)
    shown = _scheduled_at(shown_at, CardData.new(now), now)  # the card's last review is checked in SQL
    d = driver()
    try:
        logged = queries.log_grade(d, user.id, number, request_id, rating, shown, now, _duration(duration_ms))
    except d.integrity_errors:
        d.rollback()
        if (earlier := _earlier_answer(user, request_id)) is None:
            raise
        return earlier
    except BaseException:
        d.rollback()
        raise
    if logged is None:
        d.rollback()
        return _refused(user, number, request_id)
    at, before = logged
    try:
        _check_due(user, before, deck or everything(), now)
        after = review(before, rating, at, user.desired_retention, user.timezone, parameters_of(user))
        written = queries.save_grade(d, user.id, number, before, after, study_day(at, user.timezone))
    except BaseException:
        d.rollback()
        raise
    if not written:
        d.rollback()
        raise StudyError(409, "This card was just graded in another window; reload the page.", "conflict")
    d.commit()
    return Graded(number, rating, after.state, after.due, format_interval(after.due - at), False)


def _refused(user: User, number: int, request_id: str) -> Graded:
    """Why a grade wrote nothing (no such card, another student's, retired), unless it is the retry of a
    grade that went through before the card moved on: then that grade's answer."""
    if (earlier := _earlier_answer(user, request_id)) is not None:
        return earlier
    _card, status = _own_card(user, number)
    if status != "approved":
        raise StudyError(409, "This question has been retired and can no longer be graded.", "retired")
    raise StudyError(409, "This card was just graded in another window; reload the page.", "conflict")


def undo_last(user: User, now: datetime | None = None) -> int:
    """Undo the user's last answer: restore the card from its snapshot, delete the log and take the
    answer back from the day it was counted in, in one transaction.

    Like Anki, undo takes back the last answer given, whatever its card or the day its buttons were
    computed for: the last log row written, not the latest reviewed_at (a prefetched card's shown_at can
    be earlier than the card answered before it). The window is the current and the previous study day,
    so a grade scheduled at 03:59 and undone at 04:01 is found; older answers are history, not undone.
    The count comes off study_day(reviewed_at), the day `grade` counted it in.

    Returns the restored card's id. Nothing to undo in the window raises a 409 StudyError.
    """
    now = _now(now)
    today = study_day(now, user.timezone)
    since, _ = day_bounds(today - timedelta(days=1), user.timezone)
    d = driver()
    try:
        row = queries.last_answer(d, user.id, since)
        if row is None:
            raise StudyError(409, "There is nothing to undo today.", "nothing_to_undo")
        log_id, card_id, reviewed_at, before = row
        queries.restore_card(d, user.id, card_id, before)
        queries.delete_log(d, log_id)
        queries.uncount_answer(d, user.id, study_day(reviewed_at, user.timezone), before.state)
    except BaseException:
        d.rollback()
        raise
    d.commit()
    return card_id


# --- Settings --------------------------------------------------------------------------------------


def update_settings(
    user: User,
    retention: float,
    new_per_day: int,
    reviews_per_day: int,
    timezone: str,
    shortcuts: bool = True,
) -> None:
    """Save validated study settings (the form validates; the CHECK constraints back it up)."""
    user.study_shortcuts = bool(shortcuts)
    user.desired_retention = float(retention)
    user.new_per_day = int(new_per_day)
    user.reviews_per_day = int(reviews_per_day)
    user.timezone = timezone
    db.session.commit()


# --- Decks ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeckChoices:
    """The decks a user can study, each with the cards it holds for them, and what an open quiz holds back."""

    articles: list[tuple[str, str, int]]  # (slug, title, cards)
    topics: list[tuple[str, str, int]]  # (topic, topic, cards)
    held: int  # approved questions out of this user's decks while a quiz that asks them is open
    held_by: list[str]  # the titles of those quizzes


def deck_choices(user: User) -> DeckChoices:
    """Decks with approved questions the user can study: articles and topics with their counts. The fixed
    questions of an open quiz the user is a student in are not counted (they are not in the decks either,
    README "Exam integrity"); how many there are, and which quizzes, are said beside the decks."""
    studyable = (Question.status == "approved", not_held(Question.id, user.id))
    articles = db.session.execute(
        select(Article.slug, Article.title, func.count(Question.id))
        .join(Question, Question.article_id == Article.id)
        .where(*studyable)
        .group_by(Article.id, Article.slug, Article.title)
        .order_by(Article.title)
    )
    topics = db.session.execute(
        select(Question.topic, func.count())
        .where(*studyable)
        .group_by(Question.topic)
        .order_by(Question.topic)
    )
    held = db.session.scalar(
        select(func.count()).where(Question.status == "approved", Question.id.in_(held_questions(user.id)))
    )
    held_by = (
        db.session.scalars(
            select(Quiz.title).where(Quiz.id.in_(held_quizzes(user.id))).order_by(Quiz.title)
        ).all()
        if held
        else []
    )
    return DeckChoices(
        articles=[(slug, title, int(n)) for slug, title, n in articles],
        topics=[(topic, topic, int(n)) for topic, n in topics],
        held=int(held or 0),
        held_by=list(held_by),
    )
