"""The course gradebook at scale: one grid page and the whole-course CSV, in-process through the test
client, with the number of SQL statements each sends (it must not grow with the course)."""

from __future__ import annotations

import statistics
import time

from sqlalchemy import event, select

from bench.harness.context import Context
from bench.harness.metrics import Metric
from bench.harness.server import in_process_app

SUITE = "gradebook"
QUIZZES = 5
REPEATS = 5
PASSWORD = "bench-pass-phrase-gb"


def _app(database_url: str):
    return in_process_app(database_url, client=True)


def _course_with(students: int):
    """A course with QUIZZES published quizzes and `students` students, each with two graded
    attempts at every quiz (written straight to the tables: only reading is measured)."""
    from app.auth.service import create_user
    from app.courses.service import create_course
    from app.extensions import db
    from app.models import Attempt, Enrolment, Question, User, utcnow
    from app.quizzes import service

    teacher = create_user("gb_teacher", "Bench Teacher", PASSWORD, "instructor")
    course = create_course(teacher, "Bench course")
    ids = db.session.scalars(select(Question.id).where(Question.status == "approved").limit(4)).all()
    quizzes = []
    for n in range(QUIZZES):
        settings = service.QuizSettings(title=f"Bench quiz {n}", course=course, published=True)
        quiz = service.save_quiz(teacher, settings)
        service.add_questions(quiz, ids)
        quizzes.append(quiz)
    password_hash = teacher.password_hash
    users = [
        User(username=f"gb{i:05d}", display_name=f"Student {i:05d}", password_hash=password_hash)
        for i in range(students)
    ]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(Enrolment(course_id=course.id, user_id=u.id, role="student") for u in users)
    now = utcnow()
    for quiz in quizzes:
        for i, user in enumerate(users):
            for number in (1, 2):
                db.session.add(
                    Attempt(
                        mode="quiz",
                        quiz_id=quiz.id,
                        user_id=user.id,
                        number=number,
                        state="submitted",
                        layout=[],
                        submitted_at=now,
                        score=float((i + number) % 5),
                        max_score=4.0,
                    )
                )
    db.session.commit()
    return course


def _timed(app, client, url: str) -> tuple[float, int]:
    """Median milliseconds of REPEATS GETs of `url`, and the statements of one."""
    from app.extensions import db

    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    times = []
    for attempt in range(REPEATS):
        if attempt == 0:
            event.listen(db.engine, "before_cursor_execute", counter)
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if attempt == 0:
            event.remove(db.engine, "before_cursor_execute", counter)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), count


def run(ctx: Context, quick: bool) -> list[Metric]:
    metrics: list[Metric] = []
    sizes = (300,) if quick else (300, 3000)
    for backend in ctx.backends:
        reason = ctx.unavailable(backend)
        if reason:
            ctx.log(SUITE, f"{backend}: skipped ({reason})")
            continue
        for size in sizes:
            with ctx.fresh_database(backend, seed=True) as database:
                app = _app(database.url)
                with app.app_context():
                    course = _course_with(size)
                    client = app.test_client()
                    login = client.post("/login", data={"username": "gb_teacher", "password": PASSWORD})
                    assert login.status_code == 302, login.get_data(as_text=True)[:300]
                    page_ms, page_statements = _timed(app, client, f"/courses/{course.id}/gradebook")
                    csv_ms, csv_statements = _timed(app, client, f"/courses/{course.id}/gradebook.csv")
                    from app.extensions import db

                    db.session.remove()
                    db.engine.dispose()
            tag = f"gradebook.{backend}.{size}_students"
            note = f"{QUIZZES} quizzes, 2 attempts each; a page shows 50 students"
            metrics += [
                Metric.measured(f"{tag}.page_ms", page_ms, "ms", note=note),
                Metric.measured(f"{tag}.page_statements", page_statements, "statements"),
                Metric.measured(f"{tag}.csv_ms", csv_ms, "ms", note="every student"),
                Metric.measured(f"{tag}.csv_statements", csv_statements, "statements"),
            ]
            ctx.log(
                SUITE,
                f"{backend} {size}: page {page_ms:.1f} ms / {page_statements} statements, csv {csv_ms:.1f} ms",
            )
    return metrics
