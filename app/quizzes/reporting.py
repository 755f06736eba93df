"""What a quiz's results look like: the course page's listing, the gradebook and its CSV, item analysis."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.courses.service import can_manage, students_of
from app.extensions import db
from app.models import Attempt, Course, Quiz, Response, User, utcnow
from app.qtypes.registry import get_type
from app.quizzes.analysis import (
    HandGraded,
    ItemStats,
    ResponseCount,
    TestStats,
    analyse,
    hand_graded_summary,
    response_analysis,
)
from app.quizzes.attempts import DONE_STATES, attempts_of, canonical_by_id, close_if_overdue, questions_by_id
from app.quizzes.builder import GRADING_METHODS, max_points


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
    now = now or utcnow()
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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """A student-chosen text as a CSV cell a spreadsheet will not run: a leading formula character gets an
    apostrophe (OWASP's advice for CSV injection), so "=HYPERLINK(...)" shows as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def grades_csv_rows(rows: list[GradeRow]) -> list[list[str]]:
    """CSV rows under CSV_COLUMNS: grade and percentage empty when the student has no finished attempt."""

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")

    return [
        [
            spreadsheet_text(row.student.username),
            spreadsheet_text(row.student.display_name),
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
    stems: dict[int, str] = field(default_factory=dict)  # the full stem of each question
    responses: dict[int, list[ResponseCount]] = field(default_factory=dict)  # Moodle's response analysis
    hand_graded: dict[int, HandGraded] = field(default_factory=dict)  # essays: graded / pending, no options


def statistics(quiz: Quiz, now: datetime | None = None) -> QuizStatistics:
    """Item analysis over each student's FIRST finished attempt (Moodle's default): later attempts are
    practice on known questions and would inflate facility.

    A hand-graded answer (essay) still waiting for its grade is left out of that question's statistics, as
    if the question had not been in the attempt, rather than counted as 0."""
    now = now or utcnow()
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
    fractions: dict[tuple[int, int], float | None] = {}
    answers: dict[tuple[int, int], Any] = {}
    for attempt_id, qid, fraction, answer in db.session.execute(
        select(Response.attempt_id, Response.question_id, Response.fraction, Response.answer).where(
            Response.attempt_id.in_([a.id for a in first.values()])
        )
    ):
        fractions[(attempt_id, qid)] = fraction
        answers[(attempt_id, qid)] = answer
    questions = questions_by_id(max_scores)
    by_hand = {qid for qid, q in questions.items() if not get_type(q.qtype).auto_graded}

    def pending(attempt_id: int, qid: int) -> bool:
        key = (attempt_id, qid)
        return qid in by_hand and key in fractions and fractions[key] is None and answers[key] is not None

    matrix = [
        {
            e["question_id"]: (fractions.get((a.id, e["question_id"])) or 0.0) * e["points"]
            if (a.id, e["question_id"]) in fractions
            else None
            for e in a.layout
            if not pending(a.id, e["question_id"])
        }
        for a in first.values()
    ]
    canonical = canonical_by_id(questions)
    test, items = analyse(matrix, max_scores, canonical)
    labels = {qid: f"{q.uid}: {q.stem[:60]}" for qid, q in questions.items()}
    totals = [math.fsum(score or 0.0 for score in row.values()) for row in matrix]

    def given(qid: int) -> list[tuple[Any, float | None, float]]:
        return [
            (answers.get((a.id, qid)), fractions.get((a.id, qid)), total)
            for a, total in zip(first.values(), totals, strict=True)
            if any(e["question_id"] == qid for e in a.layout)
        ]

    responses = {
        qid: response_analysis(canonical[qid], given(qid))
        for qid in max_scores
        if qid in canonical and qid not in by_hand
    }
    hand_graded = {qid: hand_graded_summary(given(qid)) for qid in max_scores if qid in by_hand}
    stems = {qid: f"{q.uid}: {q.stem}" for qid, q in questions.items()}
    return QuizStatistics(test, items, labels, stems, responses, hand_graded)
