"""Demo content for `flask seed`: quizzes, a review queue and a study history that show the product.

Everything here goes through the same services as the web pages (quiz builder, generator, study
scheduler), so the demo is consistent with what a real user would have produced. Each step is
idempotent: it looks for what it made before and does nothing when it is there.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.bank import service as bank
from app.extensions import db
from app.models import Article, Course, Question, Quiz, ReviewLog, User
from app.quizzes.builder import QuizSettings, add_draw, add_questions, save_quiz
from app.study import reports
from app.study import service as study
from app.study.scheduler import day_bounds, study_day

EVERY_TYPE_QUIZ = "The FAW–Leapmotor case: one question of every type"
PRACTICE_QUIZ = "Practice: key figures (unlimited attempts, instant feedback)"
CANDIDATES_PER_ARTICLE = 5
HISTORY_DAYS = 6
HISTORY_SEED = 2026  # fixed, so every seed run on any machine writes the same history
HISTORY_REQUEST_PREFIX = "demo-history-"
# Rating weights of the simulated student: mostly Good, some Again, Hard and Easy.
RATING_WEIGHTS = {1: 12, 2: 15, 3: 58, 4: 15}


def seed_demo(instructor: User, student: User, course: Course, now: datetime | None = None) -> list[str]:
    """Create the demo quizzes, review queue and study history; returns a line for each thing made."""
    now = now or datetime.now(UTC)
    made = []
    if every_type_quiz(instructor, course, now):
        made.append(f"quiz {EVERY_TYPE_QUIZ!r}")
    if practice_quiz(instructor, course):
        made.append(f"quiz {PRACTICE_QUIZ!r}")
    for slug, added in queue_candidates():
        made.append(f"review queue {slug}: {added} generated candidates")
    reviews = study_history(student, now)
    if reviews:
        made.append(f"study history for {student.username}: {reviews} reviews over {HISTORY_DAYS} days")
        reports.refresh_course(course.id, now)  # the course statistics read their summary, not the log
    return made


def _quiz(course: Course, title: str) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.title == title))


def one_question_per_type() -> dict[str, Question]:
    """The first approved question (by id in the bank) of every type the bank holds."""
    chosen: dict[str, Question] = {}
    for question in db.session.scalars(
        select(Question).where(Question.status == "approved").order_by(Question.qtype, Question.uid)
    ):
        chosen.setdefault(question.qtype, question)
    return chosen


def every_type_quiz(instructor: User, course: Course, now: datetime) -> bool:
    """An assigned quiz, open from its creation, 20 minutes, with one question of each type in the bank.

    A type that appears in the bank later (say `essay`) joins the quiz on the next seed; returns
    whether anything was created or added.
    """
    quiz = _quiz(course, EVERY_TYPE_QUIZ)
    created = quiz is None
    if quiz is None:
        settings = QuizSettings(
            title=EVERY_TYPE_QUIZ,
            course=course,
            description="A tour of every question type in the bank. 20 minutes, two attempts, highest counts.",
            opens_at=now.replace(microsecond=0) - timedelta(minutes=1),
            time_limit_s=20 * 60,
            attempts_allowed=2,
            grading_method="highest",
            shuffle_options=True,
            feedback_timing="after_submission",
            published=True,
        )
        quiz = save_quiz(instructor, settings)
    covered = {item.question.qtype for item in quiz.items if item.question is not None}
    missing = [q.id for qtype, q in one_question_per_type().items() if qtype not in covered]
    added = add_questions(quiz, missing) if missing else 0
    return created or added > 0


def practice_quiz(instructor: User, course: Course) -> bool:
    """A self-paced quiz: five key-figure questions drawn afresh each attempt, unlimited attempts,
    a "Check answer" button under each question (feedback after each answer), left out of the course
    average."""
    if _quiz(course, PRACTICE_QUIZ) is not None:
        return False
    settings = QuizSettings(
        title=PRACTICE_QUIZ,
        course=course,
        description="Five questions drawn at random each time; try as often as you like.",
        attempts_allowed=0,
        grading_method="highest",
        shuffle_questions=True,
        shuffle_options=True,
        feedback_timing="immediate",
        published=True,
        counts_in_average=False,
    )
    quiz = save_quiz(instructor, settings)
    add_draw(quiz, "key-figures", 5)
    return True


def queue_candidates(per_article: int = CANDIDATES_PER_ARTICLE) -> list[tuple[str, int]]:
    """The generator's best `per_article` candidates for each article that has none generated yet."""
    results = []
    for article in db.session.scalars(select(Article).order_by(Article.slug)):
        generated = db.session.scalar(
            select(Question.id)
            .where(Question.article_id == article.id, Question.origin == "generated")
            .limit(1)
        )
        if generated is None:
            summary = bank.generate_candidates(article, limit=per_article)
            results.append((article.slug, summary.added))
    return results


def study_history(student: User, now: datetime, days: int = HISTORY_DAYS, seed: int = HISTORY_SEED) -> int:
    """Demo data: `days` study sessions of `student`, ending yesterday, graded through the real scheduler.

    Each day at 10:00 on the student's clock the student works through the "everything" deck, taking
    the next card the scheduler offers and rating it with a fixed random sequence (mostly Good), so
    card states, review logs and the `study_day` counts agree exactly as if the student had clicked.
    Nothing happens when the student already has a review; returns the number of reviews written.
    """
    if db.session.scalar(select(ReviewLog.id).where(ReviewLog.user_id == student.id).limit(1)) is not None:
        return 0
    rng = random.Random(seed)
    ratings, weights = zip(*RATING_WEIGHTS.items(), strict=True)
    today = study_day(now, student.timezone)
    deck = study.everything()
    written = 0
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        start, end = day_bounds(day, student.timezone)
        clock = start + timedelta(hours=6)  # 10:00 with the 4 AM rollover
        for n in range(rng.randint(10, 16)):
            shown = study.next_card(student, deck, now=clock)
            if isinstance(shown, study.Done):
                if shown.come_back_at is None or shown.come_back_at >= end:
                    break
                clock = shown.come_back_at
                shown = study.next_card(student, deck, now=clock)
                if isinstance(shown, study.Done):
                    break
            study.grade(
                student,
                shown.card.id,
                rng.choices(ratings, weights)[0],
                f"{HISTORY_REQUEST_PREFIX}{day.isoformat()}-{n}",
                duration_ms=rng.randint(3_000, 25_000),
                deck=deck,
                now=clock,
            )
            written += 1
            clock += timedelta(seconds=rng.randint(15, 60))
    return written
