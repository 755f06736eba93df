"""The 300-student load quiz (bench/suites/load_quiz300.py) has every question type, and each answer it
sends is one the server accepts and stores as sent, so a "lost answer" in the bench is a real loss."""

from __future__ import annotations

from app.bank.convert import to_canonical
from app.extensions import db
from app.models import Question
from app.qtypes.registry import TYPES
from app.quizzes.grading import validate_response
from bench.suites.load_quiz300 import QUESTIONS, answer_variants, pick_questions


def test_the_load_quiz_has_every_type_and_answers_stored_as_sent(seeded):
    questions = pick_questions(db, Question)
    assert len(questions) == QUESTIONS == 10 and len({q.id for q in questions}) == QUESTIONS
    assert {q.qtype for q in questions} == set(TYPES)
    assert sorted(len(q.answer) for q in questions if q.qtype == "cloze") == [1, 2]
    for question in questions:
        canonical = to_canonical(question)
        variants = answer_variants(canonical)
        assert len(variants) >= 2, question.qtype
        for answer in variants:
            assert validate_response(canonical, answer) == answer, (question.qtype, answer)
