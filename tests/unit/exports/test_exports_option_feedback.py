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


QTI12 = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


def _response_feedback(item) -> dict[str, str]:
    """What a QTI 1.2 reader shows per answer: respcondition varequal -> displayfeedback -> itemfeedback."""
    shown = {}
    for condition in item.iterfind(".//q:respcondition", QTI12):
        link = condition.find("q:displayfeedback", QTI12)
        value = condition.findtext("q:conditionvar/q:varequal", namespaces=QTI12)
        if link is None or value is None:
            continue
        block = item.find(f"q:itemfeedback[@ident='{link.get('linkrefid')}']", QTI12)
        shown[value] = block.findtext(".//q:mattext", namespaces=QTI12)
    return shown


def _labels(item) -> dict[str, str]:
    return {
        label.get("ident"): label.findtext(".//q:mattext", namespaces=QTI12)
        for label in item.iterfind(".//q:response_label", QTI12)
    }


def test_canvas_itemfeedback_per_response_and_qti2txt_still_reads_the_key(questions, tmp_path):
    from lxml import etree

    from tests.unit.exports.conftest import unzip

    files = unzip(EXPORTERS["qti12-canvas"](_selection(questions)).data, tmp_path)
    assessment = next(
        p
        for n, p in files.items()
        if n.endswith(".xml") and "assessment_meta" not in n and "imsmanifest" not in n
    )
    root = etree.parse(str(assessment)).getroot()
    price = root.find(".//q:item[@ident='q_fb-price']", QTI12)
    labels = _labels(price)
    shown = {labels[ident]: text for ident, text in _response_feedback(price).items()}
    assert shown == {
        "3.74 billion yuan": "<p>Right: the price in the <em>first</em> paragraph.</p>",
        "1.5 billion yuan": "<p>That is Stellantis's 2023 payment, not FAW's; # and ~ kept.</p>",
    }
    state = root.find(".//q:item[@ident='q_fb-state']", QTI12)
    labels = _labels(state)
    assert {labels[i]: t for i, t in _response_feedback(state).items()}[
        "True"
    ] == "<p>No: FAW is state-owned.</p>"
    buyer = root.find(".//q:item[@ident='q_fb-buyer']", QTI12)
    assert _response_feedback(buyer) == {"First Automobile Works": "<p>The full name; FAW for short.</p>"}

    processors = reader("qti2txt.processors", "--ignore-requires-python qti2txt==0.1.0")
    parsers = reader("qti2txt.parsers", "--ignore-requires-python qti2txt==0.1.0")
    stripped = tmp_path / "stripped.xml"
    processors.NamespaceStripper().remove_namespace_from_file(assessment, stripped)
    details = {
        d["question_text"]: d for d in parsers.XMLCanvasParser(str(stripped)).extract_question_details()
    }
    mcq = details["How much will FAW pay for its stake?"]
    assert [c["text"] for c in mcq["choices"] if c["ident"] in mcq["correct_choices"]] == [
        "3.74 billion yuan"
    ]


def test_common_cartridge_carries_choice_feedback_and_stays_valid(questions, tmp_path, shared_validator):
    from lxml import etree

    from tests.unit.exports.conftest import unzip
    from tests.unit.exports.test_exports_cc11 import schematron_failures

    files = unzip(EXPORTERS["cc11"](_selection(questions)).data, tmp_path)
    assessment = next(p for n, p in files.items() if n.endswith("/assessment.xml"))
    assert shared_validator(assessment, "cc11-qti") == []
    assert schematron_failures("ccv1p1_qtiasiv1p2p1_v1p0.xsd", etree.parse(str(assessment))) == []
    root = etree.parse(str(assessment)).getroot()
    partners = root.find(".//q:item[@ident='q_fb-partners']", QTI12)
    labels = _labels(partners)
    assert {labels[i]: t for i, t in _response_feedback(partners).items()} == {
        "Tesla": "<p>Tesla is a competitor named for comparison.</p>"
    }
    # A short answer is a fill-in: the typed text is compared, as its scoring compares it (case="No").
    buyer = root.find(".//q:item[@ident='q_fb-buyer']", QTI12)
    assert _response_feedback(buyer) == {"First Automobile Works": "<p>The full name; FAW for short.</p>"}
    assert {v.get("case") for v in buyer.iterfind(".//q:varequal", QTI12)} == {"No"}


def test_canvas_matching_pair_weights_add_up_to_exactly_100(tmp_path):
    from lxml import etree

    from tests.unit.exports.conftest import SAMPLE_BANK, unzip

    matching = canonical(next(q for q in SAMPLE_BANK if q["type"] == "matching"))
    files = unzip(EXPORTERS["qti12-canvas"](_selection([matching])).data, tmp_path)
    assessment = next(
        p
        for n, p in files.items()
        if n.endswith(".xml") and "assessment_meta" not in n and "imsmanifest" not in n
    )
    scores = [s.text for s in etree.parse(str(assessment)).iterfind(".//q:setvar[@action='Add']", QTI12)]
    assert scores == ["33.34", "33.33", "33.33"]


def test_anki_back_lists_the_per_option_feedback(questions, tmp_path):
    anki_collection = reader("anki.collection", "anki==26.9.3")
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        path = tmp_path / "deck.apkg"
        path.write_bytes(EXPORTERS["apkg"](_selection(questions)).data)
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        )
        backs = {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            backs[note.fields[0].split("</p>")[0]] = note.cards()[0].answer()
        price = backs["<p>How much will FAW pay for its stake?"]
        assert (
            "<strong>1.5 billion yuan</strong>: That is Stellantis's 2023 payment, not FAW's; # and ~ kept."
            in price
        )
        assert (
            "<strong>True</strong>: No: FAW is state-owned." in backs["<p>FAW is a privately owned start-up."]
        )
    finally:
        col.close()


def test_qti21_modal_feedback_per_choice_validates(questions, tmp_path, shared_validator):
    from lxml import etree

    from tests.unit.exports.conftest import unzip

    files = unzip(EXPORTERS["qti21"](_selection(questions)).data, tmp_path)
    ns = {"i": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
    item_path = next(p for n, p in files.items() if n.endswith("q_fb-partners.xml"))
    assert shared_validator(item_path, "qti21-item") == []
    item = etree.parse(str(item_path)).getroot()
    assert (
        item.find("i:outcomeDeclaration[@identifier='OPTION_FEEDBACK']", ns).get("cardinality") == "multiple"
    )
    assert (
        item.find("i:responseProcessing/i:setOutcomeValue[@identifier='OPTION_FEEDBACK']/i:variable", ns)
        is not None
    )
    (modal,) = item.findall("i:modalFeedback[@outcomeIdentifier='OPTION_FEEDBACK']", ns)
    choices = {c.get("identifier"): "".join(c.itertext()) for c in item.iterfind(".//i:simpleChoice", ns)}
    assert choices[modal.get("identifier")] == "Tesla"
    assert "Tesla is a competitor" in "".join(modal.itertext())
    state_path = next(p for n, p in files.items() if n.endswith("q_fb-state.xml"))
    assert shared_validator(state_path, "qti21-item") == []
    # A short answer's typed text is no identifier: a condition matching it (as the mapping scores it,
    # case-insensitive) sets the identifier of its modalFeedback.
    buyer_path = next(p for n, p in files.items() if n.endswith("q_fb-buyer.xml"))
    assert shared_validator(buyer_path, "qti21-item") == []
    buyer = etree.parse(str(buyer_path)).getroot()
    (branch,) = buyer.iterfind("i:responseProcessing/i:responseCondition/i:responseIf", ns)
    match = branch.find("i:stringMatch", ns)
    assert (match.get("caseSensitive"), match.findtext("i:baseValue", namespaces=ns)) == (
        "false",
        "First Automobile Works",
    )
    shown = branch.findtext("i:setOutcomeValue[@identifier='OPTION_FEEDBACK']/i:baseValue", namespaces=ns)
    (modal,) = buyer.findall("i:modalFeedback[@outcomeIdentifier='OPTION_FEEDBACK']", ns)
    assert modal.get("identifier") == shown == "A2"
    assert "The full name; FAW for short." in "".join(modal.itertext())


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_difficulty_survives_gift_and_moodle_xml_as_a_tag(fmt, bank):
    levels = {q["stem"]: q["difficulty"] for q in bank}
    assert set(levels.values()) == {"easy", "medium", "hard"}
    restored = IMPORTERS[fmt](EXPORTERS[fmt](_selection(bank)).data).questions
    from app.exports.answers import strip_unit_hint

    for question in restored:
        assert not any(tag.startswith("difficulty-") for tag in question["tags"])
    by_stem = {q["stem"]: q["difficulty"] for q in restored}
    for stem, level in levels.items():
        if stem in by_stem:
            assert by_stem[stem] == level, stem
    assert sum(1 for stem in levels if stem in by_stem or strip_unit_hint(stem)[0] in by_stem) >= 6


def test_the_yaml_bank_keeps_it(questions, tmp_path):
    from app.bank.yamlio import dump_bank, load_bank_dir

    dump_bank(questions, tmp_path)
    loaded, errors = load_bank_dir(tmp_path)
    assert errors == []
    assert {q["id"]: q.get("feedback") for q in loaded} == {q["id"]: q["feedback"] for q in questions}
