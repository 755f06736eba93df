"""Quizzes as a service: building, attempts (start, autosave, submit, lazy close), review, grades, statistics.

One transaction per operation. The attempt row is the lock: every save and the submit first run a
conditional UPDATE on it, so a save never lands after the submission graded and a submit counts once.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.bank.convert import to_canonical
from app.courses.service import can_manage, can_view, students_of
from app.exports.answers import answer_text
from app.extensions import db
from app.models import Article, Attempt, Course, Question, Quiz, QuizItem, Response, User, utcnow
from app.qtypes.schema import parse_question
from app.quizzes.analysis import ItemStats, TestStats, analyse
from app.quizzes.grading import ResponseError, grade, validate_response

GRADING_METHODS = ("highest", "last", "first", "average")
FEEDBACK_TIMINGS = ("immediate", "after_submission", "after_close")
DONE_STATES = ("submitted", "finished")
PRACTICE_MAX = 30
SHUFFLED_OPTION_TYPES = ("mcq", "multi")

_attempts = Attempt.__table__
_responses = Response.__table__


class QuizError(ValueError):
    """A user-facing refusal. `status` is the HTTP status the web answers with, `code` a stable name."""

    status = 400
    code = "quiz_error"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class BadAnswer(QuizError):
    """`errors` maps question id (as text) -> message when a whole form was refused."""

    status = 422
    code = "bad_answer"

    def __init__(self, message: str, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message, field)
        self.errors = errors or {}


class AttemptClosed(QuizError):
    status = 409
    code = "closed"


class StaleSave(QuizError):
    status = 409
    code = "stale"


class NotAllowed(QuizError):
    status = 403
    code = "forbidden"


# ---------------------------------------------------------------- building


@dataclass
class QuizSettings:
    title: str
    course: Course
    description: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    time_limit_s: int | None = None
    attempts_allowed: int = 1
    grading_method: str = "highest"
    shuffle_questions: bool = False
    shuffle_options: bool = False
    feedback_timing: str = "after_submission"
    published: bool = False


def settings_problems(settings: QuizSettings) -> dict[str, str]:
    """Field name -> message for settings the database would refuse; empty when all is well."""
    problems: dict[str, str] = {}
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        problems["closes_at"] = "The quiz must close after it opens; choose a later closing time."
    if settings.time_limit_s is not None and settings.time_limit_s <= 0:
        problems["time_limit"] = "A time limit is a positive number of minutes; leave it empty for none."
    if settings.attempts_allowed < 0:
        problems["attempts_allowed"] = "Attempts allowed is 0 (unlimited) or more."
    if settings.grading_method not in GRADING_METHODS:
        problems["grading_method"] = f"Choose one of {', '.join(GRADING_METHODS)}."
    if settings.feedback_timing not in FEEDBACK_TIMINGS:
        problems["feedback_timing"] = f"Choose one of {', '.join(FEEDBACK_TIMINGS)}."
    return problems


def save_quiz(owner: User, settings: QuizSettings, quiz: Quiz | None = None) -> Quiz:
    """Create a quiz, or update `quiz`, from validated settings; the owner must manage the course."""
    if not can_manage(owner, settings.course):
        raise NotAllowed("You can only put quizzes in courses you teach.", "course")
    problems = settings_problems(settings)
    if problems:
        name, message = next(iter(problems.items()))
        raise QuizError(message, name)
    if quiz is None:
        quiz = Quiz(owner_id=owner.id)
        db.session.add(quiz)
    quiz.title = settings.title.strip()
    quiz.description = settings.description.strip()
    quiz.course_id = settings.course.id
    for name in (
        "opens_at",
        "closes_at",
        "time_limit_s",
        "attempts_allowed",
        "grading_method",
        "shuffle_questions",
        "shuffle_options",
        "feedback_timing",
        "published",
    ):
        setattr(quiz, name, getattr(settings, name))
    db.session.commit()
    return quiz


def can_edit(user: User, quiz: Quiz) -> bool:
    if user.is_admin:
        return True
    if quiz.course is None:
        return quiz.owner_id == user.id
    return can_manage(user, quiz.course)


def managed_courses(user: User) -> list[Course]:
    from app.courses.service import courses_for

    return [course for course in courses_for(user) if can_manage(user, course)]


def topics() -> list[str]:
    return list(
        db.session.scalars(
            select(Question.topic).where(Question.status == "approved").distinct().order_by(Question.topic)
        )
    )


def find_questions(
    topic: str = "", article: str = "", qtype: str = "", search: str = "", limit: int = 200
) -> list[Question]:
    """Approved questions matching every given filter (search: words in the stem, any case)."""
    query = select(Question).where(Question.status == "approved")
    if topic:
        query = query.where(Question.topic == topic)
    if qtype:
        query = query.where(Question.qtype == qtype)
    if article:
        query = query.join(Article, Question.article_id == Article.id).where(Article.slug == article)
    for word in search.split():
        query = query.where(func.lower(Question.stem).contains(word.lower(), autoescape=True))
    return list(db.session.scalars(query.order_by(Question.topic, Question.uid).limit(limit)))


def _next_position(quiz: Quiz) -> int:
    return max((item.position for item in quiz.items), default=0) + 1


def add_questions(quiz: Quiz, question_ids: Iterable[int], points: float = 1.0) -> int:
    """Append approved questions not yet in the quiz as fixed items; returns how many were added."""
    if not points > 0:
        raise QuizError("Points per question must be more than 0.", "points")
    present = {item.question_id for item in quiz.items if item.question_id is not None}
    wanted = [qid for qid in dict.fromkeys(question_ids) if qid not in present]
    found = set(
        db.session.scalars(select(Question.id).where(Question.id.in_(wanted), Question.status == "approved"))
    )
    position = _next_position(quiz)
    added = 0
    for qid in wanted:
        if qid in found:
            quiz.items.append(QuizItem(position=position, question_id=qid, points=points))
            position += 1
            added += 1
    db.session.commit()
    return added


def add_draw(quiz: Quiz, topic: str, count: int, points: float = 1.0) -> QuizItem:
    """A random draw of `count` approved questions from `topic`, made afresh for each attempt."""
    available = db.session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.status == "approved", Question.topic == topic)
    )
    if not available:
        raise QuizError(f"The bank has no approved questions in the topic {topic!r}.", "draw_topic")
    if count < 1 or count > available:
        raise QuizError(f"Draw between 1 and {available} questions from {topic}.", "draw_count")
    if not points > 0:
        raise QuizError("Points per question must be more than 0.", "points")
    item = QuizItem(position=_next_position(quiz), draw_topic=topic, draw_count=count, points=points)
    quiz.items.append(item)
    db.session.commit()
    return item


def change_item(quiz: Quiz, item_id: int, action: str, points: float | None = None) -> None:
    """Move an item up or down, remove it, or set its points; positions stay 1..n."""
    items = list(quiz.items)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise QuizError("That item is not in this quiz.")
    if action == "remove":
        quiz.items.remove(items.pop(index))
    elif action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
    elif action == "points":
        if points is None or not points > 0:
            raise QuizError("Points per question must be more than 0.", "points")
        items[index].points = points
    else:
        raise QuizError(f"Unknown action {action!r}.")
    # Two passes so the unique (quiz_id, position) never sees two items on one position mid-flush.
    for i, item in enumerate(items):
        item.position = -(i + 1)
    db.session.flush()
    for i, item in enumerate(items):
        item.position = i + 1
    db.session.commit()


def max_points(quiz: Quiz) -> float:
    return math.fsum(item.points * (1 if item.question_id else item.draw_count) for item in quiz.items)


def question_count(quiz: Quiz) -> int:
    return sum(1 if item.question_id else item.draw_count for item in quiz.items)


# ---------------------------------------------------------------- layouts (pure)


def build_layout(
    items: list[tuple[int | None, str | None, int, float]],
    pools: Mapping[str, list[int]],
    option_counts: Mapping[int, tuple[str, int]],
    seed: int,
    shuffle_questions: bool,
    shuffle_options: bool,
) -> list[dict[str, Any]]:
    """The questions of one attempt, in order, each with its option order; the same seed gives the same one.

    items: (question_id, draw_topic, draw_count, points) in quiz order; pools: topic -> approved question ids;
    option_counts: question id -> (type, number of options or matching pairs). Drawn questions never repeat
    a fixed one or each other. Matching answers are always shuffled: their stored order is the key.
    """
    rng = random.Random(seed)
    fixed = {qid for qid, _, _, _ in items if qid is not None}
    used: set[int] = set()
    entries: list[dict[str, Any]] = []
    for qid, topic, count, points in items:
        if qid is not None:
            chosen = [qid]
        else:
            pool = sorted(set(pools.get(topic or "", [])) - fixed - used)
            chosen = rng.sample(pool, min(count, len(pool)))
        for question_id in chosen:
            used.add(question_id)
            entries.append({"question_id": question_id, "points": points, "order": None, "seed": seed})
    if shuffle_questions:
        rng.shuffle(entries)
    for entry in entries:
        qtype, n = option_counts.get(entry["question_id"], ("", 0))
        if (qtype in SHUFFLED_OPTION_TYPES and shuffle_options) or qtype == "matching":
            order = list(range(n))
            rng.shuffle(order)
            entry["order"] = order
    return entries


def _option_counts(question_ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    rows = db.session.execute(
        select(Question.id, Question.qtype, Question.options, Question.answer).where(
            Question.id.in_(list(question_ids))
        )
    )
    return {
        qid: (qtype, len(answer) if qtype == "matching" else len(options or []))
        for qid, qtype, options, answer in rows
    }


def _layout_for(quiz: Quiz, seed: int) -> list[dict[str, Any]]:
    items = [(i.question_id, i.draw_topic, i.draw_count, i.points) for i in quiz.items]
    topics_wanted = {i.draw_topic for i in quiz.items if i.draw_topic}
    pools: dict[str, list[int]] = {topic: [] for topic in topics_wanted}
    if topics_wanted:
        rows = db.session.execute(
            select(Question.id, Question.topic).where(
                Question.status == "approved", Question.topic.in_(topics_wanted)
            )
        )
        for qid, topic in rows:
            pools[topic].append(qid)
    candidates = {i.question_id for i in quiz.items if i.question_id} | {q for p in pools.values() for q in p}
    return build_layout(
        items, pools, _option_counts(candidates), seed, quiz.shuffle_questions, quiz.shuffle_options
    )


# ---------------------------------------------------------------- attempts


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def window_problem(quiz: Quiz, now: datetime) -> str | None:
    if quiz.opens_at and now < quiz.opens_at:
        return f"This quiz opens on {quiz.opens_at:%Y-%m-%d %H:%M} UTC."
    if quiz.closes_at and now >= quiz.closes_at:
        return f"This quiz closed on {quiz.closes_at:%Y-%m-%d %H:%M} UTC."
    return None


def can_take(user: User, quiz: Quiz) -> bool:
    if can_edit(user, quiz):
        return True
    return quiz.published and quiz.course is not None and can_view(user, quiz.course)


def attempts_of(quiz: Quiz, user: User) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id, Attempt.mode == "quiz")
            .order_by(Attempt.number)
        )
    )


def start_attempt(quiz: Quiz, user: User, now: datetime | None = None) -> Attempt:
    """The user's attempt in progress (resumed), or a new one if the window and attempts allow it."""
    now = _now(now)
    if not can_take(user, quiz):
        raise NotAllowed("This quiz is not open to you.")
    existing = attempts_of(quiz, user)
    for attempt in existing:
        close_if_overdue(attempt, now)
        if attempt.state == "in_progress":
            return attempt
    problem = window_problem(quiz, now)
    if problem:
        raise QuizError(problem)
    if quiz.attempts_allowed and len(existing) >= quiz.attempts_allowed:
        raise QuizError(f"You have used all {quiz.attempts_allowed} attempt(s) allowed for this quiz.")
    if not quiz.items:
        raise QuizError("This quiz has no questions yet.")
    seed = secrets.randbits(31)
    deadline = None
    if quiz.time_limit_s:
        deadline = now + timedelta(seconds=quiz.time_limit_s)
    if quiz.closes_at:
        deadline = min(deadline, quiz.closes_at) if deadline else quiz.closes_at
    attempt = Attempt(
        mode="quiz",
        quiz_id=quiz.id,
        user_id=user.id,
        number=len(existing) + 1,
        state="in_progress",
        layout=_layout_for(quiz, seed),
        started_at=now,
        deadline_at=deadline,
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Started twice at once (two tabs): the other request's attempt stands; resume it.
        db.session.rollback()
        for other in attempts_of(quiz, user):
            if other.state == "in_progress":
                return other
        raise
    return attempt


def get_attempt_for(attempt_id: int, user: User) -> Attempt | None:
    """The attempt if it is the user's own, or the user teaches its quiz's course; None otherwise (404)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        return None
    if attempt.user_id == user.id:
        return attempt
    if attempt.quiz is not None and can_edit(user, attempt.quiz):
        return attempt
    return None


def _lock(attempt_id: int, now: datetime) -> bool:
    """Take the attempt's row lock if it is still open: True when the attempt is in progress and not overdue."""
    result = db.session.execute(
        update(_attempts)
        .where(
            _attempts.c.id == attempt_id,
            _attempts.c.state == "in_progress",
            or_(_attempts.c.deadline_at.is_(None), _attempts.c.deadline_at > now),
        )
        .values(state=_attempts.c.state)
    )
    return result.rowcount == 1


def _closed_message(attempt: Attempt) -> str:
    if attempt.state == "finished":
        return "Time is up: this attempt was closed with the answers saved before the deadline."
    return "This attempt has been submitted; answers can no longer change."


def _questions(ids: Iterable[int]) -> dict[int, Question]:
    ids = list(ids)
    return {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}


def _canonical(questions: Mapping[int, Question]) -> dict[int, dict]:
    return {qid: to_canonical(q) for qid, q in questions.items()}


def _shapes(questions: Mapping[int, Question]) -> dict[int, dict]:
    """What validate_response reads (type, options, answer, settings), without the full canonical round
    trip: autosave is the hot path, and the bank already validated these rows. Grading uses _canonical."""
    return {
        qid: {"type": q.qtype, "options": q.options, "answer": q.answer, **(q.settings or {})}
        for qid, q in questions.items()
    }


def _layout_ids(attempt: Attempt) -> list[int]:
    return [entry["question_id"] for entry in attempt.layout]


def _validated(attempt: Attempt, question_id: Any, answer: Any, canonical: Mapping[int, dict]) -> Any:
    if not isinstance(question_id, int) or question_id not in _layout_ids(attempt):
        raise BadAnswer(f"Question {question_id!r} is not part of this attempt.", "question_id")
    try:
        return validate_response(canonical[question_id], answer)
    except ResponseError as exc:
        raise BadAnswer(str(exc), str(question_id)) from None


def _write(attempt_id: int, question_id: int, answer: Any, seq: int | None, now: datetime) -> None:
    """Store one answer inside the locked transaction; seq None means "newer than whatever is stored"."""
    where = [_responses.c.attempt_id == attempt_id, _responses.c.question_id == question_id]
    if seq is not None:
        # The usual case first: one conditional UPDATE; only when it touches nothing do we look why.
        newer = update(_responses).where(*where, _responses.c.seq < seq)
        if db.session.execute(newer.values(answer=answer, seq=seq, saved_at=now)).rowcount == 1:
            return
    stored = db.session.execute(select(_responses.c.seq).where(*where)).scalar()
    if stored is None:
        db.session.execute(
            insert(_responses).values(
                attempt_id=attempt_id, question_id=question_id, answer=answer, seq=seq or 1, saved_at=now
            )
        )
        return
    if seq is not None:
        raise StaleSave(
            f"A newer answer (save {stored}) is already stored; this one (save {seq}) was ignored."
        )
    db.session.execute(update(_responses).where(*where).values(answer=answer, seq=stored + 1, saved_at=now))


def save_answer(
    attempt: Attempt, question_id: Any, answer: Any, seq: Any, now: datetime | None = None
) -> int:
    """Autosave one answer; returns the stored seq. Raises BadAnswer (422), StaleSave or AttemptClosed (409)."""
    now = _now(now)
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise BadAnswer(
            "seq must be a whole number from 1 up, increasing with each save of a question.", "seq"
        )
    if close_if_overdue(attempt, now) or attempt.state != "in_progress":
        raise AttemptClosed(_closed_message(attempt))
    shapes = _shapes(_questions([question_id] if isinstance(question_id, int) else []))
    clean = _validated(attempt, question_id, answer, shapes)
    attempt_id = attempt.id
    try:
        if not _lock(attempt_id, now):
            db.session.rollback()
            db.session.refresh(attempt)
            close_if_overdue(attempt, now)
            raise AttemptClosed(_closed_message(attempt))
        _write(attempt_id, question_id, clean, seq, now)
        db.session.commit()
    except QuizError:
        db.session.rollback()
        raise
    return seq


def save_answers(
    attempt: Attempt,
    answers: Mapping[int, Any],
    seen: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> None:
    """Save a whole form (the no-JavaScript path) in one transaction; any bad answer writes nothing.

    `seen` is the seq of each question when the page was rendered: an answer is written only if nothing
    newer was stored since (a stale second tab never clobbers newer autosaves). None writes them all.
    """
    _save_all(attempt, answers, seen, _now(now), submit=False)


def submit_attempt(
    attempt: Attempt,
    answers: Mapping[int, Any] | None = None,
    seen: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> bool:
    """Submit (saving `answers` first, as save_answers) and grade; True if this call submitted it, False if
    it was already closed. Counted once: the state changes only WHERE state = 'in_progress'."""
    return _save_all(attempt, answers or {}, seen, _now(now), submit=True)


def _save_all(
    attempt: Attempt, answers: Mapping[int, Any], seen: Mapping[int, int] | None, now: datetime, submit: bool
) -> bool:
    close_if_overdue(attempt, now)
    if attempt.state != "in_progress":
        if submit:
            return False
        raise AttemptClosed(_closed_message(attempt))
    canonical = _canonical(_questions(_layout_ids(attempt)))
    errors: dict[str, str] = {}
    clean: dict[int, Any] = {}
    for qid, raw in answers.items():
        if seen is not None and qid not in seen:
            continue
        try:
            clean[qid] = _validated(attempt, qid, raw, canonical)
        except BadAnswer as exc:
            errors[str(qid)] = str(exc)
    if errors:
        raise BadAnswer("Some answers could not be read; fix the ones marked and save again.", errors=errors)
    attempt_id = attempt.id
    if submit:
        result = db.session.execute(
            update(_attempts)
            .where(
                _attempts.c.id == attempt_id,
                _attempts.c.state == "in_progress",
                or_(_attempts.c.deadline_at.is_(None), _attempts.c.deadline_at > now),
            )
            .values(state="submitted", submitted_at=now)
        )
        locked = result.rowcount == 1
    else:
        locked = _lock(attempt_id, now)
    if not locked:
        db.session.rollback()
        db.session.refresh(attempt)
        close_if_overdue(attempt, now)
        if submit:
            return False
        raise AttemptClosed(_closed_message(attempt))
    stored = dict(
        db.session.execute(
            select(_responses.c.question_id, _responses.c.seq).where(_responses.c.attempt_id == attempt_id)
        ).all()
    )
    for qid, value in clean.items():
        if seen is None or (qid in seen and stored.get(qid, 0) <= seen[qid]):
            _write(attempt_id, qid, value, None, now)
    if submit:
        _grade_into(attempt_id, attempt.layout, canonical)
    db.session.commit()
    db.session.refresh(attempt)
    return True


def _grade_into(attempt_id: int, layout: list[dict], canonical: Mapping[int, dict]) -> None:
    """Grade every saved response of the attempt and store fractions, score and max score (same transaction)."""
    saved = dict(
        db.session.execute(
            select(_responses.c.question_id, _responses.c.answer).where(_responses.c.attempt_id == attempt_id)
        ).all()
    )
    score = 0.0
    for entry in layout:
        qid = entry["question_id"]
        if qid not in saved:
            continue
        fraction = grade(canonical[qid], saved[qid]).fraction
        score += fraction * entry["points"]
        db.session.execute(
            update(_responses)
            .where(_responses.c.attempt_id == attempt_id, _responses.c.question_id == qid)
            .values(fraction=fraction)
        )
    db.session.execute(
        update(_attempts)
        .where(_attempts.c.id == attempt_id)
        .values(score=score, max_score=math.fsum(e["points"] for e in layout))
    )


def close_if_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """Lazily finish an attempt past its deadline with what was saved; True if this call closed it."""
    now = _now(now)
    if attempt.state != "in_progress" or attempt.deadline_at is None or now < attempt.deadline_at:
        return False
    attempt_id = attempt.id
    result = db.session.execute(
        update(_attempts)
        .where(_attempts.c.id == attempt_id, _attempts.c.state == "in_progress")
        .values(state="finished", submitted_at=attempt.deadline_at)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    _grade_into(attempt_id, attempt.layout, _canonical(_questions(_layout_ids(attempt))))
    db.session.commit()
    db.session.refresh(attempt)
    return True


# ---------------------------------------------------------------- what the pages show


@dataclass
class ShownQuestion:
    """A question as the attempt page shows it: no answer key, no explanation, options in attempt order."""

    id: int
    number: int
    qtype: str
    stem: str
    points: float
    options: list[str] = field(default_factory=list)
    lefts: list[str] = field(default_factory=list)
    blanks: int = 0
    unit: str = ""
    saved: Any = None
    seq: int = 0


def _ordered(values: list[str], order: list[int] | None) -> list[str]:
    if not order or len(order) != len(values):
        return list(values)
    return [values[i] for i in order]


def shown_questions(attempt: Attempt) -> list[ShownQuestion]:
    questions = _questions(_layout_ids(attempt))
    saved = {
        r.question_id: r
        for r in db.session.scalars(select(Response).where(Response.attempt_id == attempt.id))
    }
    shown = []
    for number, entry in enumerate(attempt.layout, start=1):
        q = questions[entry["question_id"]]
        response = saved.get(q.id)
        item = ShownQuestion(
            q.id,
            number,
            q.qtype,
            q.stem,
            entry["points"],
            saved=response.answer if response else None,
            seq=response.seq if response else 0,
        )
        if q.qtype in ("mcq", "multi"):
            item.options = _ordered(list(q.options or []), entry.get("order"))
        elif q.qtype == "matching":
            item.lefts = [pair["left"] for pair in q.answer]
            item.options = _ordered([pair["right"] for pair in q.answer], entry.get("order"))
        elif q.qtype == "cloze":
            item.blanks = len(q.answer)
        elif q.qtype == "numeric":
            item.unit = q.answer.get("unit", "")
        shown.append(item)
    return shown


def review_allowed(attempt: Attempt, viewer: User, now: datetime | None = None) -> bool:
    """Feedback per the quiz's setting; teachers of the course always see it once the attempt is closed."""
    if attempt.state not in DONE_STATES:
        return False
    if attempt.mode == "practice" or attempt.quiz is None or can_edit(viewer, attempt.quiz):
        return True
    if attempt.quiz.feedback_timing == "after_close":
        closes = attempt.quiz.closes_at
        return closes is None or _now(now) >= closes
    return True


@dataclass
class ReviewedQuestion:
    number: int
    question: Question
    points: float
    answer: Any
    fraction: float | None
    correct_text: str
    article_slug: str | None
    sentence_id: str | None

    @property
    def earned(self) -> float:
        return (self.fraction or 0.0) * self.points

    @property
    def right(self) -> bool:
        return self.fraction is not None and self.fraction >= 1.0


def reviewed_questions(attempt: Attempt) -> list[ReviewedQuestion]:
    questions = _questions(_layout_ids(attempt))
    responses = {
        r.question_id: r
        for r in db.session.scalars(select(Response).where(Response.attempt_id == attempt.id))
    }
    reviewed = []
    for number, entry in enumerate(attempt.layout, start=1):
        q = questions[entry["question_id"]]
        response = responses.get(q.id)
        canonical = to_canonical(q)
        reviewed.append(
            ReviewedQuestion(
                number=number,
                question=q,
                points=entry["points"],
                answer=response.answer if response else None,
                fraction=response.fraction if response else None,
                correct_text=answer_text(parse_question(canonical)),
                article_slug=q.article.slug if q.article else None,
                sentence_id=q.sentence_ids[0] if q.sentence_ids else None,
            )
        )
    return reviewed


def answer_display(answer: Any) -> str:
    """A stored answer as one line of text for the review page and the gradebook."""
    if answer is None:
        return "(no answer)"
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, list):
        return " | ".join(str(a) for a in answer)
    if isinstance(answer, dict):
        return " | ".join(f"{k} → {v}" for k, v in answer.items())
    return str(answer)


# ---------------------------------------------------------------- practice


def start_practice(user: User, topic: str = "", article: str = "", count: int = 5) -> Attempt:
    """A practice attempt over `count` approved questions of an article or topic, shuffled by its own id."""
    if not 1 <= count <= PRACTICE_MAX:
        raise QuizError(f"Practise between 1 and {PRACTICE_MAX} questions.", "count")
    pool = [q.id for q in find_questions(topic=topic, article=article, limit=10_000)]
    if not pool:
        raise QuizError("No approved questions match; choose another article or topic.", "topic")
    attempt = Attempt(mode="practice", quiz_id=None, user_id=user.id, number=1, layout=[])
    db.session.add(attempt)
    db.session.flush()
    rng = random.Random(attempt.id)
    chosen = rng.sample(sorted(pool), min(count, len(pool)))
    attempt.layout = [
        {"question_id": qid, "points": 1.0, "order": None, "seed": attempt.id} for qid in chosen
    ]
    db.session.commit()
    return attempt


def answer_practice(attempt: Attempt, question_id: Any, answer: Any, now: datetime | None = None) -> float:
    """Grade one practice answer at once (first answer counts); submits when every question is answered."""
    now = _now(now)
    if attempt.mode != "practice" or attempt.state != "in_progress":
        raise AttemptClosed("This practice session is over; start a new one.")
    canonical = _canonical(_questions([question_id] if isinstance(question_id, int) else []))
    clean = _validated(attempt, question_id, answer, canonical)
    fraction = grade(canonical[question_id], clean).fraction
    attempt_id = attempt.id
    if not _lock(attempt_id, now):
        db.session.rollback()
        raise AttemptClosed("This practice session is over; start a new one.")
    try:
        _write(attempt_id, question_id, clean, 1, now)
    except StaleSave:
        db.session.rollback()
        raise StaleSave("You already answered this question in this session.") from None
    db.session.execute(
        update(_responses)
        .where(_responses.c.attempt_id == attempt_id, _responses.c.question_id == question_id)
        .values(fraction=fraction)
    )
    answered = db.session.execute(
        select(func.count()).select_from(_responses).where(_responses.c.attempt_id == attempt_id)
    ).scalar_one()
    if answered >= len(attempt.layout):
        totals = db.session.execute(
            select(func.coalesce(func.sum(_responses.c.fraction), 0.0)).where(
                _responses.c.attempt_id == attempt_id
            )
        ).scalar_one()
        db.session.execute(
            update(_attempts)
            .where(_attempts.c.id == attempt_id)
            .values(state="submitted", submitted_at=now, score=float(totals), max_score=float(answered))
        )
    db.session.commit()
    db.session.refresh(attempt)
    return fraction


# ---------------------------------------------------------------- course page, gradebook, statistics


@dataclass
class QuizListing:
    quiz: Quiz
    status: str
    manage: bool


def quizzes_for_course(course: Course, user: User) -> list[QuizListing]:
    """The course's quizzes for its page: all of them for its teachers, the published ones for students."""
    manage = can_manage(user, course)
    query = select(Quiz).where(Quiz.course_id == course.id).order_by(Quiz.created_at, Quiz.id)
    if not manage:
        query = query.where(Quiz.published.is_(True))
    listings = []
    for quiz in db.session.scalars(query):
        if manage:
            status = "Published" if quiz.published else "Draft (students cannot see it)"
        else:
            attempts = attempts_of(quiz, user)
            done = [a for a in attempts if a.state in DONE_STATES]
            if any(a.state == "in_progress" for a in attempts):
                status = "In progress"
            elif done:
                status = f"Submitted ({len(done)} attempt{'s' if len(done) != 1 else ''})"
            else:
                status = "Not started"
        listings.append(QuizListing(quiz, status, manage))
    return listings


def quizzes_for_user(user: User) -> list[QuizListing]:
    from app.courses.service import courses_for

    return [listing for course in courses_for(user) for listing in quizzes_for_course(course, user)]


def final_grade(scores: list[float], method: str) -> float | None:
    """The grade of a student's finished attempts (in attempt order) by the quiz's grading method."""
    if not scores:
        return None
    if method == "highest":
        return max(scores)
    if method == "last":
        return scores[-1]
    if method == "first":
        return scores[0]
    if method == "average":
        return math.fsum(scores) / len(scores)
    raise ValueError(f"unknown grading method {method!r}; expected one of {', '.join(GRADING_METHODS)}")


@dataclass
class GradeRow:
    student: User
    attempts: list[Attempt]
    grade: float | None
    max_points: float

    @property
    def percentage(self) -> float | None:
        if self.grade is None or not self.max_points:
            return None
        return 100 * self.grade / self.max_points


def gradebook(quiz: Quiz, now: datetime | None = None) -> list[GradeRow]:
    """One row per student of the course (closing overdue attempts first), graded by the quiz's method."""
    now = _now(now)
    students = students_of(quiz.course) if quiz.course is not None else []
    attempts = list(
        db.session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.mode == "quiz").order_by(Attempt.number)
        )
    )
    by_user: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        close_if_overdue(attempt, now)
        by_user.setdefault(attempt.user_id, []).append(attempt)
    default_max = max_points(quiz)
    rows = []
    for student in students:
        mine = by_user.get(student.id, [])
        done = [a for a in mine if a.state in DONE_STATES]
        score = final_grade([a.score or 0.0 for a in done], quiz.grading_method)
        top = done[-1].max_score if done and done[-1].max_score is not None else default_max
        rows.append(GradeRow(student, mine, score, top or 0.0))
    return rows


CSV_COLUMNS = ("username", "display_name", "grade", "max_points", "percentage", "attempts")


def grades_csv_rows(rows: list[GradeRow]) -> list[list[str]]:
    """CSV rows under CSV_COLUMNS: grade and percentage empty when the student has no finished attempt."""

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")

    return [
        [
            row.student.username,
            row.student.display_name,
            number(row.grade),
            number(row.max_points),
            number(row.percentage),
            str(sum(1 for a in row.attempts if a.state in DONE_STATES)),
        ]
        for row in rows
    ]


@dataclass
class QuizStatistics:
    test: TestStats
    items: list[ItemStats]
    labels: dict[int, str]


def statistics(quiz: Quiz, now: datetime | None = None) -> QuizStatistics:
    """Item analysis over each student's FIRST finished attempt (Moodle's default): later attempts are
    practice on known questions and would inflate facility."""
    now = _now(now)
    attempts = list(
        db.session.scalars(
            select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.mode == "quiz").order_by(Attempt.number)
        )
    )
    first: dict[int, Attempt] = {}
    for attempt in attempts:
        close_if_overdue(attempt, now)
        if attempt.state in DONE_STATES and attempt.user_id not in first:
            first[attempt.user_id] = attempt
    max_scores: dict[int, float] = {}
    for item in quiz.items:
        if item.question_id is not None:
            max_scores.setdefault(item.question_id, item.points)
    for attempt in first.values():
        for entry in attempt.layout:
            max_scores.setdefault(entry["question_id"], entry["points"])
    fractions: dict[tuple[int, int], float | None] = {
        (attempt_id, qid): fraction
        for attempt_id, qid, fraction in db.session.execute(
            select(Response.attempt_id, Response.question_id, Response.fraction).where(
                Response.attempt_id.in_([a.id for a in first.values()])
            )
        )
    }
    matrix = [
        {
            e["question_id"]: (fractions.get((a.id, e["question_id"])) or 0.0) * e["points"]
            if (a.id, e["question_id"]) in fractions
            else None
            for e in a.layout
        }
        for a in first.values()
    ]
    questions = _questions(max_scores)
    canonical = _canonical(questions)
    test, items = analyse(matrix, max_scores, canonical)
    labels = {qid: f"{q.uid}: {q.stem[:60]}" for qid, q in questions.items()}
    return QuizStatistics(test, items, labels)
