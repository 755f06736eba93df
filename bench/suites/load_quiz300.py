"""300 students take one 10-question quiz at once, on SQLite and PostgreSQL, under gunicorn on loopback.

The quiz has every question type (mcq twice, multi, tf, numeric, cloze with 1 and with 2 blanks, matching,
short, essay), each answered in its own autosave shape. Each student logs in, starts the attempt, autosaves
10 answers and submits twice. Afterwards the suite reads the database: every save the server acknowledged
must be stored and, once the attempt is submitted, graded, or for the essay left waiting for a person
(lost_answers), and no student may have more than one submitted attempt or be counted twice
(double_submissions); any 5xx answer counts in errors_5xx.
The accounts are written straight into the database before the server starts (logging in is measured; the
sign-up form is not), with a cheap password hash so 300 logins do not measure scrypt.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select
from werkzeug.security import generate_password_hash

from bench.harness.context import Context
from bench.harness.contract import contract_metric
from bench.harness.load import Session
from bench.harness.metrics import Metric
from bench.harness.server import FreshDatabase, GunicornServer, app_env, prepare_database

STUDENTS = 300
# The quiz in order: (type, blanks for cloze). Ten questions, every type the registry has.
QUIZ_TYPES = (
    ("mcq", 0),
    ("multi", 0),
    ("tf", 0),
    ("numeric", 0),
    ("cloze", 1),
    ("cloze", 2),
    ("matching", 0),
    ("short", 0),
    ("essay", 0),
    ("mcq", 0),
)
QUESTIONS = len(QUIZ_TYPES)
HAND_GRADED = ("essay",)  # stays ungraded (fraction None) after submission until a person grades it
CONCURRENCY = 40
PASSWORD = "bench-student-pass"  # noqa: S105 - throwaway accounts in a throwaway database
_ATTEMPT = re.compile(r"/quizzes/attempts/(\d+)")


@dataclass
class QuizFixture:
    quiz_id: int
    usernames: list[str]
    answers: dict[int, list]  # question id -> answers to send (cycled), all well-formed
    hand_graded: set[int] = field(default_factory=set)  # question ids a person grades (essay)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def answer_variants(canonical: dict) -> list:
    """Two well-formed answers to one question, in the shape autosave takes and stores back unchanged."""
    qtype, answer = canonical["type"], canonical.get("answer")
    options = canonical.get("options") or []
    if qtype == "mcq":
        return list(options)
    if qtype == "multi":
        return [list(options[:1]), [o for o in options if o in answer]]
    if qtype == "tf":
        return [True, False]
    if qtype == "numeric":
        return [_number(answer["value"]), _number(answer["value"] + 1)]
    if qtype == "cloze":
        return [[variants[0] for variants in answer], ["not it"] * len(answer)]
    if qtype == "matching":
        right = {pair["left"]: pair["right"] for pair in answer}
        lefts, rights = list(right), list(right.values())
        return [right, dict(zip(lefts, rights[1:] + rights[:1], strict=True))]
    if qtype == "short":
        return [answer[0], "not the answer"]
    return ["Scale from one side, technology from the other.", "The risk is dilution of the brand."]


def pick_questions(db, question_model) -> list:
    """The first approved seed question (by uid) for each QUIZ_TYPES row, never the same one twice."""
    chosen: list = []
    for qtype, blanks in QUIZ_TYPES:
        candidates = db.session.scalars(
            select(question_model)
            .where(question_model.qtype == qtype, question_model.status == "approved")
            .order_by(question_model.uid)
        )
        for question in candidates:
            if question in chosen or (qtype == "cloze" and len(question.answer) != blanks):
                continue
            chosen.append(question)
            break
        else:
            raise LookupError(f"the seed bank has no approved {qtype} question for the bench quiz")
    return chosen


def build_fixture(database_url: str, students: int) -> QuizFixture:
    """In-process: bulk-create students enrolled in the demo course and a published 10-question quiz."""
    from app import create_app
    from app.bank.convert import to_canonical
    from app.extensions import db
    from app.models import Course, Enrolment, Question, User
    from app.quizzes import service

    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secrets.token_hex(16)})
    with application.app_context():
        course = db.session.scalar(select(Course).where(Course.join_code == "FAWDEMO8"))
        instructor = course.owner
        prefix = f"bench{secrets.token_hex(3)}"
        usernames = [f"{prefix}{n:04d}" for n in range(students)]
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.execute(
            insert(User),
            [{"username": u, "display_name": u, "password_hash": password_hash} for u in usernames],
        )
        ids = db.session.scalars(select(User.id).where(User.username.in_(usernames))).all()
        db.session.execute(
            insert(Enrolment), [{"course_id": course.id, "user_id": uid, "role": "student"} for uid in ids]
        )
        db.session.commit()
        questions = pick_questions(db, Question)
        settings = service.QuizSettings(
            title="Bench quiz", course=course, published=True, attempts_allowed=1, grading_method="highest"
        )
        quiz = service.save_quiz(instructor, settings)
        service.add_questions(quiz, [q.id for q in questions])
        answers = {q.id: answer_variants(to_canonical(q)) for q in questions}
        hand_graded = {q.id for q in questions if q.qtype in HAND_GRADED}
        fixture = QuizFixture(quiz.id, usernames, answers, hand_graded)
        db.session.remove()
        db.engine.dispose()
    return fixture


def start_attempt(session: Session, quiz_id: int) -> int:
    token = session.csrf_token or session.fetch_csrf(f"/quizzes/{quiz_id}")
    response = session.post(f"/quizzes/{quiz_id}/start", form={"csrf_token": token})
    match = _ATTEMPT.search(response.headers.get("location", ""))
    if response.status != 302 or match is None:
        raise RuntimeError(f"starting the attempt answered {response.status}: {response.text[:200]}")
    return int(match.group(1))


@dataclass
class Outcome:
    acked: list[tuple[int, int, object]] = field(default_factory=list)  # attempt, question, answer
    statuses: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int) -> None:
        with self.lock:
            self.statuses.append(status)


def student_flow(server: GunicornServer, fixture: QuizFixture, username: str, out: Outcome, deadline: float):
    session = Session(server.host, server.port)
    try:
        session.login(username, PASSWORD)
        attempt_id = start_attempt(session, fixture.quiz_id)
        for seq, (qid, options) in enumerate(fixture.answers.items(), start=1):
            if time.monotonic() > deadline:
                raise TimeoutError("the suite's time bound ran out")
            answer = options[seq % len(options)]
            body = {"question_id": qid, "answer": answer, "seq": 1}
            response = session.post(f"/quizzes/attempts/{attempt_id}/save", json_body=body)
            out.count(response.status)
            if response.status == 200:
                with out.lock:
                    out.acked.append((attempt_id, qid, answer))
        for _ in range(2):  # a double click, or a resend after a timeout
            response = session.post(
                f"/quizzes/attempts/{attempt_id}", form={"csrf_token": session.csrf_token, "submit": "1"}
            )
            out.count(response.status)
    except Exception as exc:  # recorded and reported; one student's failure must not stop the others
        with out.lock:
            out.failures.append(f"{username}: {type(exc).__name__}: {exc}")
    finally:
        session.close()


def verify(database_url: str, fixture: QuizFixture, acked: list[tuple[int, int, object]]) -> tuple[int, int]:
    """(lost answers, double submissions) read back from the database after the run.

    An acknowledged answer is lost when it is not stored as sent, or when its attempt was submitted but the
    answer was not graded with it (stored after the grading, so not counted); a hand-graded answer (essay)
    is rightly ungraded after submission and only has to be stored.
    """
    from app.models import Attempt, Response

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            stored = {
                (a, q): (answer, fraction)
                for a, q, answer, fraction in conn.execute(
                    select(Response.attempt_id, Response.question_id, Response.answer, Response.fraction)
                )
            }
            closed = set(
                conn.execute(
                    select(Attempt.id).where(
                        Attempt.quiz_id == fixture.quiz_id, Attempt.state.in_(("submitted", "finished"))
                    )
                ).scalars()
            )
            per_user = conn.execute(
                select(Attempt.user_id, func.count())
                .where(Attempt.quiz_id == fixture.quiz_id, Attempt.state.in_(("submitted", "finished")))
                .group_by(Attempt.user_id)
            ).all()
    finally:
        engine.dispose()
    missing = (object(), None)
    lost = sum(
        1
        for a, q, answer in acked
        if stored.get((a, q), missing)[0] != answer
        or (a in closed and q not in fixture.hand_graded and stored[(a, q)][1] is None)
    )
    doubles = sum(count - 1 for _, count in per_user if count > 1)
    return lost, doubles


def run_backend(ctx: Context, backend: str, students: int) -> tuple[list[Metric], str]:
    with FreshDatabase(backend, ctx.tmp) as database:
        env = app_env(database.url, secrets.token_hex(32))
        prepare_database(env, seed=True)
        fixture = build_fixture(database.url, students)
        log_path = ctx.tmp / f"gunicorn-{database.name}.log"
        out = Outcome()
        began = time.monotonic()
        with GunicornServer(env, Path(log_path), workers=2, threads=8) as server:
            deadline = began + ctx.scale(150, 300)
            with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
                for username in fixture.usernames:
                    pool.submit(student_flow, server, fixture, username, out, deadline)
        seconds = time.monotonic() - began
        lost, doubles = verify(database.url, fixture, out.acked)
    errors = sum(1 for s in out.statuses if s >= 500)
    note = f"{students} students, {len(out.acked)} saves acknowledged, {seconds:.1f}s"
    if out.failures:
        note += f"; {len(out.failures)} student(s) failed, first: {out.failures[0][:160]}"
    prefix = f"load.quiz300.{backend}"
    metrics = [
        contract_metric(f"{prefix}.lost_answers", lost, note),
        contract_metric(f"{prefix}.errors_5xx", errors + len(out.failures), note),
        contract_metric(f"{prefix}.double_submissions", doubles, note),
    ]
    return metrics, note


def run(ctx: Context, quick: bool) -> list[Metric]:
    metrics: list[Metric] = []
    for backend in ctx.backends:
        reason = ctx.unavailable(backend)
        if reason:
            ctx.log("load_quiz300", f"{backend}: skipped, {reason}")
            metrics += [
                contract_metric(f"load.quiz300.{backend}.{name}", None, reason)
                for name in ("lost_answers", "errors_5xx", "double_submissions")
            ]
            continue
        produced, note = run_backend(ctx, backend, STUDENTS)
        ctx.log("load_quiz300", f"{backend}: {note}")
        metrics += produced
    return metrics
