"""Moodle XML: moodle-xml-parser reads the multichoice and cloze questions, lxml checks the rest against
Moodle's documented format, and our importer reads it all back."""

from __future__ import annotations

import pytest
from lxml import etree

from app.exports import EXPORTERS, IMPORTERS, ExportSelection, ImportFormatError
from tests.unit.exports.conftest import UNIT_NOT_IN_STEM, canonical, reader


@pytest.fixture
def exported(selection) -> bytes:
    return EXPORTERS["moodle-xml"](selection).data


def _questions(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data)
    return {q.findtext("name/text"): q for q in root.iterfind("question") if q.get("type") != "category"}


def test_moodle_xml_parser_reads_multichoice_and_cloze(exported):
    parser = reader("moodle_xml_parser.parser", "moodle-xml-parser==0.3.1")
    parsed = parser.parse_bytes(exported)
    choices = {q.name: q for q in parsed["multichoice"]}
    assert set(choices) == {"faw-stake-price", "faw-partners"}
    mcq = choices["faw-stake-price"]
    assert mcq.single is True and mcq.default_grade == 1.0
    assert [(o.answer, o.score_fraction) for o in mcq.options] == [
        ("3.74 billion yuan", 100.0),
        ("1.5 billion yuan", 0.0),
        ("7.2 billion yuan", 0.0),
        ("500 million yuan", 0.0),
    ]
    assert "Source: “FAW will pay" in mcq.general_feedback
    multi = choices["faw-partners"]
    assert multi.single is False and multi.default_grade == 2.0
    assert sum(o.score_fraction for o in multi.options if o.score_fraction > 0) == pytest.approx(
        100, abs=1e-9
    )
    assert [o.score_fraction for o in multi.options][-2:] == [-50.0, -50.0]

    cloze = {q.name: q for q in parsed["cloze"]}
    assert [(g.sub_type, [(o.answer, o.score) for o in g.options]) for g in cloze["faw-cloze-two"].gaps] == [
        ("SHORTANSWER", [("3.74 billion yuan", 100), ("3.74bn yuan", 100)]),
        ("SHORTANSWER", [("20%", 100), ("20 %", 100), ("twenty percent", 100)]),
    ]
    assert len(cloze["faw-cloze-one"].gaps) == 1


def test_structure_follows_moodles_format(exported, selection):
    root = etree.fromstring(exported)
    assert root.tag == "quiz"
    categories = [q.findtext("category/text") for q in root.iterfind("question[@type='category']")]
    assert categories == [
        "$course$/top/Casewise/key-figures",
        "$course$/top/Casewise/partnership-models",
        "$course$/top/Casewise/comprehension",
    ]
    questions = _questions(exported)
    assert {name: q.get("type") for name, q in questions.items()} == {
        "faw-stake-price": "multichoice",
        "faw-partners": "multichoice",
        "faw-is-state-owned": "truefalse",
        "faw-stake-percent": "numerical",
        "faw-price-relative": "numerical",
        "faw-cloze-two": "cloze",
        "faw-cloze-one": "cloze",
        "faw-roles": "matching",
        "faw-buyer-name": "shortanswer",
    }
    for name, question in questions.items():
        assert question.find("questiontext").get("format") == "html"
        assert question.findtext("idnumber") == name
        assert question.find("generalfeedback/text") is not None
        assert float(question.findtext("defaultgrade")) == selection.points_for(name)

    tf = questions["faw-is-state-owned"]
    assert [(a.findtext("text"), a.get("fraction")) for a in tf.iterfind("answer")] == [
        ("true", "0"),
        ("false", "100"),
    ]

    numeric = questions["faw-stake-percent"]
    assert [
        (a.findtext("text"), a.findtext("tolerance"), a.get("fraction")) for a in numeric.iterfind("answer")
    ] == [("20", "0.5", "100")]
    assert numeric.findtext("units/unit/unit_name") == "%"
    assert questions["faw-price-relative"].findtext("answer/tolerance") == "0.187"

    short = questions["faw-buyer-name"]
    assert short.findtext("usecase") == "0"
    assert [a.findtext("text") for a in short.iterfind("answer")] == ["FAW", "First Automobile Works"]

    roles = questions["faw-roles"]
    pairs = [(s.findtext("text"), s.findtext("answer/text")) for s in roles.iterfind("subquestion")]
    assert pairs == [("FAW", "Buyer"), ("Leapmotor", "Target"), ("Stellantis", "Existing shareholder")]

    # Moodle has no difficulty field: it travels as a tag the importer turns back into the difficulty.
    assert [t.text for t in questions["faw-stake-price"].iterfind("tags/tag/text")] == [
        "price",
        "stake",
        "difficulty-easy",
    ]
    feedback = questions["faw-stake-price"].findtext("generalfeedback/text")
    assert feedback.startswith("<p>The article gives the price as <em>3.74 billion yuan</em>.</p>")


def test_cloze_answers_are_escaped_and_numeric_blanks_use_numerical(bank):
    cloze = canonical(
        {
            "id": "cloze-escapes",
            "type": "cloze",
            "stem": "Type {{1}} and then {{2}} here.",
            "answer": [['a}b#c~d/e"f\\g & <h>'], ["534", "534.0"]],
            "topic": "key-figures",
        }
    )
    data = EXPORTERS["moodle-xml"](ExportSelection(title="t", questions=[cloze])).data
    text = etree.fromstring(data).findtext("question[@type='cloze']/questiontext/text")
    assert '{1:SHORTANSWER:=a\\}b\\#c&#126;d/e"f&#92;g &#38; &lt;h&gt;}' in text
    assert "{1:NUMERICAL:=534:0~=534.0:0}" in text
    (restored,) = IMPORTERS["moodle-xml"](data).questions
    assert restored["stem"] == cloze["stem"]
    assert restored["answer"] == cloze["answer"]


def test_a_unit_missing_from_the_stem_is_shown_and_read_back():
    numeric = canonical(UNIT_NOT_IN_STEM)
    data = EXPORTERS["moodle-xml"](ExportSelection(title="t", questions=[numeric])).data
    question = etree.fromstring(data).find("question[@type='numerical']")
    assert (
        question.findtext("questiontext/text")
        == "<p>How much does FAW pay for the stake? (answer in million yuan)</p>"
    )
    assert question.findtext("units/unit/unit_name") == "million yuan"
    (restored,) = IMPORTERS["moodle-xml"](data).questions
    assert (restored["stem"], restored["answer"]) == (numeric["stem"], numeric["answer"])


def test_round_trip_keeps_every_type(exported, selection, tricky_selection):
    restored = IMPORTERS["moodle-xml"](exported)
    # The bank keeps no points (a quiz sets them), so only a question worth other than 1 is reported.
    assert [w.split(": ", 1)[1] for w in restored.warnings] == [
        "its default mark 2 dropped (Casewise sets points per quiz)"
    ]
    by_stem = {q["stem"]: q for q in restored.questions}
    assert len(by_stem) == len(selection.questions)
    for original in selection.questions:
        copy = by_stem[original["stem"]]
        assert copy["id"].startswith("imp-moodle-") and copy["status"] == "candidate"
        for key in ("type", "topic", "tags", "explanation", "options"):
            assert copy.get(key) == original.get(key), (original["id"], key)
        if original["type"] == "numeric":
            assert copy["answer"]["value"] == original["answer"]["value"]
            assert copy["answer"]["unit"] == original["answer"]["unit"]
        else:
            assert copy["answer"] == original["answer"], original["id"]
    assert by_stem["How many billion yuan does FAW pay?"]["answer"]["tolerance"] == pytest.approx(0.187)
    (tricky,) = IMPORTERS["moodle-xml"](EXPORTERS["moodle-xml"](tricky_selection).data).questions
    for key in ("stem", "options", "answer", "explanation"):
        assert tricky[key] == tricky_selection.questions[0][key]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<quiz><question type='multichoice'>", "Moodle XML is not well-formed: "),
        (b"<questions/>", "line 1: root element is <questions>, expected <quiz>"),
        (b"<quiz>\n<item/></quiz>", "line 2: <item> inside <quiz>, expected <question>"),
        (
            b"<quiz>\n<question type='numerical'><name><text>n</text></name><questiontext format='html'>"
            b"<text>How many units were sold?</text></questiontext><answer fraction='100'><text>lots</text>"
            b"</answer></question></quiz>",
            "line 2 (question 'n'): numerical answer is not a number",
        ),
        (
            b"<quiz>\n\n<question type='multichoice'><name><text>m</text></name><questiontext format='html'>"
            b"<text>Which one is right?</text></questiontext><answer fraction='100'><text>a</text></answer>"
            b"<answer fraction='0'><text>b</text></answer></question></quiz>",
            "line 3 (question 'm'): options: needs at least 3 items",
        ),
    ],
)
def test_malformed_moodle_xml_names_what_and_where(data, message):
    with pytest.raises(ImportFormatError) as info:
        IMPORTERS["moodle-xml"](data)
    assert str(info.value).startswith(message)


def test_types_casewise_lacks_are_skipped_with_a_warning():
    data = (
        b"<quiz>\n<question type='calculated'><name><text>e</text></name><questiontext format='html'>"
        b"<text>Discuss the deal.</text></questiontext></question></quiz>"
    )
    result = IMPORTERS["moodle-xml"](data)
    assert result.questions == []
    assert result.warnings == [
        "line 2 (question 'e'): question type 'calculated' has no Casewise equivalent; skipped"
    ]


def test_entities_are_not_expanded():
    data = (
        b'<!DOCTYPE quiz [<!ENTITY x "expanded">]><quiz><question type="shortanswer"><name><text>s</text></name>'
        b'<questiontext format="html"><text>Say the word &x; please.</text></questiontext>'
        b'<answer fraction="100"><text>word</text></answer></question></quiz>'
    )
    (question,) = IMPORTERS["moodle-xml"](data).questions
    assert "expanded" not in question["stem"]


TRICKY_ANSWERS = [
    "a/b",
    'say "hi"',
    "x~y",
    "back\\slash",
    "a}b",
    "#1",
    "ratio 3:2",
    "ends with \\",
    "&~",
    "\\}#~",
]


def test_multianswer_answers_read_back_exactly_by_moodles_parser():
    """Every character of / \" ~ \\ } # : survives Moodle's own multianswer parsing (a port, see the module)."""
    from tests.unit.exports.moodle_multianswer import extract

    cloze = canonical(
        {
            "id": "cloze-moodle-chars",
            "type": "cloze",
            "stem": "Type {{1}} or the figure {{2}}.",
            "answer": [TRICKY_ANSWERS, ["534", "534.5"]],
            "topic": "key-figures",
        }
    )
    data = EXPORTERS["moodle-xml"](ExportSelection(title="t", questions=[cloze])).data
    text = etree.fromstring(data).findtext("question[@type='cloze']/questiontext/text")
    short, numeric = extract(text)
    assert short["type"] == "SHORTANSWER"
    assert [(answer, fraction) for answer, fraction, _ in short["answers"]] == [
        (a, 1.0) for a in TRICKY_ANSWERS
    ]
    assert [answer for answer, _, _ in numeric["answers"]] == ["534", "534.5"]
    (restored,) = IMPORTERS["moodle-xml"](data).questions
    assert restored["answer"][0] == TRICKY_ANSWERS


def _quiz(*questions: str) -> bytes:
    return ("<?xml version='1.0' encoding='UTF-8'?><quiz>" + "".join(questions) + "</quiz>").encode()


CLOZE_ZERO = (
    "<question type='cloze'><name><text>zero</text></name>"
    "<questiontext format='html'><text>Two minus two is {3:NUMERICAL:=zero}.</text></questiontext></question>"
)
SHORT_PARTIAL = (
    "<question type='shortanswer'><name><text>colour</text></name>"
    "<questiontext format='html'><text>Name the colour of the sky.</text></questiontext>"
    "<answer fraction='100'><text>blue</text><feedback><text>Right.</text></feedback></answer>"
    "<answer fraction='50'><text>light blue</text><feedback><text>Close.</text></feedback></answer>"
    "</question>"
)


def test_a_numerical_blank_that_is_not_a_number_is_skipped_with_its_line_and_the_rest_imports():
    """The issue's run of Moodle's XML cases: '{3:NUMERICAL:=zero}' was accepted as text."""
    result = IMPORTERS["moodle-xml"](_quiz(CLOZE_ZERO, SHORT_PARTIAL))
    assert [q["type"] for q in result.questions] == ["short"]
    assert result.warnings[0].startswith("skipped: line 1 (question 'zero'): numerical blank answer 'zero'")
    with pytest.raises(ImportFormatError, match="numerical blank answer 'zero' is not a number"):
        IMPORTERS["moodle-xml"](_quiz(CLOZE_ZERO))


def test_short_answer_partial_credit_is_reported_and_feedback_kept():
    result = IMPORTERS["moodle-xml"](_quiz(SHORT_PARTIAL))
    (question,) = result.questions
    assert question["answer"] == ["blue"] and question["feedback"] == {"blue": "Right."}
    assert result.warnings == [
        "line 1 (question 'colour'): answer 'light blue' worth 50 % dropped (Casewise short answers are right "
        "or wrong); check the question in the review queue"
    ]


def test_a_unit_multiplier_travels_as_a_base_unit_and_comes_back():
    numeric = canonical({**UNIT_NOT_IN_STEM, "answer": {**UNIT_NOT_IN_STEM["answer"], "multiplier": 1e6}})
    data = EXPORTERS["moodle-xml"](ExportSelection(title="t", questions=[numeric])).data
    units = etree.fromstring(data).findall("question[@type='numerical']/units/unit")
    assert [(u.findtext("unit_name"), u.findtext("multiplier")) for u in units] == [
        ("million yuan", "1"),
        ("yuan", "1000000"),
    ]
    restored = IMPORTERS["moodle-xml"](data)
    assert restored.warnings == []
    assert restored.questions[0]["answer"] == numeric["answer"]


_UNITS_QUESTION = """<quiz><question type="numerical"><name><text>len</text></name>
<questiontext format="html"><text>How long?</text></questiontext>
<answer fraction="100"><text>1.5</text><tolerance>0.1</tolerance></answer>
<units>{units}</units></question></quiz>"""


@pytest.mark.parametrize(
    ("units", "expected", "warning"),
    [
        ([("m", "1"), ("cm", "100")], ("m", 100.0), None),
        ([("m", "1"), ("cm", "100"), ("mm", "1000")], ("m", 100.0), "'mm' x1000 dropped"),
        ([("km", "0.001"), ("m", "1")], ("km", 1.0), "kept as 'km' only"),
    ],
)
def test_moodle_units_become_a_unit_and_multiplier_or_say_what_was_dropped(units, expected, warning):
    xml = "".join(f"<unit><multiplier>{m}</multiplier><unit_name>{n}</unit_name></unit>" for n, m in units)
    restored = IMPORTERS["moodle-xml"](_UNITS_QUESTION.format(units=xml).encode())
    answer = restored.questions[0]["answer"]
    assert (answer["unit"], answer["multiplier"]) == expected
    if warning is None:
        assert restored.warnings == []
    else:
        assert len(restored.warnings) == 1 and warning in restored.warnings[0]
