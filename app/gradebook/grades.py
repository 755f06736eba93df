"""The grade of one student on one quiz, from their attempts and the quiz's grading method. Pure: plain rows
in, a Cell out; the course grid, its CSV and the student's "My grades" page all use it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from app.quizzes.attempts import DONE_STATES
from app.quizzes.builder import GRADING_METHODS
from app.quizzes.reporting import final_grade


class AttemptRow(NamedTuple):
    """What a grade needs of one attempt. score None on a closed attempt: it waits for a hand grade."""

    id: int
    number: int
    state: str
    score: float | None
    max_score: float | None


@dataclass(frozen=True)
class Cell:
    """state: 'none' (no attempt), 'in_progress' (started, nothing closed), 'graded' or 'needs_grading'.

    `counted` is the attempt the grade comes from (the review to link to): the best for highest, the first
    or last for those methods, the last for average."""

    state: str
    grade: float | None
    max_points: float
    finished: int
    in_progress: bool
    counted: int | None

    @property
    def percentage(self) -> float | None:
        if self.grade is None or not self.max_points:
            return None
        return 100 * self.grade / self.max_points


def _depends_on(done: Sequence[AttemptRow], method: str) -> list[AttemptRow]:
    if method == "first":
        return [done[0]]
    if method == "last":
        return [done[-1]]
    if method in ("highest", "average"):
        return list(done)
    raise ValueError(f"unknown grading method {method!r}; expected one of {', '.join(GRADING_METHODS)}")


def grade_cell(attempts: Sequence[AttemptRow], method: str, default_max: float) -> Cell:
    """One student's grade on one quiz by `method` over their closed attempts (any order given).

    A grade that depends on an attempt still waiting for a hand grade (score None) is 'needs_grading'
    with no number: highest and average depend on every closed attempt, first and last on one."""
    ordered = sorted(attempts, key=lambda a: a.number)
    done = [a for a in ordered if a.state in DONE_STATES]
    in_progress = any(a.state == "in_progress" for a in ordered)
    if not done:
        state = "in_progress" if in_progress else "none"
        return Cell(state, None, default_max, 0, in_progress, None)
    top = done[-1].max_score if done[-1].max_score is not None else default_max
    needed = _depends_on(done, method)
    if any(a.score is None for a in needed):
        pending = next(a for a in needed if a.score is None)
        return Cell("needs_grading", None, top, len(done), in_progress, pending.id)
    scores = [a.score or 0.0 for a in done]
    grade = final_grade(scores, method)
    if method == "highest":
        counted = done[scores.index(max(scores))].id
    else:
        counted = done[0].id if method == "first" else done[-1].id
    return Cell("graded", grade, top, len(done), in_progress, counted)


def feedback_open(feedback_timing: str, closes_at: datetime | None, now: datetime) -> bool:
    """Whether a student may see the review of a closed attempt now (as attempts.review_allowed)."""
    if feedback_timing == "after_close":
        return closes_at is None or now >= closes_at
    return True


def average_percentage(cells: Sequence[Cell], counts: Sequence[bool] | None = None) -> float | None:
    """The mean percentage over the graded cells (quizzes not taken or pending are left out). `counts`,
    one flag per cell, leaves out the cells of quizzes that do not count toward the average."""
    counted = cells if counts is None else [c for c, flag in zip(cells, counts, strict=True) if flag]
    shares = [c.percentage for c in counted if c.percentage is not None]
    return math.fsum(shares) / len(shares) if shares else None
