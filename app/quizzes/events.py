"""What the quizzes package tells the packages above it, without importing them.

`attempt_graded` is sent with the attempt id once an attempt is finished and scored (on submission, on
closing an overdue attempt, after a person graded the last essay). LTI grade passback listens to it
(`app.lti.passback`), so quizzes never import LTI and LTI may import quizzes.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
attempt_graded = _signals.signal("attempt-graded")


def graded(attempt_id: int) -> None:
    attempt_graded.send(attempt_id)
