"""The item analysis page reads the quiz's stored analysis (issue #24): on a generated quiz with 300 first
attempts, the stored numbers are exactly the computation's, they are served without recomputing while
nothing changed, and a regrade or a question edit makes the next read recompute."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Question, Quiz, QuizAnalysis, Response
from app.quizzes import reporting
from bench.department import SIZES, Size


@pytest.fixture
def analysed(departments, backend, monkeypatch):
    if backend == "postgres":
        from tests.conftest import require_postgres

        require_postgres()
    # One course of 300 students, one quiz of 12 questions taken once by each of them.
    monkeypatch.setitem(SIZES, "analysis", Size(5, 12, 60, 5, 300, 1, 1, 300, 12, 1, 10))
    department = departments(backend, "analysis")
    with department.app.app_context():
        yield db.session.get(Quiz, department.summary.quiz_id)
        db.session.remove()


def test_stored_analysis_is_the_computation_and_follows_changes(analysed, monkeypatch):
    quiz = analysed
    computed = reporting.compute_statistics(quiz)
    assert computed.test.n_attempts == 300
    assert reporting.statistics(quiz) == computed  # computed and stored
    assert db.session.get(QuizAnalysis, quiz.id) is not None

    def recomputed(*args, **kwargs):
        raise AssertionError("the analysis was recomputed although nothing changed")

    with monkeypatch.context() as m:
        m.setattr(reporting, "compute_statistics", recomputed)
        assert reporting.statistics(quiz) == computed  # read back from the stored JSON, identical

    # A regrade: one response's credit changes, and the next read recomputes.
    response = db.session.scalars(
        select(Response).where(Response.fraction == 0).order_by(Response.id).limit(1)
    ).one()
    response.fraction = 1.0
    db.session.commit()
    regraded = reporting.statistics(quiz)
    assert regraded != computed
    assert regraded == reporting.compute_statistics(quiz)

    # A question edit shows in the labels.
    question = db.session.get(Question, regraded.items[0].question_id)
    question.stem = "An edited stem"
    db.session.commit()
    edited = reporting.statistics(quiz)
    assert edited.stems[question.id] == f"{question.uid}: An edited stem"
    assert edited == reporting.compute_statistics(quiz)
