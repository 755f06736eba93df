"""Exam integrity: while a quiz is published in a student's course and not closed, its questions are out of
that student's study decks (every deck, `?card=` and `?show=1` included) and practice; flashcard answers
are not in the study page until asked for; "after close" feedback needs a close date."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import Card, Quiz, utcnow
from app.quizzes import service as quizzes
from app.study import service as study
from tests.security.conftest import World, client_for, key_strings, question_data


def _held_ids(world: World) -> set[int]:
    return {item.question_id for item in world.quiz.items if item.question_id is not None}


def _every_card_shown(user, deck, limit: int = 50) -> set[int]:
    """The questions `next_card` offers in `deck`, grading each (Good) until the deck is done for today."""
    import uuid

    seen: set[int] = set()
    for _ in range(limit):
        shown = study.next_card(user, deck)
        if isinstance(shown, study.Done):
            break
        seen.add(shown.card.question_id)
        study.grade(user, shown.card.id, 4, uuid.uuid4().hex, deck=deck)
    return seen


def _close(quiz: Quiz) -> None:
    quiz.opens_at = utcnow() - timedelta(days=3)
    quiz.closes_at = utcnow() - timedelta(days=1)
    db.session.commit()


def _reopen(quiz: Quiz) -> None:
    quiz.opens_at = utcnow() - timedelta(days=1)
    quiz.closes_at = utcnow() + timedelta(days=1)
    db.session.commit()


def test_open_quiz_questions_leave_the_students_decks_and_practice(app, world):
    student = world.user("student_b")
    held = _held_ids(world)
    assert held, "the world's quiz has fixed questions"
    student.new_per_day = 100
    db.session.commit()
    course_deck = study.course_deck(student, world.course.id)
    assert _every_card_shown(student, course_deck) == {world.free.id}
    assert not _every_card_shown(student, study.everything()) & held

    # Closed, the quiz's questions come back to the decks; open again, a card graded meanwhile cannot
    # be shown by its id, with or without ?show=1.
    _close(world.quiz)
    assert _every_card_shown(student, study.everything()) == held
    _reopen(world.quiz)
    client = client_for(app, student)
    held_card = db.session.scalars(
        db.select(Card).where(Card.user_id == student.id, Card.question_id.in_(held))
    ).first()
    assert held_card is not None
    for args in ({"card": held_card.id}, {"card": held_card.id, "show": 1}):
        response = client.get("/study/", query_string=args)
        assert response.status_code == 404
        for question in question_data():
            for secret in key_strings({**question, "explanation": ""}):
                assert secret not in response.get_data(as_text=True)

    # Practice draws around the held questions, and says so when nothing else is left.
    attempt = quizzes.start_practice(student, topic="key-figures", count=30)
    assert [entry["question_id"] for entry in attempt.layout] == [world.free.id]
    # A session started while the quiz was closed cannot give its feedback once the quiz reopens.
    _close(world.quiz)
    earlier = quizzes.start_practice(student, topic="key-figures", count=30)
    _reopen(world.quiz)
    held_item = next(e["question_id"] for e in earlier.layout if e["question_id"] in held)
    response = client.post(
        f"/quizzes/practice/{earlier.id}/answer", data={"question_id": held_item}, follow_redirects=True
    )
    assert "now in a quiz you can take" in response.get_data(as_text=True)
    response = client.post("/quizzes/practice", data={"topic": "key-figures", "article": "", "count": "5"})
    assert response.status_code in (302, 422)

    # An instructor, and a student of another course, are not held back.
    teacher_attempt = quizzes.start_practice(world.user("teacher"), topic="key-figures", count=30)
    assert {entry["question_id"] for entry in teacher_attempt.layout} & held

    # Once the quiz closes, the questions come back.
    _close(world.quiz)
    response = client.get("/study/", query_string={"card": held_card.id, "show": 1})
    assert response.status_code == 200
    back = quizzes.start_practice(student, topic="key-figures", count=30)
    assert {entry["question_id"] for entry in back.layout} & held


def test_practice_with_only_held_questions_says_why(app, world):
    student = world.user("student_b")
    world.free.status = "retired"
    db.session.commit()
    everything = {q.id for q in quizzes.find_questions(limit=1000)}
    assert everything <= _held_ids(world) | {world.candidate.id}
    client = client_for(app, student)
    response = client.post("/quizzes/practice", data={"topic": "", "article": "", "count": "5"})
    assert response.status_code == 422
    assert "in a quiz you can take now" in response.get_data(as_text=True)


def test_the_answer_is_not_in_the_study_page_until_shown(app, world):
    student = world.user("student_b")
    _close(world.quiz)  # nothing held: the deck has cards to show
    client = client_for(app, student)
    client.post("/study/start", data={"deck": "all"})  # the deck's cards, as the page's start form posts
    page = client.get("/study/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="study-card"' in html
    assert 'id="back"' not in html and 'id="show-answer"' in html
    assert "KEYSTRING-EXPLAIN" not in html
    shown = client.get("/study/", query_string={"show": 1}).get_data(as_text=True)
    assert 'id="back"' in shown and "KEYSTRING-EXPLAIN" in shown


def test_after_close_feedback_needs_a_close_date(app, world):
    teacher = world.user("teacher")
    settings = quizzes.QuizSettings(
        title="No close", course=world.course, published=True, feedback_timing="after_close"
    )
    try:
        quizzes.save_quiz(teacher, settings)
    except quizzes.QuizError as exc:
        assert exc.field == "feedback_timing" and "closing time" in str(exc)
    else:
        raise AssertionError("after_close without a close date was accepted")
    client = client_for(app, teacher)
    before = db.session.scalar(db.select(db.func.count()).select_from(Quiz))
    response = client.post(
        "/quizzes/new",
        data={
            "title": "No close",
            "course_id": str(world.course.id),
            "feedback_timing": "after_close",
            "grading_method": "highest",
            "attempts_allowed": "1",
        },
    )
    assert response.status_code == 422
    assert "needs a closing time" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Quiz)) == before

    # A quiz stored before the rule (after_close, no close date) never shows feedback to students.
    world.quiz.feedback_timing = "after_close"
    world.quiz.closes_at = None
    db.session.commit()
    assert not quizzes.review_allowed(world.attempt_done, world.user("student_a"))
    assert quizzes.review_allowed(world.attempt_done, teacher)


def test_the_decks_page_counts_what_the_student_can_study_and_says_what_is_held(app, world):
    """The deck counts leave out an open quiz's questions, as the decks do, and the page names the quiz."""
    student = world.user("student_b")
    held = _held_ids(world)
    client = client_for(app, student)
    _close(world.quiz)
    closed = study.deck_choices(student)
    assert closed.held == 0 and closed.held_by == []
    assert 'id="held-note"' not in client.get("/study/decks").get_data(as_text=True)
    _reopen(world.quiz)
    opened = study.deck_choices(student)
    assert opened.held == len(held) and opened.held_by == [world.quiz.title]
    assert sum(n for *_, n in closed.topics) - sum(n for *_, n in opened.topics) == len(held)
    page = client.get("/study/decks").get_data(as_text=True)
    assert f"Not counted: {len(held)} question" in page and f"“{world.quiz.title}”" in page
    # An instructor of the course is not held back: nothing is left out of their counts.
    assert study.deck_choices(world.user("teacher")).held == 0
