"""The pure halves of closing an attempt: the fractions the submit gives saved answers, and the score from
fractions. Pages showing an overdue attempt and the close that stores it both use them."""

from __future__ import annotations

from app.quizzes.attempts import graded_fractions, scored

MCQ = {"type": "mcq", "options": ["Alpha", "Beta", "Gamma"], "answer": "Beta"}
ESSAY = {"type": "essay"}
LAYOUT = [
    {"question_id": 1, "points": 2.0},
    {"question_id": 2, "points": 3.0},
    {"question_id": 3, "points": 5.0},
]
CANONICAL = {1: MCQ, 2: MCQ, 3: ESSAY}


def test_saved_answers_are_graded_and_unsaved_ones_left_out():
    fractions = graded_fractions(LAYOUT, {1: "Beta", 2: "Alpha", 3: "A long answer."}, CANONICAL)
    assert fractions == {1: 1.0, 2: 0.0, 3: None}  # the essay waits for a person


def test_a_blank_saved_answer_scores_zero_and_a_missing_one_is_not_a_response():
    assert graded_fractions(LAYOUT, {1: None}, CANONICAL) == {1: 0.0}


def test_score_counts_known_fractions_max_counts_every_question_and_pending_ones_are_counted():
    assert scored(LAYOUT, {1: 1.0, 2: 0.0, 3: None}) == (2.0, 10.0, 1)
    assert scored(LAYOUT, {}) == (0.0, 10.0, 0)
    assert scored(LAYOUT, {2: 0.5}) == (1.5, 10.0, 0)
