"""The quiz's analysis version (app/quizzes/analysis_version.py): every write the item analysis reads bumps
it in its own transaction; starting an attempt and saving answers during it do not (they are not analysed,
and would make every start and autosave write the quiz's row); the analysis page serves its stored row
only at the current version."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Question, Quiz, QuizAnalysis, Response
from app.quizzes import reporting, service
from app.quizzes.manual import grade_response
from tests.integration.quizzes.conftest import first_of


def _version(quiz: Quiz) -> int:
    return db.session.scalar(select(Quiz.analysis_version).where(Quiz.id == quiz.id))


def test_each_write_the_analysis_reads_bumps_the_version(make_quiz, demo):
    quiz = make_quiz(types=("mcq", "tf"))
    mcq, tf, essay = first_of("mcq"), first_of("tf"), first_of("essay")
    steps = []

    def bumped(what: str, write) -> None:
        before = _version(quiz)
        write()
        db.session.expire_all()
        steps.append((what, _version(quiz) > before))

    bumped("an item added", lambda: service.add_questions(quiz, [essay.id], points=5))
    started = []
    bumped("an attempt started", lambda: started.append(service.start_attempt(quiz, demo.student)))
    attempt = started[0]
    bumped("an answer saved in progress", lambda: service.save_answer(attempt, mcq.id, mcq.answer, 1))
    bumped("the submit", lambda: service.submit_attempt(attempt, {tf.id: tf.answer, essay.id: "Scale wins."}))
    response = db.session.scalars(
        select(Response).where(Response.attempt_id == attempt.id, Response.question_id == essay.id)
    ).one()
    bumped("a grade by hand", lambda: grade_response(demo.instructor, response.id, "4", ""))
    item = next(i for i in quiz.items if i.question_id == tf.id)
    bumped("an item's points", lambda: service.change_item(quiz, item.id, "points", 2))

    def edit_stem() -> None:
        db.session.get(Question, mcq.id).stem = "An edited stem"
        db.session.commit()

    bumped("a question edit", edit_stem)
    assert steps == [
        ("an item added", True),
        ("an attempt started", False),
        ("an answer saved in progress", False),
        ("the submit", True),
        ("a grade by hand", True),
        ("an item's points", True),
        ("a question edit", True),
    ]


def test_a_question_only_an_attempt_answered_bumps_its_quiz(make_quiz, demo):
    """A drawn question (or one removed from the quiz since) is in attempts, not in the quiz's items."""
    quiz = make_quiz(types=("mcq", "tf"))
    mcq, tf = first_of("mcq"), first_of("tf")
    attempt = service.start_attempt(quiz, demo.student)
    service.submit_attempt(attempt, {mcq.id: mcq.answer, tf.id: tf.answer})
    item = next(i for i in quiz.items if i.question_id == tf.id)
    service.change_item(quiz, item.id, "remove")
    before = _version(quiz)
    db.session.get(Question, tf.id).stem = "Edited after the quiz dropped it"
    db.session.commit()
    assert _version(quiz) == before + 1


def test_the_page_serves_the_stored_analysis_only_at_the_current_version(make_quiz, demo, monkeypatch):
    quiz = make_quiz(types=("mcq", "tf"))
    mcq, tf = first_of("mcq"), first_of("tf")
    attempt = service.start_attempt(quiz, demo.student)
    service.submit_attempt(attempt, {mcq.id: mcq.answer, tf.id: tf.answer})
    first = reporting.statistics(quiz)
    stored = db.session.get(QuizAnalysis, quiz.id)
    assert stored.fingerprint == reporting.analysis_fingerprint(_version(quiz))

    calls = []
    compute = reporting.compute_statistics
    monkeypatch.setattr(reporting, "compute_statistics", lambda *a, **k: calls.append(1) or compute(*a, **k))
    assert reporting.statistics(quiz) == first and calls == []
    other = service.start_attempt(quiz, demo.student2)
    wrong = next(o for o in mcq.options if o != mcq.answer)
    service.submit_attempt(other, {mcq.id: wrong, tf.id: not tf.answer})
    second = reporting.statistics(quiz)
    assert calls == [1] and second.test.n_attempts == 2
