"""Common Cartridge 1.1: the official XSDs (tests/fixtures/schemas/validate.py) and the Schematron rules they embed."""

from __future__ import annotations

import pytest
from lxml import etree, isoschematron

from app.exports import EXPORTERS, ExportError, ExportSelection
from tests.unit.exports.conftest import FORMATS_DIR, unzip

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@pytest.fixture
def package(selection, tmp_path):
    result = EXPORTERS["cc11"](selection)
    files = unzip(result.data, tmp_path)
    assessment = next(path for name, path in files.items() if name.endswith("/assessment.xml"))
    return result, files, assessment


def schematron_failures(schema: str, document: etree._ElementTree) -> list[str]:
    """Run the ISO Schematron embedded in a CC 1.1 XSD (the rules the XSD itself does not enforce)."""
    rules = isoschematron.Schematron(
        etree.parse(str(FORMATS_DIR / "cc11" / schema)), store_report=True, validate_schema=False
    )
    rules.validate(document)
    report = rules.validation_report
    return [
        " ".join(t.split())
        for t in report.getroot().xpath("//svrl:failed-assert/svrl:text/text()", namespaces=SVRL)
    ]


def test_manifest_and_assessment_validate_against_the_cc11_schemas(package, shared_validator):
    _, files, assessment = package
    assert shared_validator(files["imsmanifest.xml"], "cc11-manifest") == []
    assert shared_validator(assessment, "cc11-qti") == []
    assert shared_validator(assessment, "cc11-qti", engine="lxml") == []


def test_schematron_rules_of_the_cc_profile_hold(package, shared_validator):
    _, files, assessment = package
    assert schematron_failures("ccv1p1_qtiasiv1p2p1_v1p0.xsd", etree.parse(str(assessment))) == []
    manifest = etree.parse(str(files["imsmanifest.xml"]))
    assert schematron_failures("ccv1p1_imscp_v1p2_v1p0.xsd", manifest) == []
    # The manifest rules name CC 1.0 resource types, so "an assessment has exactly one file" and "at most one
    # question bank, with its file" (RULE 4a, 4b) are checked here.
    cp = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    resource, bank = manifest.getroot().findall(".//cp:resource", cp)
    assert resource.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
    assert [f.get("href") for f in resource.findall("cp:file", cp)] == [
        assessment.relative_to(assessment.parents[1]).as_posix()
    ]
    assert bank.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank"
    (bank_file,) = bank.findall("cp:file", cp)
    assert bank_file.get("href") in files


def test_the_question_bank_holds_every_item_and_validates(package, shared_validator, selection):
    _, files, assessment = package
    bank_path = next(path for name, path in files.items() if name.endswith("/question_bank.xml"))
    assert shared_validator(bank_path, "cc11-qti") == []
    assert shared_validator(bank_path, "cc11-qti", engine="lxml") == []
    assert schematron_failures("ccv1p1_qtiasiv1p2p1_v1p0.xsd", etree.parse(str(bank_path))) == []
    bank = etree.parse(str(bank_path)).getroot()
    (objectbank,) = bank.findall("q:objectbank", NS)
    title = objectbank.findtext(
        "q:qtimetadata/q:qtimetadatafield[q:fieldlabel='bank_title']/q:fieldentry", namespaces=NS
    )
    topics = list(dict.fromkeys(q["topic"] for q in selection.questions))
    assert title == f"{selection.title}: {', '.join(topics)}"
    quiz_items = etree.parse(str(assessment)).getroot().findall(".//q:item", NS)
    bank_items = objectbank.findall("q:item", NS)

    def flat(item: etree._Element) -> bytes:
        return etree.tostring(etree.fromstring(etree.tostring(item), etree.XMLParser(remove_blank_text=True)))

    assert len(bank_items) == len(quiz_items) > 9  # split questions are split the same way
    assert [flat(i) for i in bank_items] == [flat(i) for i in quiz_items]


def test_schematron_check_catches_a_two_choice_multiple_choice(package, shared_validator):
    """The rule the XSD misses: single-answer multiple choice needs at least three choices."""
    _, _, assessment = package
    tree = etree.parse(str(assessment))
    mcq = tree.find(".//q:item[@ident='q_faw-stake-price']", NS)
    labels = mcq.findall(".//q:response_label", NS)
    for label in labels[2:]:
        label.getparent().remove(label)
    failures = schematron_failures("ccv1p1_qtiasiv1p2p1_v1p0.xsd", tree)
    assert any("[RULE 4d]" in failure for failure in failures)


def test_every_item_follows_the_profile_rules(package, shared_validator):
    _, _, assessment = package
    root = etree.parse(str(assessment)).getroot()
    meta = {
        f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
        for f in root.iterfind("q:assessment/q:qtimetadata/q:qtimetadatafield", NS)
    }
    assert meta == {
        "cc_profile": "cc.exam.v0p1",
        "qmd_assessmenttype": "Examination",
        "qmd_scoretype": "Percentage",
        "cc_maxattempts": "1",
    }
    profiles = {}
    for item in root.iterfind(".//q:item", NS):
        fields = {
            f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
            for f in item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)
        }
        profiles[item.get("ident")] = fields["cc_profile"]
        assert fields["qmd_computerscored"] == "Yes"
        assert 1 <= int(fields["cc_weighting"]) <= 99
        labels = item.findall("q:presentation/q:response_lid/q:render_choice/q:response_label", NS)
        if fields["cc_profile"] == "cc.multiple_choice.v0p1":
            assert len(labels) >= 3
        if fields["cc_profile"] == "cc.true_false.v0p1":
            assert len(labels) == 2
    assert profiles == {
        "q_faw-stake-price": "cc.multiple_choice.v0p1",
        "q_faw-partners": "cc.multiple_response.v0p1",
        "q_faw-is-state-owned": "cc.true_false.v0p1",
        "q_faw-stake-percent": "cc.fib.v0p1",
        "q_faw-price-relative": "cc.fib.v0p1",
        "q_faw-cloze-two-b1": "cc.fib.v0p1",
        "q_faw-cloze-two-b2": "cc.fib.v0p1",
        "q_faw-cloze-one": "cc.fib.v0p1",
        "q_faw-roles-m1": "cc.multiple_choice.v0p1",
        "q_faw-roles-m2": "cc.multiple_choice.v0p1",
        "q_faw-roles-m3": "cc.multiple_choice.v0p1",
        "q_faw-buyer-name": "cc.fib.v0p1",
    }
    cloze = root.find(".//q:item[@ident='q_faw-cloze-one']", NS)
    assert "_____" in cloze.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
    assert accepted(root, "q_faw-cloze-one") == ["FAW", "FAW Group"]


def item(root, ident):
    return root.find(f".//q:item[@ident='{ident}']", NS)


def accepted(root, ident) -> list[str]:
    return [v.text for v in item(root, ident).iterfind(".//q:resprocessing//q:varequal", NS)]


def weight(root, ident) -> int:
    field = item(root, ident).find(".//q:qtimetadatafield[q:fieldlabel='cc_weighting']", NS)
    return int(field.findtext("q:fieldentry", namespaces=NS))


def grade(root, ident, answer: str) -> bool:
    """How a CC reader scores a typed answer: any varequal matches, case-insensitively."""
    return answer.casefold() in {text.casefold() for text in accepted(root, ident)}


def test_numeric_tolerance_becomes_the_set_of_accepted_values(package):
    result, _, assessment = package
    root = etree.parse(str(assessment)).getroot()
    # 20 ± 0.5: every tenth from 19.5 to 20.5, the exact answer first.
    assert accepted(root, "q_faw-stake-percent") == ["20"] + [
        f"{x / 10:g}" for x in range(195, 206) if x != 200
    ]
    assert grade(root, "q_faw-stake-percent", "19.7") and not grade(root, "q_faw-stake-percent", "20.6")
    # 3.74 ± 5 % (± 0.187): hundredths from 3.56 to 3.92.
    values = accepted(root, "q_faw-price-relative")
    assert len(values) == 37 and min(values, key=float) == "3.56" and max(values, key=float) == "3.92"
    assert grade(root, "q_faw-price-relative", "3.9") and not grade(root, "q_faw-price-relative", "3.93")
    converted = dict(reversed(result.converted))  # the first reason per question
    assert "accepting 11 values from 19.5 to 20.5 in steps of 0.1" in converted["faw-stake-percent"]


def test_a_multi_blank_cloze_becomes_one_fill_in_per_blank_with_the_source(package):
    _, _, assessment = package
    root = etree.parse(str(assessment)).getroot()
    assert accepted(root, "q_faw-cloze-two-b1") == ["3.74 billion yuan", "3.74bn yuan"]
    assert accepted(root, "q_faw-cloze-two-b2") == ["20%", "20 %", "twenty percent"]
    for number in (1, 2):
        part = item(root, f"q_faw-cloze-two-b{number}")
        stem = part.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
        assert f"Fill in blank ({number}) of 2" in stem and "3.74" not in stem and "{{" not in stem
        feedback = part.findtext("q:itemfeedback/q:flow_mat/q:material/q:mattext", namespaces=NS)
        assert "Source:" in feedback and "FAW buys into Leapmotor" in feedback


def test_matching_becomes_one_multiple_choice_per_left_item(package):
    _, _, assessment = package
    root = etree.parse(str(assessment)).getroot()
    for number, (left, right) in enumerate(
        [("FAW", "Buyer"), ("Leapmotor", "Target"), ("Stellantis", "Existing shareholder")], start=1
    ):
        part = item(root, f"q_faw-roles-m{number}")
        assert left in part.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
        labels = {
            label.get("ident"): label.findtext(".//q:mattext", namespaces=NS)
            for label in part.iterfind(".//q:response_label", NS)
        }
        assert sorted(labels.values()) == ["Buyer", "Existing shareholder", "Target"]
        (key,) = accepted(root, f"q_faw-roles-m{number}")
        assert labels[key] == right


def test_two_pair_matching_becomes_fill_ins_naming_the_choices(bank, shared_validator, tmp_path):
    two = dict(next(q for q in bank if q["type"] == "matching"))
    two["answer"] = two["answer"][:2]
    result = EXPORTERS["cc11"](ExportSelection(title="t", questions=[two]))
    files = unzip(result.data, tmp_path)
    assessment = next(path for name, path in files.items() if name.endswith("/assessment.xml"))
    assert shared_validator(assessment, "cc11-qti") == []
    root = etree.parse(str(assessment)).getroot()
    assert accepted(root, "q_faw-roles-m2") == ["Target"]
    stem = item(root, "q_faw-roles-m2").findtext(".//q:mattext", namespaces=NS)
    assert "“Buyer” or “Target”" in stem


def test_weights_are_whole_and_split_questions_add_up_to_their_points(package):
    """Points 1, partners 2, two-blank cloze 3, three-pair matching 1: one factor (6) makes all whole."""
    result, _, assessment = package
    root = etree.parse(str(assessment)).getroot()
    assert weight(root, "q_faw-stake-price") == 6
    assert weight(root, "q_faw-partners") == 12
    assert [weight(root, f"q_faw-cloze-two-b{n}") for n in (1, 2)] == [9, 9]
    assert [weight(root, f"q_faw-roles-m{n}") for n in (1, 2, 3)] == [2, 2, 2]
    assert result.lost == []


def test_every_question_is_exported_and_each_conversion_reported(package):
    result, _, _ = package
    assert result.skipped == []
    converted = {}
    for qid, reason in result.converted:
        converted.setdefault(qid, []).append(reason)
    assert "matching with 3 pairs -> 3 multiple-choice items" in converted["faw-roles"][0]
    assert "cloze with 2 blanks -> 2 fill-in-the-blank items" in converted["faw-cloze-two"][0]
    assert "tolerance" not in " ".join(converted["faw-cloze-one"])
    assert any("every weight × 6" in reason for reason in converted["faw-partners"])


def test_fractional_points_are_made_whole_by_a_common_factor(bank):
    result = EXPORTERS["cc11"](
        ExportSelection(title="t", questions=bank[:1], points={"faw-stake-price": 1.5})
    )
    assert result.converted == [
        (
            "faw-stake-price",
            "points 1.5 -> cc_weighting 3 (every weight × 2: CC 1.1 weights are whole numbers 1–99)",
        )
    ]


WIDE = {
    "id": "wide-tolerance",
    "type": "numeric",
    "stem": "How many million yuan, to the cent?",
    "answer": {"value": 1000.25, "tolerance": 5},
    "topic": "key-figures",
}


def test_a_loss_stops_the_export_until_the_instructor_accepts_it(shared_validator, tmp_path):
    from tests.unit.exports.conftest import canonical

    wide = canonical(WIDE)
    with pytest.raises(ExportError, match="cannot hold 1 question.*wide-tolerance.*--accept-loss"):
        EXPORTERS["cc11"](ExportSelection(title="t", questions=[wide]))
    result = EXPORTERS["cc11"](ExportSelection(title="t", questions=[wide], accept_loss=True))
    ((qid, what),) = result.lost
    assert qid == "wide-tolerance" and "only multiples of 0.1 are accepted" in what
    files = unzip(result.data, tmp_path)
    assessment = next(path for name, path in files.items() if name.endswith("/assessment.xml"))
    root = etree.parse(str(assessment)).getroot()
    assert len(accepted(root, "q_wide-tolerance")) == 101


def test_points_no_factor_makes_whole_are_a_loss(bank):
    with pytest.raises(ExportError, match="rounded"):
        EXPORTERS["cc11"](ExportSelection(title="t", questions=bank[:1], points={"faw-stake-price": 0.001}))


def test_a_selection_of_only_matching_exports_too(bank):
    only_matching = [q for q in bank if q["type"] == "matching"]
    result = EXPORTERS["cc11"](ExportSelection(title="t", questions=only_matching))
    assert result.skipped == [] and [qid for qid, _ in result.converted][0] == "faw-roles"
