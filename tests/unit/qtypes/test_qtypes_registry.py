"""The type registry: every type is one class with a schema, an answer shape, a validator, a grader and
card faces; essays are pending until a person grades them; bad essay settings name the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.bank.yamlio import load_bank_dir
from app.qtypes.base import QuestionType, ResponseError
from app.qtypes.essay import MAX_ESSAY_CHARS, word_count
from app.qtypes.registry import TYPES, UnknownType, get_type, hand_graded_types
from app.qtypes.schema import QUESTION_TYPES, parse_question
from app.quizzes.grading import grade, validate_response
from app.study.cards import card_faces

ESSAY = {
    "id": "essay-001",
    "type": "essay",
    "stem": "Assess the partnership using the article's figures.",
    "topic": "partnership-models",
    "answer": "FAW has **scale**; Leapmotor has technology.",
    "rubric": "- Both sides (2)",
    "word_limit": 5,
}


def test_the_registry_lists_every_schema_type_once_in_order():
    assert tuple(TYPES) == QUESTION_TYPES
    for name, cls in TYPES.items():
        assert issubclass(cls, QuestionType) and cls.name == name
        assert cls.schema.model_fields["type"].annotation.__args__ == (name,)
        assert cls.answer_shape and cls.label
        assert "validate" in vars(cls) and "grade" in vars(cls) and "card_back" in vars(cls)
    assert hand_graded_types() == ("short", "essay")
    assert [n for n, c in TYPES.items() if not c.auto_graded] == ["essay"]


def test_an_unknown_type_is_named_with_the_known_ones():
    with pytest.raises(
        UnknownType, match="unknown question type 'poem'; expected one of mcq, multi, .*essay"
    ):
        get_type("poem")
    with pytest.raises(UnknownType):
        get_type(None)


def test_an_essay_is_never_auto_graded_but_its_words_are_counted():
    question = parse_question(ESSAY).model_dump()
    result = grade(question, "one two  three\nfour five six")
    assert result.pending and result.fraction == 0.0 and not result.correct
    assert result.detail == {"words": 6, "over_limit": True}
    assert grade(question, "   ").pending is False  # blank is 0, nothing to grade
    assert validate_response(question, "  kept as written  ") == "kept as written"


def test_an_essay_over_50k_characters_is_refused_with_the_limit():
    question = parse_question(ESSAY).model_dump()
    validate_response(question, "x" * MAX_ESSAY_CHARS)
    with pytest.raises(ResponseError, match=f"shorten it to {MAX_ESSAY_CHARS} or fewer"):
        validate_response(question, "x" * (MAX_ESSAY_CHARS + 1))
    with pytest.raises(ResponseError, match="the essay must be text, not list"):
        validate_response(question, ["not", "text"])


@pytest.mark.parametrize("limit", [0, -3, 2.5, "400", True, 20_001])
def test_a_word_limit_that_is_not_a_positive_whole_number_is_refused_by_name(limit):
    with pytest.raises(ValidationError, match="word_limit must be a whole number of words from 1 to 20000"):
        parse_question({**ESSAY, "word_limit": limit})


def test_word_count_counts_runs_of_non_space_like_the_page():
    assert [word_count(t) for t in ("", "  ", "a", "a b", "FAW's  scale—and\tmore\n")] == [0, 0, 1, 2, 3]


def test_an_essay_card_shows_the_prompt_and_the_model_answer():
    faces = card_faces(ESSAY)
    assert faces.kind == "essay" and faces.front_text == ESSAY["stem"]
    assert faces.back_text == ESSAY["answer"]
    assert card_faces({**ESSAY, "answer": ""}).back_text == ESSAY["rubric"]


def test_a_bad_word_limit_in_the_yaml_bank_names_the_file_line_and_field(tmp_path):
    (tmp_path / "essays.yaml").write_text(
        "topic: partnership-models\n"
        "questions:\n"
        "  - id: essay-001\n"
        "    type: essay\n"
        "    stem: Assess the partnership using the article's figures.\n"
        "    word_limit: 0\n",
        encoding="utf-8",
    )
    _, errors = load_bank_dir(tmp_path)
    assert len(errors) == 1
    error = errors[0]
    assert (Path(error.file).name, error.line, error.field) == ("essays.yaml", 6, "word_limit")
    assert "word_limit must be a whole number of words from 1 to 20000" in error.message
