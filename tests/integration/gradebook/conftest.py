"""The quiz fixtures (the seeded demo course, quizzes from the seed bank) for the gradebook's tests."""

from tests.integration.quizzes.conftest import demo, make_quiz  # noqa: F401
