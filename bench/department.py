"""A department's data, deterministically: `build(database_url, size) -> Summary`.

Adds to a migrated database (seeded or not) what years of use by a department leave behind: articles with
their sentences, an approved bank and a review queue of ranked candidates (some failing a generator check,
some with variants on one fact), students enrolled in courses, published quizzes with finished attempts and
their responses, and flashcards with their review log and study-day counts. Everything goes in by SQLAlchemy
Core `insert()` executemany on the models' own tables (so JSON and UTC columns are stored as the app stores
them), in one transaction, on SQLite and PostgreSQL alike. The same size gives the same rows every time
(fixed random seed, fixed dates), apart from the ids the database already used.

```python
from bench.department import build
summary = build("sqlite:////tmp/big.db", "big")   # a migrated database; returns what was added
```

`python -m bench.department DATABASE_URL SIZE` does the same from the shell (it migrates first with
`--migrate`, and seeds with `--seed`). Sizes are in SIZES; `GENERATOR_VERSION` changes whenever the rows
built for a size change, so a cached database file can be keyed by it.

Every generated user's username starts with `dept-` and has the password DEMO_PASSWORD (hashed once).
The first generated instructor, `dept-instructor`, owns the generated courses and quizzes.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, create_engine, func, insert, select, text

GENERATOR_VERSION = 1
DEMO_PASSWORD = "casewise-demo"
RANDOM_SEED = 20261207
BASE_TIME = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
TOPICS = (
    "key-figures",
    "partnership-models",
    "strategic-risks",
    "market-entry",
    "supply-chain",
    "governance",
)
QUIZ_TYPES = ("mcq", "tf")
BANK_TYPES = ("mcq", "tf", "numeric", "cloze")
CHECK_NAMES = ("answer_in_source", "one_answer", "options_distinct", "self_contained", "no_giveaway")
BATCH = 5000


@dataclass(frozen=True)
class Size:
    articles: int
    sentences_per_article: int
    approved: int
    candidates: int
    students: int
    courses: int
    quizzes: int
    attempts_per_quiz: int
    items_per_quiz: int
    cards_per_student: int
    reviews: int


SIZES: dict[str, Size] = {
    # A handful of everything: enough for every page to have rows, built in well under a second.
    "small": Size(5, 12, 200, 50, 10, 1, 2, 10, 10, 10, 200),
    # The statement budgets run here in the tests (~2,000 questions, 100 students).
    "mid": Size(40, 20, 2000, 500, 100, 2, 4, 100, 20, 40, 8000),
    # The department: 20k approved + 5k candidates, 1,500 students, 20 quizzes x 500 attempts x 30
    # responses = 300k responses, 200k review-log rows.
    "big": Size(400, 25, 20000, 5000, 1500, 3, 20, 500, 30, 40, 200000),
}


@dataclass
class Summary:
    size: str
    articles: int = 0
    segments: int = 0
    approved: int = 0
    candidates: int = 0
    students: int = 0
    courses: int = 0
    quizzes: int = 0
    attempts: int = 0
    responses: int = 0
    cards: int = 0
    reviews: int = 0
    study_days: int = 0
    instructor_username: str = "dept-instructor"
    student_username: str = "dept-student-0000"  # an attempt at every quiz of the first course, a full deck
    quiz_id: int = 0  # the first generated quiz
    course_id: int = 0  # the first generated course

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _tables() -> dict[str, Table]:
    import app.models  # noqa: F401  (registers every table)
    from app.models import Base

    return dict(Base.metadata.tables)


class _Ids:
    """Explicit primary keys after the rows already there, so children can name parents without RETURNING."""

    def __init__(self, conn: Connection, tables: dict[str, Table]):
        self.conn, self.tables = conn, tables
        self.next: dict[str, int] = {}

    def take(self, table: str, count: int) -> range:
        if table not in self.next:
            column = self.tables[table].c.id
            self.next[table] = (self.conn.scalar(select(func.max(column))) or 0) + 1
        start = self.next[table]
        self.next[table] += count
        return range(start, start + count)


def _insert(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def _sentence(rng: random.Random, article: int, number: int) -> tuple[str, str, int]:
    """A sentence with one figure in it, the figure, and its value."""
    value = rng.randint(2, 950)
    subject = rng.choice(("The joint venture", "The partner", "The group", "The supplier", "The new brand"))
    verb = rng.choice(("delivered", "planned", "reported", "invested in", "opened"))
    noun = rng.choice(("vehicles", "plants", "dealers", "engineers", "battery packs", "markets"))
    words = f"{subject} {verb} {value} {noun} in year {2000 + (article + number) % 25}"
    return f"{words}, according to article {article} sentence {number}.", str(value), value


def _hash() -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(DEMO_PASSWORD)


def build(database_url: str, size: str = "mid") -> Summary:
    """Add a department of `size` (a key of SIZES) to the migrated database at `database_url`."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    spec = SIZES[size]
    engine = create_engine(_driver_url(database_url))
    try:
        with engine.begin() as conn:
            summary = _build(conn, _tables(), spec, Summary(size))
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, _tables())
        if engine.dialect.name == "postgresql":
            # VACUUM as well: a server with PostgreSQL's default settings (autovacuum on) vacuums a table
            # after a bulk load like this one, which fills the visibility map that index-only scans (the
            # bank's status counts) read. This project's test server runs with autovacuum off.
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM (ANALYZE)"))
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return summary


def _driver_url(url: str) -> str:
    """The URL with psycopg 3 named, as app.config does for `postgresql://`."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _reset_sequences(conn: Connection, tables: dict[str, Table]) -> None:
    for name, table in tables.items():
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement is not False:
            sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{name}"'})
            if sequence:
                conn.execute(
                    text(
                        f"SELECT setval('{sequence}', (SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)"
                    )
                )


def _build(conn: Connection, t: dict[str, Table], spec: Size, summary: Summary) -> Summary:
    rng = random.Random(RANDOM_SEED)
    ids = _Ids(conn, t)
    now = BASE_TIME
    password = _hash()

    # ---- people
    instructor_ids = ids.take("user", 2)
    student_ids = ids.take("user", spec.students)
    users = [
        {
            "id": uid,
            "username": f"dept-instructor{'' if n == 0 else n}",
            "display_name": f"Department instructor {n}",
            "password_hash": password,
            "role": "instructor",
            "created_at": now,
        }
        for n, uid in enumerate(instructor_ids)
    ]
    users += [
        {
            "id": uid,
            "username": f"dept-student-{n:04d}",
            "display_name": f"Student {n:04d}",
            "password_hash": password,
            "role": "student",
            "created_at": now,
        }
        for n, uid in enumerate(student_ids)
    ]
    _insert(conn, t["user"], users)
    summary.students = spec.students
    owner = instructor_ids[0]

    course_ids = ids.take("course", spec.courses)
    _insert(
        conn,
        t["course"],
        (
            {
                "id": cid,
                "title": f"Strategy cases {n + 1}",
                "description": "A generated department course.",
                "join_code": f"DEPT{cid:06d}",
                "owner_id": owner,
                "created_at": now,
            }
            for n, cid in enumerate(course_ids)
        ),
    )
    summary.courses, summary.course_id = spec.courses, course_ids[0]
    # Every student in the first course; the others split between the remaining courses.
    enrol = [(course_ids[0], s) for s in student_ids]
    for n, s in enumerate(student_ids):
        if spec.courses > 1:
            enrol.append((course_ids[1 + n % (spec.courses - 1)], s))
    teach = [(c, i) for c in course_ids for i in instructor_ids]  # both instructors teach every course
    enrol_ids = ids.take("enrolment", len(enrol) + len(teach))
    _insert(
        conn,
        t["enrolment"],
        (
            {"id": eid, "course_id": c, "user_id": u, "role": role, "created_at": now}
            for eid, (c, u, role) in zip(
                enrol_ids,
                [(c, u, "instructor") for c, u in teach] + [(c, u, "student") for c, u in enrol],
                strict=True,
            )
        ),
    )

    # ---- articles and their sentences
    article_ids = ids.take("article", spec.articles)
    sentences: dict[
        int, list[tuple[str, str, str, int, int]]
    ] = {}  # article -> (sid, text, figure, start, end)
    articles, segments = [], []
    segment_ids = iter(ids.take("segment", spec.articles * spec.sentences_per_article))
    for n, aid in enumerate(article_ids):
        offset, body_parts, rows = 0, [], []
        for s in range(spec.sentences_per_article):
            sentence, figure, _ = _sentence(rng, n, s)
            paragraph = 1 + s // 4
            sid = f"p{paragraph}s{1 + s % 4}"
            if body_parts:
                offset += 2 if s % 4 == 0 else 1
            rows.append((sid, sentence, figure, offset, offset + len(sentence)))
            body_parts.append(("\n\n" if s % 4 == 0 and s else (" " if s else "")) + sentence)
            offset += len(sentence)
            segments.append(
                {
                    "id": next(segment_ids),
                    "article_id": aid,
                    "sid": sid,
                    "paragraph": paragraph,
                    "position": s,
                    "start_offset": rows[-1][3],
                    "end_offset": rows[-1][4],
                    "text": sentence,
                    "kind": "sentence",
                    "excluded": False,
                }
            )
        body = "".join(body_parts)
        sentences[aid] = rows
        articles.append(
            {
                "id": aid,
                "slug": f"dept-article-{n:04d}",
                "title": f"Department case {n:04d}",
                "publisher": "Casewise bench",
                "published_on": date(2025, 1, 1) + timedelta(days=n % 365),
                "topics": [TOPICS[n % len(TOPICS)]],
                "source_format": "txt",
                "raw_text": body,
                "body": body,
                "content_sha256": f"{n:064x}",
                "created_by_id": owner,
                "created_at": now,
            }
        )
    _insert(conn, t["article"], articles)
    summary.articles = spec.articles
    summary.segments = _insert(conn, t["segment"], segments)

    # ---- the bank: approved questions, then candidates (ranked, some failing a check, some variants)
    question_ids = ids.take("question", spec.approved + spec.candidates)
    questions = []
    approved_by_type: dict[str, list[int]] = {k: [] for k in QUIZ_TYPES}
    for n, qid in enumerate(question_ids):
        approved = n < spec.approved
        # Candidates come in fours: the first two share a sentence (an MCQ and a T/F on one fact, folded
        # in the queue as variants), the other two stand alone.
        k = n - spec.approved
        group = n if k < 0 else spec.approved + (k // 4) * 4 + (0 if k % 4 < 2 else k % 4)
        aid = article_ids[group % spec.articles]
        sid, sentence, figure, start, end = sentences[aid][
            (group // spec.articles) % spec.sentences_per_article
        ]
        qtype = BANK_TYPES[n % len(BANK_TYPES)]
        value = int(figure)
        options: list[str] | None = None
        settings: dict[str, Any] = {}
        if qtype == "mcq":
            options = [str(value), str(value + 7), str(value + 19), str(value + 31)]
            answer: Any = str(value)
            stem = f"Which figure does case {aid} give in sentence {sid} (question {n})?"
        elif qtype == "tf":
            answer = n % 3 != 0
            stem = f"Statement {n}: case {aid} reports {value if answer else value + 1} in {sid}."
        elif qtype == "numeric":
            answer = {"value": float(value), "tolerance": 0.0, "tolerance_mode": "absolute", "unit": "",
                      "multiplier": 1.0}  # fmt: skip
            stem = f"How many does case {aid} report in sentence {sid} (question {n})?"
        else:
            answer = [[figure]]
            stem = f"Case {aid} reports [[1]] in sentence {sid} (question {n})."
        if approved:
            status, rank, checks, fact = "approved", None, {}, None
            if qtype in approved_by_type:
                approved_by_type[qtype].append(qid)
        else:
            status = "candidate"
            rank = round(rng.uniform(0.2, 2.0), 4)
            checks = {name: True for name in CHECK_NAMES}
            if n % 7 == 0:
                checks["self_contained"] = "the stem refers to 'the article'"
            fact = f"{sid}:{figure}"
        questions.append(
            {
                "id": qid,
                "uid": f"dept-{'a' if approved else 'c'}-{n:06d}",
                "qtype": qtype,
                "stem": stem,
                "options": options,
                "answer": answer,
                "settings": settings,
                "explanation": f"Sentence {sid} of the case gives {figure}.",
                "topic": TOPICS[n % len(TOPICS)],
                "difficulty": ("easy", "medium", "hard")[n % 3],
                "tags": [],
                "status": status,
                "origin": "bank" if approved else "generated",
                "article_id": aid,
                "sentence_ids": [sid],
                "quote": sentence,
                "source_start": start,
                "source_end": end,
                "rank_score": rank,
                "checks": checks,
                "failed_checks": sum(1 for v in checks.values() if v is not True),
                "fact_key": fact,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(conn, t["question"], questions)
    summary.approved, summary.candidates = spec.approved, spec.candidates
    answers = {
        q["id"]: (q["qtype"], q["answer"], q["options"]) for q in questions if q["qtype"] in QUIZ_TYPES
    }
    del questions

    # ---- quizzes, items, attempts and responses
    quiz_ids = ids.take("quiz", spec.quizzes)
    quiz_questions: dict[int, list[int]] = {}
    pool = approved_by_type["mcq"] + approved_by_type["tf"]
    quizzes, items = [], []
    item_ids = iter(ids.take("quiz_item", spec.quizzes * spec.items_per_quiz))
    for n, quiz_id in enumerate(quiz_ids):
        chosen = rng.sample(pool, spec.items_per_quiz)
        quiz_questions[quiz_id] = chosen
        quizzes.append(
            {
                "id": quiz_id,
                "title": f"Department quiz {n + 1}",
                "description": "",
                "owner_id": owner,
                "course_id": course_ids[n % spec.courses],
                "opens_at": now,
                "closes_at": None,
                "time_limit_s": None,
                "attempts_allowed": 0,
                "grading_method": "highest",
                "shuffle_questions": False,
                "shuffle_options": False,
                "feedback_timing": "after_submission",
                "published": True,
                "per_page": 0,
                "created_at": now,
            }
        )
        items += [
            {
                "id": next(item_ids),
                "quiz_id": quiz_id,
                "position": p,
                "question_id": q,
                "draw_count": 1,
                "points": 1.0,
            }  # fmt: skip
            for p, q in enumerate(chosen)
        ]
    _insert(conn, t["quiz"], quizzes)
    _insert(conn, t["quiz_item"], items)
    summary.quizzes, summary.quiz_id = spec.quizzes, quiz_ids[0]

    attempt_ids = iter(ids.take("attempt", spec.quizzes * spec.attempts_per_quiz))
    response_ids = ids.take("response", spec.quizzes * spec.attempts_per_quiz * spec.items_per_quiz)
    attempts, responses = [], _Responses(rng, response_ids)
    per_student: dict[tuple[int, int], int] = {}
    plan: list[tuple[int, int, list[int], datetime]] = []
    for n, quiz_id in enumerate(quiz_ids):
        course = course_ids[n % spec.courses]
        members = [s for c, s in enrol if c == course]
        for a in range(spec.attempts_per_quiz):
            student = members[0] if a == 0 else members[a % len(members)]
            number = per_student[(quiz_id, student)] = per_student.get((quiz_id, student), 0) + 1
            attempt_id = next(attempt_ids)
            started = now + timedelta(days=n, minutes=a)
            chosen = quiz_questions[quiz_id]
            plan.append((attempt_id, quiz_id, chosen, started))
            attempts.append(
                {
                    "id": attempt_id,
                    "mode": "quiz",
                    "quiz_id": quiz_id,
                    "user_id": student,
                    "number": number,
                    "state": "submitted",
                    "layout": [{"question_id": q, "points": 1.0, "order": None} for q in chosen],
                    "started_at": started,
                    "deadline_at": None,
                    "submitted_at": started + timedelta(minutes=12),
                    "score": None,
                    "max_score": float(len(chosen)),
                    "ungraded": 0,
                    "flagged": [],
                }
            )
    scores = responses.send_plan(plan, answers)
    for attempt in attempts:
        attempt["score"] = scores[attempt["id"]]
    _insert(conn, t["attempt"], attempts)
    summary.attempts = len(attempts)
    summary.responses = _insert(conn, t["response"], responses.rows())

    # ---- flashcards, their review log and the study days they add up to
    deck = approved_by_type["mcq"][: spec.cards_per_student * 2] or pool
    card_ids = ids.take("card", spec.students * spec.cards_per_student)
    cards, card_owner = [], []
    card_iter = iter(card_ids)
    for student in student_ids:
        for q in rng.sample(deck, min(spec.cards_per_student, len(deck))):
            cid = next(card_iter)
            card_owner.append((cid, student))
            cards.append(
                {
                    "id": cid,
                    "user_id": student,
                    "question_id": q,
                    "state": 2,
                    "step": None,
                    "stability": round(rng.uniform(1, 40), 3),
                    "difficulty": round(rng.uniform(2, 8), 3),
                    "due": now + timedelta(days=rng.randint(30, 90)),
                    "last_review": now + timedelta(days=29),
                    "reps": 0,
                    "lapses": 0,
                    "interval_days": 10,
                    "created_at": now,
                }
            )
    summary.cards = _insert(conn, t["card"], cards)
    del cards
    # The measured student gets about twice an average share; the rest are spread over everyone.
    log_ids = ids.take("review_log", spec.reviews)
    days: dict[tuple[int, date], list[int]] = {}
    summary.reviews = _insert(conn, t["review_log"], _reviews(rng, log_ids, card_owner, days))
    summary.study_days = _insert(
        conn,
        t["study_day"],
        (
            {"user_id": u, "day": d, "new_done": c[0], "reviews_done": c[1], "done": c[0] + c[1]}
            for (u, d), c in sorted(days.items())
        ),
    )
    return summary


class _Responses:
    """Responses of every attempt, generated lazily (300k rows would not fit comfortably as dicts)."""

    def __init__(self, rng: random.Random, ids: range):
        self.rng, self.ids = rng, ids
        self.plan: list[tuple[int, int, list[int], datetime]] = []
        self.answers: dict[int, tuple[str, Any, list[str] | None]] = {}
        self.correct: dict[tuple[int, int], bool] = {}

    def send_plan(self, plan, answers) -> dict[int, float]:
        self.plan, self.answers = plan, answers
        scores: dict[int, float] = {}
        for attempt_id, _quiz, chosen, _at in plan:
            right = [self.rng.random() < 0.7 for _ in chosen]
            for q, ok in zip(chosen, right, strict=True):
                self.correct[(attempt_id, q)] = ok
            scores[attempt_id] = float(sum(right))
        return scores

    def rows(self) -> Iterator[dict[str, Any]]:
        ids = iter(self.ids)
        for attempt_id, _quiz, chosen, started in self.plan:
            for position, q in enumerate(chosen):
                qtype, answer, options = self.answers[q]
                ok = self.correct[(attempt_id, q)]
                if qtype == "mcq":
                    given: Any = answer if ok else next(o for o in options or [] if o != answer)
                else:
                    given = answer if ok else not answer
                yield {
                    "id": next(ids),
                    "attempt_id": attempt_id,
                    "question_id": q,
                    "answer": given,
                    "seq": 1,
                    "saved_at": started + timedelta(seconds=20 * (position + 1)),
                    "fraction": 1.0 if ok else 0.0,
                    "manual_points": None,
                    "comment": "",
                }


def _reviews(
    rng: random.Random, ids: range, card_owner: list[tuple[int, int]], days: dict[tuple[int, date], list[int]]
) -> Iterator[dict[str, Any]]:
    first_student = card_owner[0][1]
    own = [c for c in card_owner if c[1] == first_student]
    # The measured student reviews about twice as much as the average student, at every size.
    share = max(1, len({user for _, user in card_owner}) // 2)
    for n, log_id in enumerate(ids):
        card_id, user_id = own[n % len(own)] if n % share == 0 else card_owner[rng.randrange(len(card_owner))]
        at = BASE_TIME + timedelta(days=n % 28, hours=2 + n % 10, seconds=n % 3600)
        state = 0 if n % 5 == 0 else 2
        day = (at - timedelta(hours=4)).date()
        counts = days.setdefault((user_id, day), [0, 0])
        counts[0 if state == 0 else 1] += 1
        yield {
            "id": log_id,
            "user_id": user_id,
            "card_id": card_id,
            "request_id": f"dept-{log_id}",
            "rating": 1 + rng.randrange(4),
            "reviewed_at": at,
            "duration_ms": 4000 + rng.randrange(8000),
            "state_before": state,
            "step_before": 0 if state == 0 else None,
            "stability_before": None if state == 0 else 5.0,
            "difficulty_before": None if state == 0 else 5.0,
            "due_before": at,
            "last_review_before": None if state == 0 else at - timedelta(days=3),
            "reps_before": 0 if state == 0 else 2,
            "lapses_before": 0,
            "interval_days_before": None if state == 0 else 3,
            "created_at": at,
        }


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print("usage: python -m bench.department DATABASE_URL SIZE [--migrate] [--seed]", file=sys.stderr)
        return 2
    url, size = args
    if "--migrate" in argv or "--seed" in argv:
        _prepare(url, seed="--seed" in argv)
    import time

    began = time.perf_counter()
    summary = build(url, size)
    print(summary.as_dict(), f"in {time.perf_counter() - began:.1f}s")
    return 0


def _prepare(url: str, *, seed: bool) -> None:
    """Migrate (and seed) the database at `url`, as `flask db upgrade` and `flask seed` would."""
    import flask_migrate

    from app import create_app

    application = create_app({"SQLALCHEMY_DATABASE_URI": _driver_url(url), "RATELIMIT_ENABLED": False})
    with application.app_context():
        flask_migrate.upgrade()
        if seed:
            result = application.test_cli_runner().invoke(args=["seed"], catch_exceptions=False)
            if result.exit_code:
                raise RuntimeError(result.output)


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))


@dataclass(frozen=True)
class Page:
    name: str  # the metric and test id, e.g. "bank_last"
    username: str  # who opens it
    url: str


def pages(summary: Summary, *, bank_pages: int) -> list[Page]:
    """The pages of issue #24's table, on the rows `summary` describes, opened as their users.

    `bank_pages` is the last page of the approved bank list (its count / 20, rounded up)."""
    teacher, student = summary.instructor_username, summary.student_username
    quiz, course = summary.quiz_id, summary.course_id
    return [
        Page("bank_first", teacher, "/bank/"),
        Page("bank_last", teacher, f"/bank/?page={bank_pages}"),
        Page("review_approved", teacher, "/bank/review?status=approved"),
        Page("review_any", teacher, "/bank/review?status=any"),
        Page("review_candidates", teacher, "/bank/review"),
        Page("review_failing", teacher, "/bank/review?checks=failed"),
        Page("review_mcq", teacher, "/bank/review?qtype=mcq"),
        Page("account_data", student, "/account/data.json"),
        Page("course_statistics", teacher, f"/study/course/{course}/stats"),
        Page("item_analysis", teacher, f"/quizzes/{quiz}/analysis"),
        Page("quiz_builder", teacher, f"/quizzes/{quiz}/edit"),
        Page("student_quizzes", student, "/quizzes/"),
        Page("course_gradebook", teacher, f"/courses/{course}/gradebook"),
        Page("quiz_gradebook", teacher, f"/quizzes/{quiz}/gradebook"),
    ]
