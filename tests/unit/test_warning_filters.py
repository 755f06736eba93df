"""pytest turns deprecations caused by our code into errors (pyproject.toml), and only those."""

from __future__ import annotations

import warnings

import pytest
from wtforms import Form, SelectChoice, SelectField


def _warn_from(module: str, message: str = "this is deprecated") -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn_explicit(
            message, DeprecationWarning, module.replace(".", "/") + ".py", 1, module=module
        )
    return seen


def test_a_deprecation_raised_in_app_code_fails_the_test():
    for module in ("app", "app.quizzes.views"):
        with pytest.raises(DeprecationWarning):
            _warn_from(module)


def test_a_deprecation_raised_in_third_party_code_is_only_reported():
    for module in ("wtforms.fields.core", "apprentice", "sqlalchemy.orm"):
        assert len(_warn_from(module)) == 1


def test_wtforms_choices_as_tuples_fail_and_select_choices_pass():
    class Legacy(Form):
        pick = SelectField("Pick", choices=[("a", "A"), ("b", "B")])

    class Current(Form):
        pick = SelectField("Pick", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")])

    with pytest.raises(DeprecationWarning, match="SelectField choices as tuples"):
        Legacy()
    assert [choice.label for choice in Current().pick.iter_choices()] == ["A", "B"]
