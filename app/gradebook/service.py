"""The course gradebook (students × quizzes, each quiz's grading method applied), its CSV, and a student's
grades across their courses. A page costs a fixed number of queries whatever the course's size: students,
quizzes, their maximum points and the attempts are each read in one statement."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from app.extensions import db
from app.gradebook.grades import AttemptRow, Cell, average_percentage, feedback_open, grade_cell
from app.models import Attempt, Course, Enrolment, Quiz, QuizItem, User, utcnow
from app.quizzes.attempts import project_overdue
from app.quizzes.reporting import spreadsheet_text

PER_PAGE = 50


@dataclass
class GridRow:
    student: User
    cells: list[Cell]
    counts: list[bool]  # per cell: whether its quiz counts toward the average

    @property
    def average(self) -> float | None:
        return average_percentage(self.cells, self.counts)


@dataclass
class Grid:
    course: Course
    quizzes: list[Quiz]
    max_points: dict[int, float]
    rows: list[GridRow]
    page: int
    pages: int
    total_students: int


def _max_points(quiz_ids: list[int]) -> dict[int, float]:
    """Each quiz's maximum in one query: a fixed item's points, or a draw's points times its count."""
    if not quiz_ids:
        return {}
    worth = case(
        (QuizItem.question_id.is_not(None), QuizItem.points), else_=QuizItem.points * QuizItem.draw_count
    )
    rows = db.session.execute(
        select(QuizItem.quiz_id, func.sum(worth))
        .where(QuizItem.quiz_id.in_(quiz_ids))
        .group_by(QuizItem.quiz_id)
    )
    totals = {quiz_id: float(total or 0.0) for quiz_id, total in rows}
    return {quiz_id: totals.get(quiz_id, 0.0) for quiz_id in quiz_ids}


def _attempt_rows(
    quiz_ids: list[int], user_ids: list[int], now: datetime
) -> dict[tuple[int, int], list[AttemptRow]]:
    """(user id, quiz id) -> the counted attempts, in one query. An attempt past its deadline counts as
    closed with the score its saved answers get (read, never written: the next write or the close-overdue
    job closes it), which costs two more queries when there is one."""
    found: dict[tuple[int, int], list[AttemptRow]] = defaultdict(list)
    if not quiz_ids or not user_ids:
        return found
    rows = db.session.execute(
        select(
            Attempt.user_id,
            Attempt.quiz_id,
            Attempt.id,
            Attempt.number,
            Attempt.state,
            # An attempt with responses waiting for a hand grade has no grade yet (its score is the part known).
            case((Attempt.ungraded > 0, None), else_=Attempt.score).label("score"),
            Attempt.max_score,
            Attempt.deadline_at,
        )
        .where(Attempt.quiz_id.in_(quiz_ids), Attempt.user_id.in_(user_ids), Attempt.mode == "quiz")
        .order_by(Attempt.number)
    ).all()
    overdue = [
        r.id for r in rows if r.state == "in_progress" and r.deadline_at is not None and now >= r.deadline_at
    ]
    projected = {}
    if overdue:
        projected = project_overdue(db.session.scalars(select(Attempt).where(Attempt.id.in_(overdue))), now)
    for user_id, quiz_id, attempt_id, number, state, score, max_score, _deadline in rows:
        seen = projected.get(attempt_id)
        if seen is not None:
            state, score, max_score = "finished", None if seen.ungraded else seen.score, seen.max_score
        found[(user_id, quiz_id)].append(AttemptRow(attempt_id, number, state, score, max_score))
    return found


def _students_query(course: Course):
    return (
        select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course.id, Enrolment.role == "student")
    )


def course_quizzes(course: Course) -> list[Quiz]:
    return list(
        db.session.scalars(select(Quiz).where(Quiz.course_id == course.id).order_by(Quiz.created_at, Quiz.id))
    )


def course_grid(
    course: Course, page: int = 1, per_page: int | None = PER_PAGE, now: datetime | None = None
) -> Grid:
    """One page of the course's students (by name) with a cell per quiz; per_page None: every student."""
    now = now or utcnow()
    quizzes = course_quizzes(course)
    quiz_ids = [q.id for q in quizzes]
    total = db.session.scalar(select(func.count()).select_from(_students_query(course).subquery())) or 0
    pages = max(1, math.ceil(total / per_page)) if per_page else 1
    page = min(max(1, page), pages)
    query = _students_query(course).order_by(User.display_name, User.id)
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    students = list(db.session.scalars(query))
    maxima = _max_points(quiz_ids)
    attempts = _attempt_rows(quiz_ids, [s.id for s in students], now)
    counts = [q.counts_in_average for q in quizzes]
    rows = [
        GridRow(
            student,
            [
                grade_cell(attempts.get((student.id, q.id), []), q.grading_method, maxima[q.id])
                for q in quizzes
            ],
            counts,
        )
        for student in students
    ]
    return Grid(course, quizzes, maxima, rows, page, pages, total)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def grid_csv_rows(grid: Grid) -> list[list[str]]:
    """The header and one row per student: a quiz's cell is its grade in points, "needs grading", or empty;
    a quiz left out of the average says so in its header; names and titles that start like a formula are
    neutralised as in the quiz's grades CSV."""

    def title(quiz: Quiz) -> str:
        left_out = "" if quiz.counts_in_average else ", not in average"
        return spreadsheet_text(
            f"{quiz.title} (max {_number(grid.max_points[quiz.id])}, {quiz.grading_method}{left_out})"
        )

    header = ["username", "display_name", *(title(q) for q in grid.quizzes), "average_percentage"]
    body = []
    for row in grid.rows:
        cells = ["needs grading" if c.state == "needs_grading" else _number(c.grade) for c in row.cells]
        body.append(
            [
                spreadsheet_text(row.student.username),
                spreadsheet_text(row.student.display_name),
                *cells,
                _number(row.average),
            ]
        )
    return [header, *body]


@dataclass
class MyGrade:
    quiz: Quiz
    cell: Cell
    review_open: bool


@dataclass
class CourseGrades:
    course: Course
    grades: list[MyGrade]


def my_grades(user: User, now: datetime | None = None) -> list[CourseGrades]:
    """The published quizzes of each course the user is a student of (archived ones left out), with their
    grade on each."""
    now = now or utcnow()
    courses = list(
        db.session.scalars(
            select(Course)
            .join(Enrolment, Enrolment.course_id == Course.id)
            .where(Enrolment.user_id == user.id, Enrolment.role == "student", Course.archived_at.is_(None))
            .order_by(Course.title, Course.id)
        )
    )
    if not courses:
        return []
    quizzes = list(
        db.session.scalars(
            select(Quiz)
            .where(Quiz.course_id.in_([c.id for c in courses]), Quiz.published.is_(True))
            .order_by(Quiz.created_at, Quiz.id)
        )
    )
    quiz_ids = [q.id for q in quizzes]
    maxima = _max_points(quiz_ids)
    attempts = _attempt_rows(quiz_ids, [user.id], now)
    by_course: dict[int, list[MyGrade]] = defaultdict(list)
    for quiz in quizzes:
        cell = grade_cell(attempts.get((user.id, quiz.id), []), quiz.grading_method, maxima[quiz.id])
        by_course[quiz.course_id].append(
            MyGrade(quiz, cell, feedback_open(quiz.feedback_timing, quiz.closes_at, now))
        )
    return [CourseGrades(course, by_course.get(course.id, [])) for course in courses]
