"""The rules an attempt follows once a student's override is applied, and its deadline (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models import Quiz, QuizOverride
from app.quizzes.overrides import apply_override, deadline

OPENS = datetime(2026, 3, 1, 9, tzinfo=UTC)
CLOSES = datetime(2026, 3, 8, 9, tzinfo=UTC)


def quiz(**kw) -> Quiz:
    values = {"opens_at": OPENS, "closes_at": CLOSES, "time_limit_s": 1800, "attempts_allowed": 2, **kw}
    return Quiz(**values)


def test_no_override_keeps_the_quizs_rules():
    rules = apply_override(quiz(), None)
    assert (rules.closes_at, rules.time_limit_s, rules.attempts_allowed, rules.overridden) == (
        CLOSES,
        1800,
        2,
        False,
    )


def test_each_field_overrides_only_what_it_sets():
    later = CLOSES + timedelta(days=3)
    rules = apply_override(quiz(), QuizOverride(time_limit_s=2700, extra_attempts=1, closes_at=later))
    assert (rules.opens_at, rules.closes_at, rules.time_limit_s, rules.attempts_allowed) == (
        OPENS,
        later,
        2700,
        3,
    )
    only_extra = apply_override(quiz(), QuizOverride(time_limit_s=None, extra_attempts=2, closes_at=None))
    assert (only_extra.closes_at, only_extra.time_limit_s, only_extra.attempts_allowed) == (CLOSES, 1800, 4)
    unlimited = apply_override(quiz(attempts_allowed=0), QuizOverride(extra_attempts=5))
    assert unlimited.attempts_allowed == 0  # still unlimited


def test_deadline_is_the_sooner_of_time_limit_and_close():
    rules = apply_override(quiz(), QuizOverride(time_limit_s=3600, extra_attempts=0))
    early = OPENS + timedelta(hours=1)
    assert deadline(rules, early) == early + timedelta(hours=1)
    late = CLOSES - timedelta(minutes=10)
    assert deadline(rules, late) == CLOSES
    assert deadline(apply_override(quiz(time_limit_s=None, closes_at=None), None), early) is None
