"""Quizzes: grading of responses and item analysis of results."""
