"""Grading by hand: essays (never auto-graded) and short answers an instructor overrides.

The grading screen lists responses per question across students, or per student across questions; each
grade is points (0..the question's points in that attempt) and a comment the student reads on the review.
One grade is one transaction: the response, and the attempt's score recomputed with it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, Question, Quiz, Response, User, utcnow
from app.policy import can_grade
from app.qtypes.essay import rubric_total, word_count
from app.qtypes.registry import TYPES, hand_graded_types
from app.quizzes.attempts import DONE_STATES, close_if_overdue, rescore
from app.quizzes.errors import AttemptClosed, BadAnswer, NotAllowed, QuizError
from app.quizzes.events import graded

MAX_COMMENT = 5000


class NoSuchResponse(QuizError):
    status = 404
    code = "not_found"


@dataclass
class GradingItem:
    """One response on the grading screen, with what the grader needs beside it."""

    response_id: int
    attempt_id: int
    attempt_number: int
    student: str
    question: Question
    number: int  # the question's number in the attempt
    points: float  # the most it can earn in this attempt
    answer: Any
    fraction: float | None
    manual_points: float | None
    comment: str
    graded_by: str | None
    graded_at: datetime | None

    @property
    def pending(self) -> bool:
        return self.fraction is None

    @property
    def auto_points(self) -> float | None:
        """What the automatic grader gave (short answers), shown beside the override."""
        if self.manual_points is not None or self.fraction is None:
            return None
        return self.fraction * self.points

    @property
    def words(self) -> int:
        return word_count(self.answer) if isinstance(self.answer, str) else 0

    @property
    def word_limit(self) -> int | None:
        return (self.question.settings or {}).get("word_limit")

    @property
    def rubric_total(self) -> float | None:
        """What the essay's rubric adds up to, when that is not the points this quiz gives the question."""
        total = rubric_total((self.question.settings or {}).get("rubric"))
        return total if total is not None and abs(total - self.points) > 1e-9 else None

    @property
    def shown_points(self) -> str:
        """The points to prefill: given by hand, else automatic, else empty (waiting)."""
        value = self.manual_points if self.manual_points is not None else self.auto_points
        return "" if value is None else f"{value:g}"


@dataclass
class GradingScreen:
    """The questions and the students that can be graded by hand, and the items of the chosen view."""

    questions: list[tuple[Question, int, int]]  # (question, responses, of which waiting)
    attempts: list[tuple[Attempt, str, int]]  # (attempt, student, waiting)
    items: list[GradingItem]
    mode: str  # "question" or "student"
    selected: int | None


def _done_attempts(quiz: Quiz) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.state.in_(DONE_STATES), Attempt.mode == "quiz")
            .order_by(Attempt.user_id, Attempt.number)
        )
    )


def grading_screen(quiz: Quiz, mode: str = "question", selected: int | None = None) -> GradingScreen:
    """What the grading screen shows; `selected` is a question id (mode question) or attempt id (student).

    Without a selection it opens on the first question (or student) with responses waiting, else the first.
    """
    attempts = _done_attempts(quiz)
    by_id = {a.id: a for a in attempts}
    students = {
        u.id: u.display_name or u.username
        for u in db.session.scalars(select(User).where(User.id.in_({a.user_id for a in attempts})))
    }
    responses = list(
        db.session.scalars(
            select(Response)
            .join(Question, Question.id == Response.question_id)
            .where(Response.attempt_id.in_(list(by_id)), Question.qtype.in_(hand_graded_types()))
            .order_by(Response.attempt_id, Response.id)
        )
    )
    questions = {
        q.id: q
        for q in db.session.scalars(
            select(Question).where(Question.id.in_({r.question_id for r in responses}))
        )
    }
    graders = {
        u.id: u.display_name or u.username
        for u in db.session.scalars(
            select(User).where(User.id.in_({r.graded_by_id for r in responses if r.graded_by_id}))
        )
    }
    items = []
    for r in responses:
        attempt = by_id[r.attempt_id]
        entries = [(n, e) for n, e in enumerate(attempt.layout, start=1) if e["question_id"] == r.question_id]
        if not entries:
            continue
        number, entry = entries[0]
        items.append(
            GradingItem(
                response_id=r.id,
                attempt_id=attempt.id,
                attempt_number=attempt.number,
                student=students.get(attempt.user_id, "?"),
                question=questions[r.question_id],
                number=number,
                points=float(entry["points"]),
                answer=r.answer,
                fraction=r.fraction,
                manual_points=r.manual_points,
                comment=r.comment or "",
                graded_by=graders.get(r.graded_by_id) if r.graded_by_id else None,
                graded_at=r.graded_at,
            )
        )
    # Essays first, then by position in the quiz.
    order = {
        qid: i
        for i, qid in enumerate(
            dict.fromkeys(
                i.question.id
                for i in sorted(items, key=lambda i: (TYPES[i.question.qtype].auto_graded, i.number))
            )
        )
    }
    question_rows = [
        (
            questions[qid],
            sum(i.question.id == qid for i in items),
            sum(i.question.id == qid and i.pending for i in items),
        )
        for qid in order
    ]
    attempt_rows = []
    for attempt in attempts:
        mine = [i for i in items if i.attempt_id == attempt.id]
        if mine:
            attempt_rows.append((attempt, students.get(attempt.user_id, "?"), sum(i.pending for i in mine)))
    if mode == "student":
        ids = [a.id for a, _, _ in attempt_rows]
        if selected not in ids:
            selected = next((a.id for a, _, waiting in attempt_rows if waiting), ids[0] if ids else None)
        shown = sorted((i for i in items if i.attempt_id == selected), key=lambda i: i.number)
    else:
        mode = "question"
        ids = [q.id for q, _, _ in question_rows]
        if selected not in ids:
            selected = next((q.id for q, _, waiting in question_rows if waiting), ids[0] if ids else None)
        shown = [i for i in items if i.question.id == selected]
    return GradingScreen(question_rows, attempt_rows, shown, mode, selected)


_OUT_OF = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")


def parse_points(raw: Any, maximum: float) -> float:
    """The points as typed, on the question's scale of 0..`maximum`: '7', '7.5', '7,5', or a mark on
    another scale ('7/10' of a rubric out of 10, '70%'), scaled to `maximum`. QuizError (400) when it is
    none of these; the caller checks the range."""
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    example = f"e.g. {maximum:g}, 7/10 or 70%"
    if not text:
        raise QuizError("Enter the points to give.", "points")
    # Only ASCII digits: float() would read "٣" or "７" as digits.
    ratio, percent = (_OUT_OF.match(text), _PERCENT.match(text)) if text.isascii() else (None, None)
    if ratio:
        mark, scale = float(ratio.group(1)), float(ratio.group(2))
        if not (math.isfinite(mark) and math.isfinite(scale)):
            raise QuizError(f"Points must be a finite number, {example}.", "points")
        if scale == 0:
            raise QuizError(f"A mark out of 0 cannot be scaled; {example}.", "points")
        if mark > scale:
            raise BadAnswer(f"{text} is more than the whole mark; give at most {ratio.group(2)}.", "points")
        return mark / scale * maximum
    if percent:
        share = float(percent.group(1))
        if share > 100:
            raise BadAnswer(f"{text} is more than the whole mark; give at most 100%.", "points")
        return share / 100 * maximum
    try:
        value = float(text) if text.isascii() else None
    except ValueError:
        value = None
    if value is None:
        raise QuizError(f"Points must be a number, {example}; got {text[:20]!r}.", "points")
    if not math.isfinite(value):
        raise QuizError(f"Points must be a finite number, {example}.", "points")
    return value


def grade_response(
    grader: User, response_id: int, raw_points: Any, comment: Any, now: datetime | None = None
) -> tuple[Response, Attempt]:
    """Give a response points and a comment by hand; the attempt's score is recomputed in the same commit.

    Refusals: no such response 404; not a teacher of its quiz 403; the attempt still open 409; a type not
    graded by hand, points outside 0..max or a comment too long 422; points that are not a number 400.
    """
    response = db.session.get(Response, response_id) if isinstance(response_id, int) else None
    attempt = db.session.get(Attempt, response.attempt_id) if response is not None else None
    if response is None or attempt is None or attempt.quiz is None or attempt.mode != "quiz":
        raise NoSuchResponse(
            "No such response to grade; it may have been deleted. Reload the grading screen."
        )
    if not can_grade(grader, attempt.quiz):
        raise NotAllowed("Only the quiz's owner or a teacher of its course can grade its responses.")
    close_if_overdue(attempt, now)  # past its deadline: closed with its saved answers first (own commit)
    if attempt.state not in DONE_STATES:
        raise AttemptClosed("This attempt is still in progress; grade it once the student has submitted.")
    question = db.session.get(Question, response.question_id)
    if question is None or question.qtype not in hand_graded_types():
        kinds = " and ".join(TYPES[t].label.split(" (")[0].lower() for t in hand_graded_types())
        raise BadAnswer(
            f"Only {kinds} questions are graded by hand; this one is graded automatically.", "points"
        )
    entry = next((e for e in attempt.layout if e["question_id"] == question.id), None)
    if entry is None:
        raise NoSuchResponse("This response's question is not in the attempt; reload the grading screen.")
    maximum = float(entry["points"])
    points = parse_points(raw_points, maximum)
    if points < 0:
        raise BadAnswer(f"Points cannot be negative; give 0 to {maximum:g}.", "points")
    if points > maximum:
        raise BadAnswer(
            f"{points:g} is above this question's maximum of {maximum:g} points; give 0 to {maximum:g}.",
            "points",
        )
    text = comment if isinstance(comment, str) else ""
    if len(text) > MAX_COMMENT:
        raise BadAnswer(
            f"The comment is {len(text):,} characters long; shorten it to {MAX_COMMENT:,} or fewer.",
            "comment",
        )
    response.manual_points = points
    response.fraction = points / maximum
    response.comment = text.strip()
    response.graded_by_id = grader.id
    response.graded_at = now or utcnow()
    db.session.flush()
    rescore(attempt.id, attempt.layout)
    db.session.commit()
    db.session.refresh(attempt)
    graded(attempt.id)  # the LMS gets the score once nothing waits for a person
    return response, attempt
