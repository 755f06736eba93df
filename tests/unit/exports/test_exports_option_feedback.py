"""Per-option feedback (the bank's ``feedback``): emitted per answer and read back by foreign readers."""

from __future__ import annotations

import io
import json

import pytest
from pydantic import ValidationError

from app.exports import EXPORTERS, IMPORTERS, ExportSelection
from app.qtypes.schema import parse_question
from tests.unit.exports.conftest import canonical, reader

pytestmark = pytest.mark.filterwarnings("ignore:'locale.getdefaultlocale' is deprecated:DeprecationWarning")

WITH_FEEDBACK = [
    {
        "id": "fb-price",
        "type": "mcq",
        "stem": "How much will FAW pay for its stake?",
        "options": ["3.74 billion yuan", "1.5 billion yuan", "7.2 billion yuan"],
        "answer": "3.74 billion yuan",
        "topic": "key-figures",
        "feedback": {
            "3.74 billion yuan": "Right: the price in the *first* paragraph.",
            "1.5 billion yuan": "That is Stellantis's 2023 payment, not FAW's; # and ~ kept.",
        },
    },
    {
        "id": "fb-partners",
        "type": "multi",
        "stem": "Which of these are parties to the deal?",
        "options": ["FAW", "Leapmotor", "Tesla"],
        "answer": ["FAW", "Leapmotor"],
        "topic": "partnership-models",
        "feedback": {"Tesla": "Tesla is a competitor named for comparison."},
    },
    {
        "id": "fb-state",
        "type": "tf",
        "stem": "FAW is a privately owned start-up.",
        "answer": False,
        "topic": "comprehension",
        "feedback": {"true": "No: FAW is state-owned.", "false": "Right: FAW is a state-owned group."},
    },
    {
        "id": "fb-buyer",
        "type": "short",
        "stem": "Name the carmaker buying the stake.",
        "answer": ["FAW", "First Automobile Works"],
        "topic": "comprehension",
        "feedback": {"First Automobile Works": "The full name; FAW for short."},
    },
]


@pytest.fixture
def questions() -> list[dict]:
    return [canonical(q) for q in WITH_FEEDBACK]


def _selection(questions):
    return ExportSelection(title="Feedback", questions=questions)


def test_feedback_keys_must_name_an_option_or_answer():
    with pytest.raises(
        ValidationError, match="feedback is keyed by 'BYD'; use one of 'FAW', 'Leapmotor', 'Tesla'"
    ):
        parse_question(dict(WITH_FEEDBACK[1], feedback={"BYD": "not an option"}))
    with pytest.raises(ValidationError, match="this type has no per-option feedback"):
        parse_question(
            {
                "id": "fb-essay",
                "type": "essay",
                "stem": "Assess the deal in a page.",
                "topic": "comprehension",
                "feedback": {"x": "y"},
            }
        )
    plain = canonical({k: v for k, v in WITH_FEEDBACK[0].items() if k != "feedback"})
    assert "feedback" not in plain  # questions without it keep their earlier shape


def test_json_round_trip_keeps_it(questions):
    data = EXPORTERS["json"](_selection(questions)).data
    restored = {q["id"]: q for q in IMPORTERS["json"](data).questions}  # the file is sorted by id
    assert {qid: q["feedback"] for qid, q in restored.items()} == {q["id"]: q["feedback"] for q in questions}
    assert json.loads(data)["questions"][2]["feedback"]["1.5 billion yuan"].startswith("That is Stellantis")


def test_gift_writes_hash_feedback_that_pygiftparser_reads(questions):
    parser = reader("pygiftparser.parser", "pygiftparser==1.1")
    utils = reader("pygiftparser.utils", "pygiftparser==1.1")
    data = EXPORTERS["gift"](_selection(questions)).data
    parsed = {q.title: q for q in parser.parseFile(io.StringIO(data.decode("utf-8")))}
    assert all(q.valid for q in parsed.values())
    price = {
        a.answer.strip(): utils.transformSpecials(a.feedback) for a in parsed["fb-price"].answers.answers
    }
    assert price["1.5 billion yuan"] == "That is Stellantis's 2023 payment, not FAW's; # and ~ kept."
    assert price["7.2 billion yuan"] == ""
    tesla = {a.answer.strip(): a.feedback for a in parsed["fb-partners"].answers.answers}["Tesla"]
    assert tesla == "Tesla is a competitor named for comparison."
    state = parsed["fb-state"].answers
    assert (utils.transformSpecials(state.feedbackWrong), utils.transformSpecials(state.feedbackCorrect)) == (
        "No: FAW is state-owned.",
        "Right: FAW is a state-owned group.",
    )
    buyer = {a.answer.strip(): a.feedback for a in parsed["fb-buyer"].answers.answers}
    assert buyer["First Automobile Works"] == "The full name; FAW for short."
    restored = IMPORTERS["gift"](data).questions
    assert [q["feedback"] for q in restored] == [q["feedback"] for q in questions]


def test_moodle_xml_answer_feedback_read_by_moodle_xml_parser(questions):
    parser = reader("moodle_xml_parser.parser", "moodle-xml-parser==0.3.1")
    data = EXPORTERS["moodle-xml"](_selection(questions)).data
    parsed = {q.name: q for q in parser.parse_bytes(data)["multichoice"]}
    price = {o.answer: o.feedback for o in parsed["fb-price"].options}
    assert price["1.5 billion yuan"] == "<p>That is Stellantis's 2023 payment, not FAW's; # and ~ kept.</p>"
    assert price["3.74 billion yuan"] == "<p>Right: the price in the <em>first</em> paragraph.</p>"
    assert price["7.2 billion yuan"] == ""
    assert {o.answer: o.feedback for o in parsed["fb-partners"].options}["Tesla"].startswith("<p>Tesla is")
    restored = IMPORTERS["moodle-xml"](data).questions
    assert [q["feedback"] for q in restored] == [q["feedback"] for q in questions]
