"""Graders per question type: shapes, notations, partial credit, normalisation, fuzzy matching, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.qtypes.schema import QUESTION_TYPES, parse_question
from app.quizzes.grading import (
    GRADERS,
    MAX_TEXT,
    VALIDATORS,
    Grade,
    ResponseError,
    grade,
    normalise_text,
    read_number,
    validate_response,
    within_tolerance,
)

BASE = {"stem": "A question stem long enough.", "topic": "key-figures", "id": "q-001"}


def question(**fields) -> dict:
    return parse_question({**BASE, **fields}).model_dump()


MCQ = question(type="mcq", options=["Leapmotor", "Stellantis", "FAW"], answer="Stellantis")
MULTI = question(type="multi", options=["A", "B", "C", "D", "E"], answer=["A", "B"])
TF = question(type="tf", answer=False)
NUMERIC = question(
    type="numeric", answer={"value": 534, "tolerance": 1, "unit": "US$ million", "multiplier": 1e6}
)
PERCENT = question(type="numeric", answer={"value": 10.6, "tolerance": 0.05, "unit": "%"})
RELATIVE = question(type="numeric", answer={"value": 200, "tolerance": 0.1, "tolerance_mode": "relative"})
CLOZE = question(
    type="cloze",
    stem="{{1}} bought a stake of {{2}} in the partner.",
    answer=[["Stellantis", "Stellantis N.V."], ["21%", "about 21%"]],
)
SHORT = question(type="short", answer=["joint venture", "JV"])
MATCHING = question(
    type="matching",
    answer=[
        {"left": "FAW", "right": "state-owned"},
        {"left": "Leapmotor", "right": "start-up"},
        {"left": "Stellantis", "right": "multinational"},
        {"left": "Tesla", "right": "rival"},
    ],
)
ALL = [MCQ, MULTI, TF, NUMERIC, PERCENT, RELATIVE, CLOZE, SHORT, MATCHING]


def test_every_schema_type_has_a_grader_and_a_validator():
    assert set(GRADERS) == set(VALIDATORS) == set(QUESTION_TYPES)
    assert set(QUESTION_TYPES) == {"mcq", "multi", "tf", "numeric", "cloze", "matching", "short", "essay"}


def test_unknown_type_is_a_programming_error_not_a_response_error():
    with pytest.raises(ValueError, match="unknown question type 'poem'"):
        grade({"type": "poem"}, "x")


# ---------------------------------------------------------------- blank responses


@pytest.mark.parametrize("q", ALL, ids=lambda q: q["type"])
@pytest.mark.parametrize("blank", [None, "", "   ", [], {}, ["", None]])
def test_blank_response_scores_zero_without_message(q, blank):
    result = grade(q, blank)
    assert result == Grade(0.0, False, {"answered": False}, None)
    assert validate_response(q, blank) is None


# ---------------------------------------------------------------- mcq


@pytest.mark.parametrize(
    ("response", "fraction"),
    [("Stellantis", 1.0), ("  stellantis ", 1.0), ("STELLANTIS", 1.0), ("FAW", 0.0), ("Leapmotor", 0.0)],
)
def test_mcq(response, fraction):
    result = grade(MCQ, response)
    assert result.fraction == fraction
    assert result.correct is (fraction == 1.0)
    assert result.message is None


def test_mcq_validate_returns_the_option_as_written():
    assert validate_response(MCQ, " stellantis") == "Stellantis"


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (["Stellantis"], "takes the text of one option, not list"),
        ("Tesla", "'Tesla' is not one of the options; send the exact text of one of: 'Leapmotor'"),
        (3, "not int"),
    ],
)
def test_mcq_bad_shapes(response, message):
    with pytest.raises(ResponseError, match=message):
        validate_response(MCQ, response)
    result = grade(MCQ, response)
    assert result.fraction == 0.0 and message.split(";")[0].strip("'") in result.message


# ---------------------------------------------------------------- multi (Moodle partial credit)


@pytest.mark.parametrize(
    ("chosen", "fraction"),
    [
        (["A", "B"], 1.0),
        (["B", "A", "A"], 1.0),
        (["A"], 0.5),
        (["A", "C"], 0.5 - 1 / 3),
        (["A", "B", "C"], 1 - 1 / 3),
        (["A", "B", "C", "D", "E"], 0.0),  # select all -> 0
        (["C", "D"], 0.0),  # would be -2/3, clamped: never negative
        (["C", "D", "E"], 0.0),
        (["A", "C", "D", "E"], 0.0),
    ],
)
def test_multi_partial_credit(chosen, fraction):
    result = grade(MULTI, chosen)
    assert result.fraction == pytest.approx(fraction)
    assert 0.0 <= result.fraction <= 1.0
    assert result.correct is (fraction == 1.0)


def test_multi_detail_and_normalised_order():
    assert validate_response(MULTI, ["c", "A", "A", ""]) == ["A", "C"]
    result = grade(MULTI, ["C", "A"])
    assert result.detail == {"chosen": {"A": True, "C": False}, "missed": 1}


def test_multi_exact_thirds_reach_one():
    q = question(type="multi", options=["a", "b", "c", "d"], answer=["a", "b", "c"])
    assert grade(q, ["a", "b", "c"]).correct
    assert grade(q, ["a", "b"]).fraction == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("response", "message"),
    [("A", "takes a list of option texts"), (["A", "Z"], "'Z' is not one of the options"), ([["A"]], "text")],
)
def test_multi_bad_shapes(response, message):
    with pytest.raises(ResponseError, match=message):
        validate_response(MULTI, response)


# ---------------------------------------------------------------- tf


@pytest.mark.parametrize(
    ("response", "fraction"),
    [(False, 1.0), (True, 0.0), ("false", 1.0), (" FALSE ", 1.0), ("true", 0.0), ("True", 0.0)],
)
def test_tf(response, fraction):
    assert grade(TF, response).fraction == fraction


@pytest.mark.parametrize("response", ["yes", 0, 1, ["false"]])
def test_tf_bad_shapes(response):
    with pytest.raises(ResponseError, match="takes true or false"):
        validate_response(TF, response)


# ---------------------------------------------------------------- numeric


@pytest.mark.parametrize(
    "typed",
    [
        "534",
        "534 million",
        "534m",
        "534M",
        "534 mn",
        "US$534m",
        "US$ 534 million",
        "US $534 million",
        "$534m",
        "0.534 billion",
        "0.534bn",
        "0.534 b",
        "534,000 thousand",
        "534000k",
        "534 US$ million",
        "534 million USD",
        "RMB 534 million",
        "HK$534m",
        "€534m",
        "£534m",
        "¥534m",
        "CNY534mn",
        "0.000534 trillion",
        "0.000534tn",
        "535",
        "533.0",
        "５３４",
    ],
)
def test_numeric_notations_in_question_unit(typed):
    result = grade(NUMERIC, typed)
    assert result.correct, (typed, result)
    assert result.message is None


@pytest.mark.parametrize("typed", ["536", "534 billion", "534 thousand", "534000000", "-534"])
def test_numeric_wrong_values(typed):
    result = grade(NUMERIC, typed)
    assert result.fraction == 0.0 and result.message is None


def test_numeric_detail_is_the_value_in_question_unit():
    assert grade(NUMERIC, "0.5 billion").detail == {"value": pytest.approx(500.0)}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        (".5", 0.5),
        ("-5", -5.0),
        ("-$5", -5.0),
        ("$-5", -5.0),
        ("−5", -5.0),
        ("+5", 5.0),
        ("10.6%", 0.106),
        ("10.6 per cent", 0.106),
        ("10.6 percent", 0.106),
        ("12k", 12000.0),
        ("12 thousand", 12000.0),
        ("3 trillion", 3e12),
        ("2.5bn", 2.5e9),
        ("1 234", None),
    ],
)
def test_read_number_without_unit(typed, expected):
    if expected is None:
        with pytest.raises(ResponseError):
            read_number(typed)
    else:
        assert read_number(typed) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("typed", "correct"),
    [("10.6%", True), ("10.6", True), ("10.6 per cent", True), ("10.65 %", True), ("10.7%", False)],
)
def test_numeric_percent_unit_takes_percent_sign_as_the_unit(typed, correct):
    assert grade(PERCENT, typed).correct is correct


def test_numeric_percent_scales_when_the_unit_is_not_a_percent():
    q = question(type="numeric", answer={"value": 0.106, "tolerance": 0.0005})
    assert grade(q, "10.6%").correct
    assert not grade(q, "10.6").correct


def test_numeric_unit_words_of_the_question_are_accepted():
    q = question(type="numeric", answer={"value": 1.2, "unit": "million vehicles", "multiplier": 1e6})
    assert grade(q, "1.2 million vehicles").correct
    assert grade(q, "1.2 vehicles").correct
    assert grade(q, "1,200 thousand").correct
    assert grade(q, "1.2 cars").message.startswith("Could not read '1.2 cars' as a number: 'cars'")


@pytest.mark.parametrize(
    ("typed", "correct"), [("180", True), ("220", True), ("179.9", False), ("221", False)]
)
def test_numeric_relative_tolerance(typed, correct):
    assert grade(RELATIVE, typed).correct is correct


@pytest.mark.parametrize(
    ("typed", "correct"), [("533", True), ("535", True), ("532.9", False), ("535.01", False)]
)
def test_numeric_absolute_tolerance_bounds_are_inclusive(typed, correct):
    assert grade(NUMERIC, typed).correct is correct


def test_within_tolerance_forgives_float_rounding_only():
    assert within_tolerance(0.4, 0.3, 0.1)  # 0.4 - 0.3 is 0.10000000000000003
    assert within_tolerance(534.0000000000001, 534.0)
    assert not within_tolerance(534.000001, 534.0)
    assert within_tolerance(90, 100, 0.1, "relative")
    assert not within_tolerance(89.9, 100, 0.1, "relative")


def test_numeric_accepts_json_numbers():
    assert grade(NUMERIC, 534).correct
    assert grade(NUMERIC, 534.4).correct
    assert validate_response(NUMERIC, 534) == 534.0
    for bad in (float("nan"), float("inf"), 10**400):
        with pytest.raises(ResponseError, match="finite"):
            validate_response(NUMERIC, bad)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("12abc", "'abc' is not a unit or scale we know"),
        ("1,5", "',' is out of place (use a point for decimals)"),
        ("12.5.3", "more than one number"),
        ("5-", "the sign '-' is out of place"),
        ("1 2", "more than one number"),
        ("million", "there is no number in it"),
        ("bn", "'bn' is out of place"),
        ("US$", "there is no number in it"),
        ("5 thousand billion", "'billion' is out of place"),
        ("5% bn", "'bn' is out of place"),
        ("9" * 400, "too large"),
    ],
)
def test_numeric_unreadable_scores_zero_with_message(typed, why):
    result = grade(NUMERIC, typed)
    assert result.fraction == 0.0 and not result.correct
    assert result.message.startswith("Could not read ")
    assert why in result.message
    with pytest.raises(ResponseError, match="Could not read"):
        validate_response(NUMERIC, typed)


def test_numeric_message_names_the_typed_text():
    assert grade(NUMERIC, "12abc").message.startswith("Could not read '12abc' as a number")


def test_numeric_validate_keeps_what_was_typed():
    assert validate_response(NUMERIC, "  US$534m ") == "US$534m"


# ---------------------------------------------------------------- text normalisation


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  Stellantis   N.V. ", "stellantis nv"),
        ("FAW’s", "faws"),
        ("“quoted”", "quoted"),
        ("joint—venture", "joint venture"),
        ("10.6%", "10.6%"),
        ("10.6 %", "10.6 %"),
        ("1,234.5", "1234.5"),
        ("-5", "-5"),
        ("Hello, world!", "hello world"),
        ("ＦＡＷ", "faw"),
        ("STRASSE", "strasse"),
    ],
)
def test_normalise_text(raw, normalised):
    assert normalise_text(raw) == normalised


# ---------------------------------------------------------------- cloze


@pytest.mark.parametrize(
    ("blanks", "results"),
    [
        (["Stellantis", "21%"], [True, True]),
        (["stellantis n.v.", "About 21 %"], [True, True]),
        (["“Stellantis”", "21%"], [True, True]),
        (["Stellantis", "20%"], [True, False]),
        (["FAW", "21%"], [False, True]),
        (["FAW", "12%"], [False, False]),
        (["", "21%"], [False, True]),
        ([None, "21%"], [False, True]),
    ],
)
def test_cloze_per_blank_credit(blanks, results):
    result = grade(CLOZE, blanks)
    assert result.detail == {"blanks": results}
    assert result.fraction == sum(results) / 2
    assert result.correct is all(results)


def test_cloze_curly_and_straight_quotes_and_dashes_agree():
    q = question(type="cloze", stem="The {{1}} model.", answer=[["“asset-light” partnership"]])
    assert grade(q, ['"asset–light" partnership']).correct
    assert grade(q, ["asset light partnership"]).correct


def test_cloze_fuzzy_threshold():
    strict = question(type="cloze", stem="Partner: {{1}}.", answer=[["Stellantis"]])
    fuzzy = question(type="cloze", stem="Partner: {{1}}.", answer=[["Stellantis"]], fuzzy=0.8)
    assert not grade(strict, ["Stelantis"]).correct
    assert grade(fuzzy, ["Stelantis"]).correct  # ratio 94.7
    assert not grade(fuzzy, ["Stellar"]).correct  # ratio 70.6


def test_fuzzy_never_forgives_a_different_figure():
    q = question(type="cloze", stem="Stake: {{1}}.", answer=[["21 percent"]], fuzzy=0.5)
    assert grade(q, ["21 percnt"]).correct
    assert not grade(q, ["27 percent"]).correct


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ("Stellantis", "takes a list of 2 answer"),
        (["Stellantis"], "has 2 blanks; send 2 answers, not 1"),
        (["a", "b", "c"], "not 3"),
        (["a", ["b"]], "the answer to blank 2 must be text"),
        (["a", "x" * (MAX_TEXT + 1)], "blank 2 is 501 characters long; shorten it to 500"),
    ],
)
def test_cloze_bad_shapes(response, message):
    with pytest.raises(ResponseError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_response(CLOZE, response)


# ---------------------------------------------------------------- short


@pytest.mark.parametrize(
    ("text", "correct"),
    [
        ("joint venture", True),
        ("Joint-Venture", True),
        ("jointventure", True),
        ("  JOINT   venture. ", True),
        ("jv", True),
        ("J.V.", True),
        ("joint ventures", False),
        ("merger", False),
    ],
)
def test_short_normalised_comparison(text, correct):
    assert grade(SHORT, text).correct is correct


def test_short_fuzzy():
    q = question(type="short", answer=["Leapmotor"], fuzzy=0.85)
    assert grade(q, "Leapmotr").correct
    assert grade(q, "Leap motor").correct
    assert not grade(q, "Leapfrog").correct


def test_short_over_limit_is_a_response_error():
    with pytest.raises(ResponseError, match="501 characters long"):
        validate_response(SHORT, "x" * 501)
    assert validate_response(SHORT, "x" * 500) == "x" * 500


def test_short_only_punctuation_never_matches():
    q = question(type="short", answer=["!?"], fuzzy=0.5)
    assert not grade(q, "...").correct


# ---------------------------------------------------------------- matching


def test_matching_partial_credit_per_pair():
    response = {
        "FAW": "state-owned",
        "Leapmotor": "start-up",
        "Stellantis": "rival",
        "Tesla": "multinational",
    }
    result = grade(MATCHING, response)
    assert result.fraction == 0.5
    assert result.detail == {"pairs": {"FAW": True, "Leapmotor": True, "Stellantis": False, "Tesla": False}}


def test_matching_accepts_lists_of_pairs_and_missing_items():
    pairs = [["FAW", "state-owned"], {"left": "leapmotor", "right": "START-UP"}, ["Tesla", ""]]
    assert validate_response(MATCHING, pairs) == {"FAW": "state-owned", "Leapmotor": "start-up"}
    assert grade(MATCHING, pairs).fraction == 0.5


def test_matching_all_right():
    response = {p["left"]: p["right"] for p in MATCHING["answer"]}
    assert grade(MATCHING, response).correct


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ("FAW", "takes an object {left: right} or a list of [left, right] pairs"),
        ({"BYD": "rival"}, "'BYD' is not one of the left-hand items"),
        ({"FAW": "partner"}, "'partner' is not one of the right-hand items"),
        ([["FAW", "rival"], ["faw", "start-up"]], "'FAW' is matched twice"),
        ([["FAW"]], "each pair must be [left, right]"),
    ],
)
def test_matching_bad_shapes(response, message):
    with pytest.raises(ResponseError, match=message.replace("[", r"\[").replace("{", r"\{")):
        validate_response(MATCHING, response)


# ---------------------------------------------------------------- properties

RESPONSES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(q=st.sampled_from(ALL), response=RESPONSES)
def test_grade_never_raises_and_stays_in_bounds(q, response):
    result = grade(q, response)
    assert 0.0 <= result.fraction <= 1.0
    assert result.correct is (result.fraction == 1.0)


@settings(max_examples=150, deadline=None)
@given(q=st.sampled_from(ALL), response=RESPONSES)
def test_validate_either_normalises_or_raises_response_error(q, response):
    try:
        clean = validate_response(q, response)
    except ResponseError as err:
        assert str(err)
        assert grade(q, response).message == str(err)
    else:
        assert grade(q, clean) == grade(q, response)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=60))
def test_numeric_reader_never_raises_anything_but_response_error(text):
    try:
        value = read_number(text, "US$ million", 1e6)
    except ResponseError:
        return
    assert value == value  # not NaN
