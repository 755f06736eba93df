"""Canvas QTI 1.2 zip: read back by qti2txt (a Canvas QTI reader from PyPI), checked as Canvas reads it."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from app.exports import EXPORTERS
from tests.unit.exports.conftest import reader, unzip

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"


@pytest.fixture
def package(selection, tmp_path):
    files = unzip(EXPORTERS["qti12-canvas"](selection).data, tmp_path)
    assessment = next(
        p for n, p in files.items() if n.endswith(".xml") and "/" in n and "assessment_meta" not in n
    )
    return files, assessment


def _meta(item: etree._Element) -> dict[str, str]:
    fields = item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)
    return {
        f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS) for f in fields
    }


def test_qti2txt_reads_every_question_with_its_answers(package, tmp_path):
    processors = reader("qti2txt.processors", "--ignore-requires-python qti2txt==0.1.0")
    parsers = reader("qti2txt.parsers", "--ignore-requires-python qti2txt==0.1.0")
    _, assessment = package
    stripped = tmp_path / "stripped.xml"
    processors.NamespaceStripper().remove_namespace_from_file(assessment, stripped)
    details = parsers.XMLCanvasParser(str(stripped)).extract_question_details()

    by_text = {d["question_text"]: d for d in details}
    assert len(details) == 9

    def choice_texts(detail: dict, idents: list[str]) -> list[str]:
        return [c["text"] for c in detail["choices"] if c["ident"] in idents]

    mcq = by_text["How much will FAW pay for its **Leapmotor** stake?"]
    assert mcq["question_type"] == "multiple_choice_question"
    assert choice_texts(mcq, mcq["correct_choices"]) == ["3.74 billion yuan"]
    assert "3.74 billion yuan" in mcq["feedback_general"] and "Source:" in mcq["feedback_general"]

    multi = next(d for d in details if d["question_type"] == "multiple_answers_question")
    assert multi["points_possible"] == "2.0"
    assert choice_texts(multi, multi["correct_choices"]) == ["FAW", "Leapmotor", "Stellantis"]

    tf = by_text["FAW is a privately owned start-up."]
    assert tf["question_type"] == "true_false_question"
    assert choice_texts(tf, tf["correct_choices"]) == ["False"]

    percent = by_text["What share of Leapmotor (in %) does FAW buy?"]
    assert percent["question_type"] == "numerical_question"
    assert percent["correct_answers"] == [{"exact": 20.0, "margin": 0.5, "range": [19.5, 20.5]}]
    relative = by_text["How many billion yuan does FAW pay?"]
    assert relative["correct_answers"][0]["range"] == [3.553, 3.927]

    cloze = by_text["FAW pays [blank1] for a [blank2] stake in _Leapmotor_."]
    assert cloze["question_type"] == "fill_in_multiple_blanks_question"
    assert cloze["points_possible"] == "3.0"
    assert cloze["multiple_blanks_answers"] == {
        "blank1": ["3.74 billion yuan", "3.74bn yuan"],
        "blank2": ["20%", "20 %", "twenty percent"],
    }

    matching = by_text["Match each company with its role."]
    assert matching["question_type"] == "matching_question"
    assert sorted(matching["correct_answers"]) == [
        "FAW -> Buyer",
        "Leapmotor -> Target",
        "Stellantis -> Existing shareholder",
    ]

    short = by_text["Name the state-owned carmaker buying the stake."]
    assert short["question_type"] == "short_answer_question"
    assert short["correct_answers"] == ["FAW", "First Automobile Works"]


def test_package_has_the_layout_canvas_imports(package):
    files, assessment = package
    ident = assessment.parent.name
    banks = sorted(n for n in files if n.startswith("non_cc_assessments/"))
    assert len(banks) == 3  # one per topic of the fixture bank
    assert sorted(files) == sorted(
        ["imsmanifest.xml", f"{ident}/{ident}.xml", f"{ident}/assessment_meta.xml", *banks]
    )
    manifest = etree.parse(files["imsmanifest.xml"]).getroot()
    cp = {"cp": manifest.nsmap[None]}
    resources = manifest.findall("cp:resources/cp:resource", cp)
    app_resource = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
    listed = [(r.get("identifier"), r.get("type")) for r in resources]
    assert listed[:2] == [(ident, "imsqti_xmlv1p2"), (f"{ident}_meta", app_resource)]
    assert sorted(listed[2:]) == [
        (name.split("/")[1].removesuffix(".xml.qti"), app_resource) for name in banks
    ]
    assert resources[0].find("cp:file", cp).get("href") == f"{ident}/{ident}.xml"
    meta = etree.parse(files[f"{ident}/assessment_meta.xml"]).getroot()
    assert meta.tag == f"{{{CANVAS_NS}}}quiz" and meta.get("identifier") == ident
    assert meta.findtext(f"{{{CANVAS_NS}}}title") == "FAW & Leapmotor: every type"
    assert meta.findtext(f"{{{CANVAS_NS}}}points_possible") == "12.0"


def test_items_carry_what_canvas_reads(package):
    _, assessment = package
    items = etree.parse(assessment).getroot().findall(".//q:item", NS)
    types = {item.get("ident"): _meta(item)["question_type"] for item in items}
    assert types == {
        "q_faw-stake-price": "multiple_choice_question",
        "q_faw-partners": "multiple_answers_question",
        "q_faw-is-state-owned": "true_false_question",
        "q_faw-stake-percent": "numerical_question",
        "q_faw-price-relative": "numerical_question",
        "q_faw-cloze-two": "fill_in_multiple_blanks_question",
        "q_faw-cloze-one": "fill_in_multiple_blanks_question",
        "q_faw-roles": "matching_question",
        "q_faw-buyer-name": "short_answer_question",
    }
    for item in items:
        meta = _meta(item)
        assert float(meta["points_possible"]) > 0
        setvars = item.findall("q:resprocessing/q:respcondition/q:setvar", NS)
        assert setvars, item.get("ident")
        respidents = {v.get("respident") for v in item.iterfind(".//q:conditionvar//*[@respident]", NS)}
        responses = {r.get("ident") for r in item.iterfind("q:presentation/*", NS) if r.get("ident")}
        assert respidents <= responses, item.get("ident")
        kind = meta["question_type"]
        if kind in ("matching_question", "fill_in_multiple_blanks_question"):
            assert {s.get("action") for s in setvars} == {"Add"}
            assert sum(float(s.text) for s in setvars) == pytest.approx(100, abs=0.02)
        else:
            assert [(s.get("action"), s.text) for s in setvars] == [("Set", "100")]
        labels = {label.get("ident") for label in item.iterfind(".//q:response_label", NS)}
        answer_ids = set(meta["original_answer_ids"].split(","))
        if kind == "matching_question":
            # Canvas answers of a matching question are its left items, one response_lid each.
            assert {f"response_{a}" for a in answer_ids} == responses
        elif kind not in ("numerical_question", "short_answer_question"):
            assert answer_ids <= labels
    fimb = next(i for i in items if i.get("ident") == "q_faw-cloze-two")
    stem = fimb.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
    assert "[blank1]" in stem and "[blank2]" in stem


def test_items_the_cc_profile_covers_validate_against_its_schema(package, shared_validator, tmp_path):
    """Canvas's QTI is not the CC profile, but mcq/multi/tf/short items have the same structure."""
    _, assessment = package
    tree = copy.deepcopy(etree.parse(assessment))
    covered = {
        "multiple_choice_question",
        "multiple_answers_question",
        "true_false_question",
        "short_answer_question",
    }
    for item in tree.getroot().findall(".//q:item", NS):
        if _meta(item)["question_type"] not in covered:
            item.getparent().remove(item)
        else:
            # The CC profile allows only its own item metadata labels; Canvas's are an extension.
            item.remove(item.find("q:itemmetadata", NS))
    assert len(tree.getroot().findall(".//q:item", NS)) == 4
    subset = tmp_path / "cc-subset.xml"
    tree.write(str(subset), xml_declaration=True, encoding="UTF-8")
    assert shared_validator(subset, "cc11-qti") == []


def test_each_topic_is_a_question_bank_the_quiz_items_point_into(selection, tmp_path, shared_validator):
    """Canvas's own course export shape: objectbank files beside the quiz, titled by bank_title."""
    processors = reader("qti2txt.processors", "--ignore-requires-python qti2txt==0.1.0")
    parsers = reader("qti2txt.parsers", "--ignore-requires-python qti2txt==0.1.0")
    files = unzip(EXPORTERS["qti12-canvas"](selection).data, tmp_path)
    manifest = etree.parse(str(files["imsmanifest.xml"])).getroot()
    cp = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    listed = {r.get("href") for r in manifest.iterfind("cp:resources/cp:resource", cp)}
    bank_files = sorted(n for n in files if n.startswith("non_cc_assessments/"))
    assert bank_files and set(bank_files) <= listed

    quiz = next(p for n, p in files.items() if n.endswith(".xml") and "/" in n and "meta" not in n)
    quiz_items = etree.parse(str(quiz)).getroot().findall(".//q:item", NS)
    wanted = {_meta(i)["assessment_question_identifierref"]: _meta(i) for i in quiz_items}
    topics = {q["id"]: q["topic"] for q in selection.questions}
    banked, titles = {}, set()
    for name in bank_files:
        root = etree.parse(str(files[name])).getroot()
        (bank,) = root.findall("q:objectbank", NS)
        title = bank.findtext(
            "q:qtimetadata/q:qtimetadatafield[q:fieldlabel='bank_title']/q:fieldentry", namespaces=NS
        )
        titles.add(title)
        items = bank.findall("q:item", NS)
        assert {topics[i.get("title")] for i in items} == {title.removeprefix(f"{selection.title}: ")}
        for item in items:
            banked[item.get("ident")] = _meta(item)
        stripped = tmp_path / "bank-stripped.xml"
        processors.NamespaceStripper().remove_namespace_from_file(files[name], stripped)
        details = parsers.XMLCanvasParser(str(stripped)).extract_question_details()
        assert len(details) == len(items)
        assert all(
            d.get("correct_answers")
            or d.get("correct_choices")
            or d.get("multiple_blanks_answers")
            or d["question_type"] == "essay_question"
            for d in details
        )
    assert titles == {f"{selection.title}: {topic}" for topic in set(topics.values())}
    # The objectbank and the items the CC profile covers validate against its schema, as in the quiz.
    covered = {
        "multiple_choice_question",
        "multiple_answers_question",
        "true_false_question",
        "short_answer_question",
    }
    checked = 0
    for name in bank_files:
        tree = copy.deepcopy(etree.parse(str(files[name])))
        for item in tree.getroot().findall(".//q:item", NS):
            if _meta(item)["question_type"] not in covered:
                item.getparent().remove(item)
            else:
                item.remove(item.find("q:itemmetadata", NS))
                checked += 1
        if tree.getroot().find(".//q:item", NS) is not None:
            subset = tmp_path / "bank-subset.xml"
            tree.write(str(subset), xml_declaration=True, encoding="UTF-8")
            assert shared_validator(subset, "cc11-qti") == [], name
    assert checked == 4
    assert banked.keys() == wanted.keys()
    for ident, meta in wanted.items():  # same type, points and answer ids in the bank as in the quiz
        assert banked[ident] == meta
