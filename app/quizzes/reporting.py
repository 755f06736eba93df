"""What a quiz's results look like: the course page's listing, the gradebook and its CSV, item analysis."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.courses.service import courses_for, students_of
from app.extensions import db
from app.models import (
    Attempt,
    Course,
    Enrolment,
    Quiz,
    QuizAnalysis,
    Response,
    User,
    utcnow,
)
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
from app.quizzes.attempts import DONE_STATES, canonical_by_id, project_overdue, questions_by_id
from app.quizzes.builder import GRADING_METHODS, MAX_POINTS, MIN_POINTS, max_points


@dataclass
class QuizListing:
    quiz: Quiz
    status: str
    manage: bool


def quizzes_for_course(course: Course, user: User) -> list[QuizListing]:
    """The course's quizzes for its page: all of them for its teachers, the published ones for students."""
    return _listings([course], user)


def quizzes_for_user(user: User) -> list[QuizListing]:
    return _listings(courses_for(user), user)


def _listings(courses: list[Course], user: User) -> list[QuizListing]:
    """The quizzes of these courses as `user` sees them, in three queries however many courses, quizzes
    and attempts there are: which courses the user manages, their quizzes, and the user's attempts."""
    if not courses:
        return []
    ids = [c.id for c in courses]
    managed = {c.id for c in courses if user.is_admin} | set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.user_id == user.id, Enrolment.role == "instructor", Enrolment.course_id.in_(ids)
            )
        )
    )
    by_course: dict[int, list[Quiz]] = {cid: [] for cid in ids}
    for quiz in db.session.scalars(
        select(Quiz)
        .where(Quiz.course_id.in_(ids), or_(Quiz.published.is_(True), Quiz.course_id.in_(managed)))
        .order_by(Quiz.created_at, Quiz.id)
        .options(selectinload(Quiz.course))
    ):
        by_course[quiz.course_id].append(quiz)
    taken = [q.id for cid in ids if cid not in managed for q in by_course[cid]]
    attempts: dict[int, list[Attempt]] = {qid: [] for qid in taken}
    if taken:
        for attempt in db.session.scalars(
            select(Attempt)
            .where(Attempt.quiz_id.in_(taken), Attempt.user_id == user.id, Attempt.mode == "quiz")
            .order_by(Attempt.number)
        ):
            attempts[attempt.quiz_id].append(attempt)
    listings = []
    for cid in ids:
        manage = cid in managed
        for quiz in by_course[cid]:
            if manage:
                status = "Published" if quiz.published else "Draft (students cannot see it)"
            else:
                mine = attempts[quiz.id]
                done = [a for a in mine if a.state in DONE_STATES]
                if any(a.state == "in_progress" for a in mine):
                    status = "In progress"
                elif done:
                    status = f"Submitted ({len(done)} attempt{'s' if len(done) != 1 else ''})"
                else:
                    status = "Not started"
            listings.append(QuizListing(quiz, status, manage))
    return listings


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
    """One row per student of the course (overdue attempts counted as closed), graded by the quiz's method."""
    students = students_of(quiz.course) if quiz.course is not None else []
    return _grade_rows(quiz, students, None, now or utcnow())


GRADEBOOK_PAGE = 50  # students per page of a quiz's gradebook


@dataclass
class GradebookPage:
    rows: list[GradeRow]
    page: int  # the page shown: a page beyond the last shows the last
    pages: int
    total: int  # students in the course


def gradebook_page(
    quiz: Quiz, page: int = 1, per_page: int = GRADEBOOK_PAGE, now: datetime | None = None
) -> GradebookPage:
    """One page of the quiz's gradebook (students by name), counted and sliced in SQL: the attempts read
    are those of the page's students only."""
    if quiz.course_id is None:
        return GradebookPage([], 1, 1, 0)
    enrolled = (
        select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == quiz.course_id, Enrolment.role == "student")
    )
    total = db.session.scalar(select(func.count()).select_from(enrolled.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    students = list(
        db.session.scalars(
            enrolled.order_by(User.display_name, User.id).limit(per_page).offset((page - 1) * per_page)
        )
    )
    return GradebookPage(
        _grade_rows(quiz, students, [s.id for s in students], now or utcnow()), page, pages, total
    )


def _grade_rows(quiz: Quiz, students: list[User], only: list[int] | None, now: datetime) -> list[GradeRow]:
    """The grade rows of `students`; `only`: read the attempts of these user ids only (None: all)."""
    query = select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.mode == "quiz").order_by(Attempt.number)
    if only is not None:
        query = query.where(Attempt.user_id.in_(only))
    attempts = list(db.session.scalars(query))
    project_overdue(attempts, now)
    by_user: dict[int, list[Attempt]] = {}
    for attempt in attempts:
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


def grades_csv(quiz: Quiz) -> str:
    """The quiz's gradebook as CSV text: a header of CSV_COLUMNS and a row per student."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(grades_csv_rows(gradebook(quiz)))
    return out.getvalue()


@dataclass
class QuizStatistics:
    test: TestStats
    items: list[ItemStats]
    labels: dict[int, str]
    stems: dict[int, str] = field(default_factory=dict)  # the full stem of each question
    responses: dict[int, list[ResponseCount]] = field(default_factory=dict)  # Moodle's response analysis
    hand_graded: dict[int, HandGraded] = field(default_factory=dict)  # essays: graded / pending, no options
    left_out: list[str] = field(default_factory=list)  # questions whose stored points cannot be analysed


def statistics(quiz: Quiz, now: datetime | None = None) -> QuizStatistics:
    """The quiz's item analysis (see `compute_statistics`), from its `QuizAnalysis` row when the quiz's
    attempts, responses, items and questions are as they were when it was computed: the quiz's analysis
    version (app/quizzes/analysis_version.py, bumped by every write the analysis reads) decides in one row,
    so the page costs the same for 5 attempts or 5,000. Otherwise computed and stored.

    The stored row is a derived cache of what the page shows, the one row a GET may write (no attempt,
    grade or answer changes; a failed store is ignored). While an attempt is past its deadline but not yet
    closed (the next write or `flask quiz close-overdue` closes it), the analysis is computed with that
    attempt shown closed (`project_overdue`) and not stored: the database does not hold that state yet.
    """
    now = now or utcnow()
    overdue = db.session.scalar(
        select(Attempt.id)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.mode == "quiz",
            Attempt.state == "in_progress",
            Attempt.deadline_at <= now,
        )
        .limit(1)
    )
    if overdue is not None:
        return compute_statistics(quiz, now)
    # The version is read before the data the computation reads: a write that lands in between leaves a
    # stored analysis labelled older than its data, which only costs one more computation.
    version, stored = db.session.execute(
        select(Quiz.analysis_version, QuizAnalysis)
        .outerjoin(QuizAnalysis, QuizAnalysis.quiz_id == Quiz.id)
        .where(Quiz.id == quiz.id)
    ).one()
    fingerprint = analysis_fingerprint(version)
    if stored is not None and stored.fingerprint == fingerprint:
        return _stats_from_json(json.loads(stored.payload))
    result = compute_statistics(quiz, now)
    payload = json.dumps(_stats_to_json(result))
    if stored is None:
        db.session.add(
            QuizAnalysis(quiz_id=quiz.id, fingerprint=fingerprint, payload=payload, computed_at=now)
        )
    else:
        stored.fingerprint, stored.payload, stored.computed_at = fingerprint, payload, now
    session = db.session()
    # The page goes on reading the quiz, its items and the user: keep them loaded across this commit.
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    except IntegrityError:  # another request stored the same analysis first
        session.rollback()
    finally:
        session.expire_on_commit = expire
    return result


def analysis_fingerprint(version: int) -> str:
    """What a stored analysis holds to say which quiz analysis version it was computed at (older rows hold
    a digest of the quiz's data, which never matches: they are computed again once)."""
    return f"v{version}"


def _stats_to_json(stats: QuizStatistics) -> dict[str, Any]:
    return {
        "test": asdict(stats.test),
        "items": [asdict(item) for item in stats.items],
        "labels": list(stats.labels.items()),
        "stems": list(stats.stems.items()),
        "responses": [(qid, [asdict(r) for r in rows]) for qid, rows in stats.responses.items()],
        "hand_graded": [(qid, asdict(h)) for qid, h in stats.hand_graded.items()],
        "left_out": stats.left_out,
    }


def _stats_from_json(data: dict[str, Any]) -> QuizStatistics:
    """The inverse of _stats_to_json (dict keys kept as ids and in order, so the page reads the same)."""
    return QuizStatistics(
        test=TestStats(**data["test"]),
        items=[ItemStats(**item) for item in data["items"]],
        labels={qid: label for qid, label in data["labels"]},
        stems={qid: stem for qid, stem in data["stems"]},
        responses={qid: [ResponseCount(**r) for r in rows] for qid, rows in data["responses"]},
        hand_graded={qid: HandGraded(**h) for qid, h in data["hand_graded"]},
        left_out=data["left_out"],
    )


def compute_statistics(quiz: Quiz, now: datetime | None = None) -> QuizStatistics:
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
    projected = project_overdue(attempts, now)
    first: dict[int, Attempt] = {}
    for attempt in attempts:
        if attempt.state in DONE_STATES and attempt.user_id not in first:
            first[attempt.user_id] = attempt
    max_scores: dict[int, float] = {}
    unusable: set[int] = set()  # points stored before the builder checked them (inf, 0, 1e19): left out
    for item in quiz.items:
        if item.question_id is not None:
            max_scores.setdefault(item.question_id, item.points)
            if not _usable_points(item.points):
                unusable.add(item.question_id)
    for attempt in first.values():
        for entry in attempt.layout:
            max_scores.setdefault(entry["question_id"], entry["points"])
            if not _usable_points(entry["points"]):
                unusable.add(entry["question_id"])
    for qid in unusable:
        del max_scores[qid]
    fractions: dict[tuple[int, int], float | None] = {}
    answers: dict[tuple[int, int], Any] = {}
    for attempt_id, qid, fraction, answer in db.session.execute(
        select(Response.attempt_id, Response.question_id, Response.fraction, Response.answer).where(
            Response.attempt_id.in_([a.id for a in first.values()])
        )
    ):
        projection = projected.get(attempt_id)
        fractions[(attempt_id, qid)] = projection.fractions.get(qid) if projection else fraction
        answers[(attempt_id, qid)] = answer
    questions = questions_by_id(max_scores, with_articles=True)
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
            if not pending(a.id, e["question_id"]) and e["question_id"] not in unusable
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
    left_out = [f"{q.uid}: {q.stem[:60]}" for q in (questions_by_id(unusable).values() if unusable else ())]
    return QuizStatistics(test, items, labels, stems, responses, hand_graded, sorted(left_out))


def _usable_points(points: Any) -> bool:
    """Whether an item's stored points can be analysed: a number the builder accepts today."""
    if isinstance(points, bool) or not isinstance(points, int | float):
        return False
    return math.isfinite(points) and MIN_POINTS <= points <= MAX_POINTS
