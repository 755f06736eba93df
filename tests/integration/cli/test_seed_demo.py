"""`flask seed` also builds the demo: quizzes in the demo course, a review queue, and a study history that
agrees with the scheduler, the review log and the study-day counts. A second run changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, Card, Course, Question, Quiz, QuizItem, ReviewLog, StudyDay, User
from app.seed import demo
from app.study.scheduler import replay, study_day


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _quiz(title: str) -> Quiz:
    return db.session.scalar(select(Quiz).where(Quiz.title == title))


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_the_assigned_quiz_has_one_question_of_every_type_in_the_bank(seeded_demo, client, auth):
    quiz = _quiz(demo.EVERY_TYPE_QUIZ)
    types = [item.question.qtype for item in quiz.items]
    bank_types = set(
        db.session.scalars(select(Question.qtype).where(Question.status == "approved").distinct())
    )
    assert sorted(types) == sorted(bank_types)
    assert len(bank_types) >= 7
    assert quiz.published and quiz.time_limit_s == 20 * 60
    assert _aware(quiz.opens_at) <= datetime.now(UTC) and quiz.closes_at is None
    assert quiz.course.join_code == "FAWDEMO8"

    auth.login("student")
    page = client.get("/quizzes/").get_data(as_text=True)
    assert demo.EVERY_TYPE_QUIZ in page and demo.PRACTICE_QUIZ in page
    started = client.post(f"/quizzes/{quiz.id}/start", follow_redirects=True)
    assert started.status_code == 200
    assert 'class="timer" data-deadline=' in started.get_data(as_text=True)


def test_the_practice_quiz_draws_afresh_with_unlimited_attempts(seeded_demo):
    quiz = _quiz(demo.PRACTICE_QUIZ)
    assert quiz.published and quiz.attempts_allowed == 0 and quiz.feedback_timing == "immediate"
    assert [(item.draw_topic, item.draw_count) for item in quiz.items] == [("key-figures", 5)]
    # Trying it must not pull a student's course average down; the assigned quiz still counts.
    assert quiz.counts_in_average is False
    assert _quiz(demo.EVERY_TYPE_QUIZ).counts_in_average is True


def test_each_seed_article_has_a_handful_of_generated_candidates(seeded_demo, client, auth):
    for article in db.session.scalars(select(Article)):
        queued = db.session.scalars(
            select(Question).where(Question.article_id == article.id, Question.status == "candidate")
        ).all()
        assert 1 <= len(queued) <= demo.CANDIDATES_PER_ARTICLE
        assert all(q.origin == "generated" for q in queued)
    auth.login("instructor")
    page = client.get("/bank/review").get_data(as_text=True)
    assert queued[0].stem.split()[0] in page


def test_the_study_history_is_what_the_scheduler_would_have_written(seeded_demo):
    student = _user("student")
    logs = db.session.scalars(select(ReviewLog).where(ReviewLog.user_id == student.id)).all()
    assert len(logs) >= 30
    assert all(log.request_id.startswith(demo.HISTORY_REQUEST_PREFIX) for log in logs)
    days = {study_day(_aware(log.reviewed_at), student.timezone) for log in logs}
    today = study_day(datetime.now(UTC), student.timezone)
    assert len(days) == demo.HISTORY_DAYS and max(days) < today
    assert {log.rating for log in logs} == {1, 2, 3, 4}

    by_card: dict[int, list[ReviewLog]] = {}
    for log in logs:
        by_card.setdefault(log.card_id, []).append(log)
    for card in db.session.scalars(select(Card).where(Card.user_id == student.id)):
        card_logs = by_card.get(card.id, [])
        assert card.reps == len(card_logs)
        if card_logs:
            replayed = replay([(log.rating, _aware(log.reviewed_at)) for log in card_logs])
            assert (replayed.state, _aware(replayed.due)) == (card.state, _aware(card.due))

    per_day = Counter(study_day(_aware(log.reviewed_at), student.timezone) for log in logs)
    counted = {
        row.day: row.done
        for row in db.session.scalars(select(StudyDay).where(StudyDay.user_id == student.id))
    }
    assert counted == dict(per_day)
    assert _count(ReviewLog) == len(logs), "only `student` has a history; student2 starts clean"


def test_the_history_is_the_same_on_every_run(app, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    first = [
        (log.rating, log.request_id) for log in db.session.scalars(select(ReviewLog).order_by(ReviewLog.id))
    ]
    assert demo.study_history(_user("student2"), datetime.now(UTC)) == len(first)
    second = [
        (log.rating, log.request_id)
        for log in db.session.scalars(
            select(ReviewLog).where(ReviewLog.user_id == _user("student2").id).order_by(ReviewLog.id)
        )
    ]
    assert second == first


def test_seeding_twice_changes_nothing(seeded_demo, runner):
    models = (Quiz, QuizItem, Question, Card, ReviewLog, StudyDay)
    before = {model.__name__: _count(model) for model in models}
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0, again.output
    assert "demo content: unchanged" in again.output
    db.session.expire_all()
    assert {model.__name__: _count(model) for model in models} == before


def test_a_type_new_to_the_bank_joins_the_quiz_on_the_next_seed(seeded):
    instructor, course = _user("instructor"), db.session.scalar(select(Course))
    matching = db.session.scalars(select(Question).where(Question.qtype == "matching")).all()
    assert matching, "the bank has matching questions"
    for question in matching:
        question.status = "retired"
    db.session.commit()
    assert demo.every_type_quiz(instructor, course, datetime.now(UTC)) is True
    quiz = _quiz(demo.EVERY_TYPE_QUIZ)
    assert "matching" not in {item.question.qtype for item in quiz.items}
    assert demo.every_type_quiz(instructor, course, datetime.now(UTC)) is False

    matching[0].status = "approved"
    db.session.commit()
    assert demo.every_type_quiz(instructor, course, datetime.now(UTC)) is True
    db.session.expire_all()
    assert [item.question.qtype for item in quiz.items].count("matching") == 1
