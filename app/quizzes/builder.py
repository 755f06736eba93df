"""Building quizzes: settings, fixed questions and random draws, and the layout each attempt is given."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.inputs import CONTROL
from app.models import Article, Course, Question, Quiz, QuizItem, User
from app.plural import counted
from app.policy import can_manage_course
from app.quizzes.errors import NotAllowed, QuizError

GRADING_METHODS = ("highest", "last", "first", "average")
FEEDBACK_TIMINGS = ("immediate", "after_submission", "after_close")
SHUFFLED_OPTION_TYPES = ("mcq", "multi")


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
    per_page: int = 0  # questions per attempt page; 0 = all on one page
    counts_in_average: bool = True  # False: left out of the course gradebook's average


def settings_problems(settings: QuizSettings) -> dict[str, str]:
    """Field name -> message for settings the database would refuse; empty when all is well."""
    problems: dict[str, str] = {}
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        problems["closes_at"] = "The quiz must close after it opens; choose a later closing time."
    if settings.time_limit_s is not None and settings.time_limit_s <= 0:
        problems["time_limit"] = "A time limit is a positive number of minutes; leave it empty for none."
    if settings.per_page < 0:
        problems["per_page"] = "Questions per page is 0 (all on one page) or a positive number."
    if settings.attempts_allowed < 0:
        problems["attempts_allowed"] = "Attempts allowed is 0 (unlimited) or more."
    if settings.grading_method not in GRADING_METHODS:
        problems["grading_method"] = f"Choose one of {', '.join(GRADING_METHODS)}."
    if settings.feedback_timing not in FEEDBACK_TIMINGS:
        problems["feedback_timing"] = f"Choose one of {', '.join(FEEDBACK_TIMINGS)}."
    elif settings.feedback_timing == "after_close" and settings.closes_at is None:
        # Without a close date "after close" would mean "on submission", while classmates still answer.
        problems["feedback_timing"] = (
            "Feedback only after the quiz closes needs a closing time: set “Closes at”, "
            "or choose feedback after submission."
        )
    return problems


def save_quiz(owner: User, settings: QuizSettings, quiz: Quiz | None = None) -> Quiz:
    """Create a quiz, or update `quiz`, from validated settings; the owner must manage the course."""
    if not can_manage_course(owner, settings.course):
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
        "per_page",
        "counts_in_average",
    ):
        setattr(quiz, name, getattr(settings, name))
    db.session.commit()
    return quiz


def publish_problems(quiz: Quiz | None) -> list[str]:
    """Why publishing `quiz` as it stands deserves a second look: no questions, fixed questions no longer
    approved, draws larger than their topic's approved pool. Empty when it is ready (or already published)."""
    if quiz is not None and quiz.published:
        return []
    items = list(quiz.items) if quiz is not None else []
    if not items:
        return ["This quiz has no questions yet: students would open an empty quiz."]
    problems = []
    unapproved = [i.question for i in items if i.question is not None and i.question.status != "approved"]
    if unapproved:
        uids = ", ".join(q.uid for q in unapproved[:5]) + (" …" if len(unapproved) > 5 else "")
        problems.append(
            f"{len(unapproved)} question{'s are' if len(unapproved) != 1 else ' is'} not approved ({uids})."
        )
    for item in items:
        if item.draw_topic is None:
            continue
        pool = db.session.scalar(
            select(func.count())
            .select_from(Question)
            .where(Question.status == "approved", Question.topic == item.draw_topic)
        )
        if pool < item.draw_count:
            problems.append(
                f"The draw of {item.draw_count} from {item.draw_topic} has only {counted(pool, 'approved question')}."
            )
    return problems


def approved_topics() -> list[str]:
    """The topics of approved questions: what a quiz can draw from."""
    return list(
        db.session.scalars(
            select(Question.topic).where(Question.status == "approved").distinct().order_by(Question.topic)
        )
    )


def find_questions(
    topic: str = "", article: str = "", qtype: str = "", search: str = "", limit: int = 200
) -> list[Question]:
    """Approved questions matching every given filter (search: words in the stem, any case).

    A filter holding a control character matches nothing (no stored text holds one; PostgreSQL cannot
    even compare text holding NUL)."""
    if any(CONTROL.search(value) for value in (topic, article, qtype, search)):
        return []
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


MIN_POINTS, MAX_POINTS = 0.01, 1000.0  # the range the builder's Points boxes accept


def check_points(points: float | None) -> float:
    """Points for a quiz item: a finite number from 0.01 to 1000 (QuizError on the "points" field otherwise).

    Out of range, "Infinity" made the quiz worth inf points and its analysis fail; 1e-9 rounds to 0."""
    if points is None or not math.isfinite(points) or not MIN_POINTS <= points <= MAX_POINTS:
        raise QuizError(
            f"Points per question must be a number from {MIN_POINTS:g} to {MAX_POINTS:g}, e.g. 1 or 2.5.",
            "points",
        )
    return points


def add_questions(quiz: Quiz, question_ids: Iterable[int], points: float = 1.0) -> int:
    """Append approved questions not yet in the quiz as fixed items; returns how many were added."""
    check_points(points)
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
    check_points(points)
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
        items[index].points = check_points(points)
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


def layout_for(quiz: Quiz, seed: int) -> list[dict[str, Any]]:
    """The layout of a new attempt at `quiz`: its draws made from today's approved questions."""
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
