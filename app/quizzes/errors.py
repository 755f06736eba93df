"""The refusals of the quizzes service: each names the HTTP status and a stable code the web answers with."""

from __future__ import annotations


class QuizError(ValueError):
    """A user-facing refusal. `status` is the HTTP status the web answers with, `code` a stable name."""

    status = 400
    code = "quiz_error"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class BadAnswer(QuizError):
    """`errors` maps question id (as text) -> message when a whole form was refused."""

    status = 422
    code = "bad_answer"

    def __init__(self, message: str, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message, field)
        self.errors = errors or {}


class AttemptClosed(QuizError):
    status = 409
    code = "closed"


class StaleSave(QuizError):
    status = 409
    code = "stale"


class AnswerChecked(StaleSave):
    """A save of an answer the student has checked (feedback after each answer): it is final."""

    code = "checked"


class NotAllowed(QuizError):
    status = 403
    code = "forbidden"


class NoSuchAttempt(QuizError):
    """Another student's attempt looks exactly like a missing one: attempt ids reveal nothing."""

    status = 404
    code = "not_found"


class NotInAttempt(QuizError):
    """An autosave names a question this attempt does not hold."""

    status = 404
    code = "not_in_attempt"
