"""Per-answer feedback of numeric and cloze questions (issue #23): in the schema, out through every format that
carries it and back in through the GIFT and Moodle XML imports."""

from __future__ import annotations

import io

import pytest
from lxml import etree
from pydantic import ValidationError

from app.exports import EXPORTERS, IMPORTERS, ExportSelection
from app.qtypes.schema import parse_question
from tests.unit.exports.conftest import canonical, reader
from tests.unit.exports.moodle_multianswer import extract

pytestmark = pytest.mark.filterwarnings("ignore:'locale.getdefaultlocale' is deprecated:DeprecationWarning")

# Feedback with every character Moodle's multianswer and GIFT treat specially.
TRICKY = 'Right: a/b "c" ~ \\ } # : & <x> in one line.'

NUMERIC = {
    "id": "fb-num-price",
    "type": "numeric",
    "stem": "How much, in billion yuan, will FAW pay?",
    "answer": {"value": 3.74, "tolerance": 0.01},
    "topic": "key-figures",
    "feedback": {"answer": "Right: the price in the first paragraph."},
}
CLOZE = {
    "id": "fb-cloze-buyer",
    "type": "cloze",
    "stem": "The buyer is {{1}}, a state-owned group.",
    "answer": [["FAW", "First Automobile Works"]],
    "topic": "comprehension",
    "feedback": {"1:FAW": TRICKY, "1:First Automobile Works": "The full name; FAW for short."},
}
TWO_BLANKS = {
    "id": "fb-cloze-two",
    "type": "cloze",
    "stem": "{{1}} pays {{2}} billion yuan.",
    "answer": [["FAW"], ["3.74"]],
    "topic": "key-figures",
    "feedback": {"2:3.74": "From the first paragraph."},
}


def _selection(questions):
    return ExportSelection(title="Feedback", questions=[canonical(q) for q in questions])


def test_keys_name_the_answer_or_a_blank_variant():
    assert parse_question(NUMERIC).feedback == NUMERIC["feedback"]
    assert parse_question(CLOZE).blank_feedback(1, "FAW") == TRICKY
    with pytest.raises(ValidationError, match="feedback is keyed by '3.74'; use one of 'answer'"):
        parse_question(dict(NUMERIC, feedback={"3.74": "x"}))
    with pytest.raises(ValidationError, match="feedback is keyed by '2:FAW'; use one of '1:FAW'"):
        parse_question(dict(CLOZE, feedback={"2:FAW": "x"}))
    assert "feedback" not in canonical({k: v for k, v in CLOZE.items() if k != "feedback"})


def test_json_round_trip_is_byte_identical():
    data = EXPORTERS["json"](_selection([NUMERIC, CLOZE, TWO_BLANKS])).data
    again = EXPORTERS["json"](
        ExportSelection(title="Feedback", questions=IMPORTERS["json"](data).questions)
    ).data
    assert again == data


def test_moodle_xml_numerical_and_multianswer_feedback_read_as_moodle_reads_them():
    data = EXPORTERS["moodle-xml"](_selection([NUMERIC, CLOZE, TWO_BLANKS])).data
    root = etree.fromstring(data)
    numerical = root.find("question[@type='numerical']")
    assert numerical.findtext("answer/feedback/text") == "<p>Right: the price in the first paragraph.</p>"
    texts = {
        q.findtext("idnumber"): q.findtext("questiontext/text")
        for q in root.iterfind("question[@type='cloze']")
    }
    (blank,) = extract(texts["fb-cloze-buyer"])
    feedback = {answer: said for answer, _, said in blank["answers"]}
    assert feedback["FAW"] == 'Right: a/b "c" ~ \\ } # : &amp; &lt;x&gt; in one line.'  # the HTML of TRICKY
    assert feedback["First Automobile Works"] == "The full name; FAW for short."
    first, second = extract(texts["fb-cloze-two"])
    assert first["answers"] == [("FAW", 1.0, "")]
    assert second == {"type": "NUMERICAL", "answers": [("3.74", 1.0, "From the first paragraph.")]}
    restored = {q["stem"][:12]: q["feedback"] for q in IMPORTERS["moodle-xml"](data).questions}
    assert restored == {
        "How much, in": NUMERIC["feedback"],
        "The buyer is": CLOZE["feedback"],
        "{{1}} pays {": TWO_BLANKS["feedback"],
    }


def test_gift_numeric_hash_feedback_and_missing_word_feedback_round_trip():
    parser = reader("pygiftparser.parser", "pygiftparser==1.1")
    data = EXPORTERS["gift"](_selection([NUMERIC, CLOZE])).data
    text = data.decode("utf-8")
    assert "{#3.74:0.01#Right\\: the price in the first paragraph.}" in text
    parsed = {q.title: q for q in parser.parseFile(io.StringIO(text))}
    assert all(q.valid for q in parsed.values())
    restored = IMPORTERS["gift"](data).questions
    assert [q["feedback"] for q in restored] == [NUMERIC["feedback"], CLOZE["feedback"]]
    assert [q["type"] for q in restored] == ["numeric", "cloze"]


def test_gift_split_cloze_keeps_each_blank_feedback():
    data = EXPORTERS["gift"](_selection([TWO_BLANKS])).data
    restored = IMPORTERS["gift"](data).questions
    assert [q.get("feedback", {}) for q in restored] == [{}, {"1:3.74": "From the first paragraph."}]


def test_anki_back_lists_numeric_and_blank_feedback(tmp_path):
    anki_collection = reader("anki.collection", "anki==26.9.3")
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        path = tmp_path / "deck.apkg"
        path.write_bytes(EXPORTERS["apkg"](_selection([NUMERIC, CLOZE])).data)
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        )
        backs = " ".join(col.get_note(nid).cards()[0].answer() for nid in col.find_notes(""))
        assert "<strong>3.74 (±0.01)</strong>: Right: the price in the first paragraph." in backs
        assert "<strong>Blank 1: First Automobile Works</strong>: The full name; FAW for short." in backs
    finally:
        col.close()


def test_qti21_modal_feedback_for_the_number_and_each_blank_validates(tmp_path, shared_validator):
    from tests.unit.exports.conftest import unzip

    files = unzip(EXPORTERS["qti21"](_selection([NUMERIC, CLOZE, TWO_BLANKS])).data, tmp_path)
    ns = {"i": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
    paths = {qid: next(p for n, p in files.items() if n.endswith(f"q_{qid}.xml")) for qid in QIDS}
    for path in paths.values():
        assert shared_validator(path, "qti21-item") == []
    number = etree.parse(str(paths["fb-num-price"])).getroot()
    (modal,) = number.findall("i:modalFeedback[@outcomeIdentifier='OPTION_FEEDBACK']", ns)
    assert "the price in the first paragraph" in "".join(modal.itertext())
    shown = number.find(".//i:responseIf[i:gte]/i:setOutcomeValue[@identifier='OPTION_FEEDBACK']", ns)
    assert shown.findtext("i:baseValue", namespaces=ns) == modal.get("identifier")
    cloze = etree.parse(str(paths["fb-cloze-buyer"])).getroot()
    assert (
        cloze.find("i:outcomeDeclaration[@identifier='OPTION_FEEDBACK']", ns).get("cardinality") == "multiple"
    )
    modals = {
        m.get("identifier"): "".join(m.itertext())
        for m in cloze.iterfind("i:modalFeedback[@outcomeIdentifier='OPTION_FEEDBACK']", ns)
    }
    branches = {
        b.findtext("i:stringMatch/i:baseValue", namespaces=ns): b.findtext(
            "i:setOutcomeValue/i:multiple/i:baseValue", namespaces=ns
        )
        for b in cloze.iterfind("i:responseProcessing/i:responseCondition/i:responseIf", ns)
        if b.find("i:stringMatch", ns) is not None
    }
    assert "FAW for short" in modals[branches["First Automobile Works"]]
    assert "a/b" in modals[branches["FAW"]]


QIDS = ("fb-num-price", "fb-cloze-buyer", "fb-cloze-two")


def test_canvas_itemfeedback_for_the_right_number_and_each_blank_variant(tmp_path):
    from tests.unit.exports.conftest import unzip
    from tests.unit.exports.test_exports_option_feedback import QTI12, _labels, _response_feedback

    files = unzip(EXPORTERS["qti12-canvas"](_selection([NUMERIC, CLOZE])).data, tmp_path)
    assessment = next(
        p
        for n, p in files.items()
        if n.endswith(".xml") and "assessment_meta" not in n and "imsmanifest" not in n
    )
    root = etree.parse(str(assessment)).getroot()
    number = root.find(".//q:item[@ident='q_fb-num-price']", QTI12)
    shown = [
        c
        for c in number.iterfind(".//q:respcondition", QTI12)
        if c.find("q:displayfeedback", QTI12) is not None
    ]
    right = [c for c in shown if c.find("q:conditionvar/q:or/q:varequal", QTI12) is not None]
    assert len(right) == 1 and right[0].findtext("q:conditionvar/q:or/q:varequal", namespaces=QTI12) == "3.74"
    block = number.find(
        f"q:itemfeedback[@ident='{right[0].find('q:displayfeedback', QTI12).get('linkrefid')}']", QTI12
    )
    assert (
        block.findtext(".//q:mattext", namespaces=QTI12) == "<p>Right: the price in the first paragraph.</p>"
    )
    cloze = root.find(".//q:item[@ident='q_fb-cloze-buyer']", QTI12)
    labels = _labels(cloze)
    assert {labels[i]: t for i, t in _response_feedback(cloze).items()}["First Automobile Works"] == (
        "<p>The full name; FAW for short.</p>"
    )


def test_common_cartridge_fill_ins_carry_number_and_blank_feedback_and_stay_valid(tmp_path, shared_validator):
    from tests.unit.exports.conftest import unzip
    from tests.unit.exports.test_exports_cc11 import schematron_failures
    from tests.unit.exports.test_exports_option_feedback import QTI12, _response_feedback

    files = unzip(EXPORTERS["cc11"](_selection([NUMERIC, CLOZE, TWO_BLANKS])).data, tmp_path)
    assessment = next(p for n, p in files.items() if n.endswith("/assessment.xml"))
    assert shared_validator(assessment, "cc11-qti") == []
    assert schematron_failures("ccv1p1_qtiasiv1p2p1_v1p0.xsd", etree.parse(str(assessment))) == []
    root = etree.parse(str(assessment)).getroot()
    number = _response_feedback(root.find(".//q:item[@ident='q_fb-num-price']", QTI12))
    assert set(number) == {"3.73", "3.74", "3.75"}  # 3.74 ± 0.01: each accepted value shows it
    assert set(number.values()) == {"<p>Right: the price in the first paragraph.</p>"}
    buyer = _response_feedback(root.find(".//q:item[@ident='q_fb-cloze-buyer']", QTI12))
    assert buyer["First Automobile Works"] == "<p>The full name; FAW for short.</p>"
    second = _response_feedback(root.find(".//q:item[@ident='q_fb-cloze-two-b2']", QTI12))
    assert second == {"3.74": "<p>From the first paragraph.</p>"}
