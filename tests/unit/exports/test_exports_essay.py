"""The essay type in every export format, each read back by the reader or schema the other export tests use."""

from __future__ import annotations

import csv
import io
import json

import pytest
from lxml import etree

from app.exports import EXPORTERS, IMPORTERS, ExportSelection
from tests.unit.exports.conftest import SOURCE, canonical, reader, unzip
from tests.unit.exports.test_exports_cc11 import schematron_failures

pytestmark = pytest.mark.filterwarnings("ignore:'locale.getdefaultlocale' is deprecated:DeprecationWarning")

ESSAY = {
    "id": "faw-essay-gains",
    "type": "essay",
    "stem": "Assess the **FAW–Leapmotor** deal: what does each side gain, & at what risk?",
    "answer": "FAW gains *electric-vehicle technology*; Leapmotor gains 3.74 billion yuan & scale.",
    "rubric": "- Names what both sides gain (2)\n- Backs it with a figure from the article (1)",
    "word_limit": 300,
    "explanation": "Weigh technology against cash.",
    "topic": "partnership-models",
    "source": SOURCE,
}
BARE = {
    "id": "faw-essay-bare",
    "type": "essay",
    "stem": "Explain the deal in your own words.",
    "topic": "x-y",
}
QTI12 = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
QTI21 = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1"}


@pytest.fixture
def selection() -> ExportSelection:
    return ExportSelection(
        title="Essays",
        questions=[canonical(ESSAY), canonical(BARE)],
        points={"faw-essay-gains": 5.0},
        articles={"faw-leapmotor-stake": "FAW buys into Leapmotor"},
    )


def test_moodle_xml_essay_carries_the_word_limit_rubric_and_model_answer_for_graders(selection):
    root = etree.fromstring(EXPORTERS["moodle-xml"](selection).data)
    essays = {q.findtext("name/text"): q for q in root.iterfind("question[@type='essay']")}
    assert set(essays) == {"faw-essay-gains", "faw-essay-bare"}
    essay = essays["faw-essay-gains"]
    assert essay.findtext("defaultgrade") == "5"
    assert essay.findtext("maxwordlimit") == "300" and essays["faw-essay-bare"].findtext("maxwordlimit") == ""
    assert essay.findtext("responseformat") == "editor" and essay.findtext("attachments") == "0"
    info = essay.findtext("graderinfo/text")
    assert "<strong>Rubric</strong>" in info and "<em>electric-vehicle technology</em>" in info
    assert "<strong>FAW–Leapmotor</strong>" in essay.findtext("questiontext/text")
    # The model answer is never in what students see.
    assert "electric-vehicle" not in essay.findtext("questiontext/text") + essay.findtext(
        "generalfeedback/text"
    )


def test_gift_essay_is_an_empty_answer_block_that_pygiftparser_reads_as_an_essay(selection):
    result = EXPORTERS["gift"](selection)
    parser = reader("pygiftparser.parser", "pygiftparser==1.1")
    parsed = {q.title: q for q in parser.parseFile(io.StringIO(result.data.decode("utf-8")))}
    assert {title: type(q.answers).__name__ for title, q in parsed.items()} == {
        "faw-essay-gains": "Essay",
        "faw-essay-bare": "Essay",
    }
    assert all(q.valid for q in parsed.values())
    assert result.converted == [
        (
            "faw-essay-gains",
            "essay without its word limit, rubric, model answer (GIFT's essay cannot carry them)",
        )
    ]


def test_canvas_essay_question_is_read_by_qti2txt(selection, tmp_path):
    processors = reader("qti2txt.processors", "--ignore-requires-python qti2txt==0.1.0")
    parsers = reader("qti2txt.parsers", "--ignore-requires-python qti2txt==0.1.0")
    files = unzip(EXPORTERS["qti12-canvas"](selection).data, tmp_path)
    assessment = next(
        p for n, p in files.items() if n.endswith(".xml") and "/" in n and "assessment_meta" not in n
    )
    stripped = tmp_path / "stripped.xml"
    processors.NamespaceStripper().remove_namespace_from_file(assessment, stripped)
    details = parsers.XMLCanvasParser(str(stripped)).extract_question_details()
    assert [d["question_type"] for d in details] == ["essay_question", "essay_question"]
    assert details[0]["points_possible"] == "5.0"
    assert "Weigh technology against cash." in details[0]["feedback_general"]


def test_cc11_essay_validates_against_the_profile_and_is_not_computer_scored(
    selection, shared_validator, tmp_path
):
    result = EXPORTERS["cc11"](selection)
    assert result.skipped == []
    assert result.converted[0] == (
        "faw-essay-gains",
        "essay: word limit into the prompt, model answer into the feedback, rubric into the feedback "
        "(the CC 1.1 essay has no place for them)",
    )
    assert result.lost == []
    files = unzip(result.data, tmp_path)
    assessment = next(path for name, path in files.items() if name.endswith("/assessment.xml"))
    assert shared_validator(assessment, "cc11-qti") == []
    assert shared_validator(assessment, "cc11-qti", engine="lxml") == []
    assert schematron_failures("ccv1p1_qtiasiv1p2p1_v1p0.xsd", etree.parse(str(assessment))) == []
    item = etree.parse(str(assessment)).find(".//q:item[@ident='q_faw-essay-gains']", QTI12)
    fields = {
        f.findtext("q:fieldlabel", namespaces=QTI12): f.findtext("q:fieldentry", namespaces=QTI12)
        for f in item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", QTI12)
    }
    assert fields["cc_profile"] == "cc.essay.v0p1" and fields["qmd_computerscored"] == "No"
    assert item.find("q:presentation/q:response_str/q:render_fib", QTI12) is not None
    assert "At most 300 words" in item.findtext("q:presentation/q:material/q:mattext", namespaces=QTI12)
    feedback = item.findtext("q:itemfeedback/q:flow_mat/q:material/q:mattext", namespaces=QTI12)
    assert "Model answer" in feedback and "electric-vehicle technology" in feedback
    assert "Rubric" in feedback and "Backs it with a figure" in feedback


def test_qti21_essay_is_an_extended_text_interaction_that_validates(selection, shared_validator, tmp_path):
    result = EXPORTERS["qti21"](selection)
    files = unzip(result.data, tmp_path)
    for name in ("items/q_faw-essay-gains.xml", "items/q_faw-essay-bare.xml"):
        assert shared_validator(files[name], "qti21-item") == [], name
    assert shared_validator(files["test.xml"], "qti21-assessment") == []
    item = etree.parse(str(files["items/q_faw-essay-gains.xml"])).getroot()
    interaction = item.find(".//q:extendedTextInteraction", QTI21)
    assert interaction.get("expectedLength") == "1800"
    declaration = item.find("q:responseDeclaration", QTI21)
    assert (declaration.get("cardinality"), declaration.get("baseType")) == ("single", "string")
    assert item.find("q:responseProcessing/q:responseCondition", QTI21) is None  # scored by a person


def test_anki_imports_the_essay_as_a_basic_card_with_the_model_answer(selection, tmp_path):
    anki_collection = reader("anki.collection", "anki==26.9.3")
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        path = tmp_path / "deck.apkg"
        path.write_bytes(EXPORTERS["apkg"](selection).data)
        request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        assert len(col.import_anki_package(request).log.new) == 2
        notes = {col.get_note(nid).fields[0]: col.get_note(nid) for nid in col.find_notes("")}
        (front,) = [f for f in notes if "FAW–Leapmotor" in f]
        note = notes[front]
        assert note.note_type()["name"] == "Casewise Basic"
        assert "at most 300 words" in front
        assert "<em>electric-vehicle technology</em>" in note.fields[1] and "Rubric" in note.fields[1]
        bare = next(n for f, n in notes.items() if "own words" in f)
        assert "No model answer" in bare.fields[1]
    finally:
        col.close()


def test_csv_row_has_the_model_answer_and_reports_what_it_drops(selection):
    result = EXPORTERS["csv"](selection)
    rows = list(csv.DictReader(io.StringIO(result.data.decode("utf-8"))))
    assert [(r["type"], r["answer"], r["options"]) for r in rows] == [
        ("essay", ESSAY["answer"], ""),
        ("essay", "", ""),
    ]
    assert result.converted == [
        ("faw-essay-gains", "essay without its word limit, rubric (no CSV column; export JSON)")
    ]


def test_json_round_trips_every_essay_field(selection):
    data = EXPORTERS["json"](selection).data
    document = json.loads(data)
    gains = next(q for q in document["questions"] if q["id"] == "faw-essay-gains")
    assert (gains["word_limit"], gains["rubric"], gains["answer"]) == (300, ESSAY["rubric"], ESSAY["answer"])
    assert sorted(IMPORTERS["json"](data).questions, key=lambda q: q["id"]) == sorted(
        selection.questions, key=lambda q: q["id"]
    )


def test_moodle_xml_and_gift_essays_import_back(selection):
    moodle = IMPORTERS["moodle-xml"](EXPORTERS["moodle-xml"](selection).data)
    gains = next(q for q in moodle.questions if "FAW–Leapmotor" in q["stem"])
    assert (gains["type"], gains["word_limit"], gains["status"]) == ("essay", 300, "candidate")
    assert gains["rubric"].startswith("- Names what both sides gain")
    assert "*electric-vehicle technology*" in gains["answer"]
    # Our essay settings come back untouched; only the points (kept per quiz, not in the bank) are reported.
    assert [w.split(": ", 1)[1] for w in moodle.warnings] == [
        "its default mark 5 dropped (Casewise sets points per quiz)"
    ]
    gift = IMPORTERS["gift"](EXPORTERS["gift"](selection).data)
    assert [(q["type"], q.get("word_limit")) for q in gift.questions] == [("essay", None), ("essay", None)]
