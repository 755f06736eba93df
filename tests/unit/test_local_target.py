"""One rule for redirect targets (after login, back to a bank listing): a path on this site, nothing else."""

from __future__ import annotations

import pytest

from app.security import local_target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/bank/\x00",
        "javascript:alert(1)",
        "bank/review",
    ],
)
def test_anything_but_a_local_path_is_refused(target):
    assert local_target(target) is None


def test_a_local_path_comes_back_as_it_was():
    assert local_target("/quizzes/3?page=2#q4") == "/quizzes/3?page=2#q4"


def test_under_limits_the_path_to_one_area():
    assert local_target("/bank/review?topic=ev", under="/bank/") == "/bank/review?topic=ev"
    assert local_target("/quizzes/3", under="/bank/") is None
    assert local_target("/bankrupt", under="/bank/") is None
