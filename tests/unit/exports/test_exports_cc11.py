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
    # The manifest rules name CC 1.0 resource types, so "an assessment has exactly one file" is checked here.
    cp = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    (resource,) = manifest.getroot().findall(".//cp:resource", cp)
    assert resource.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
    assert [f.get("href") for f in resource.findall("cp:file", cp)] == [
        assessment.relative_to(assessment.parents[1]).as_posix()
    ]


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
        "q_faw-cloze-one": "cc.fib.v0p1",
        "q_faw-buyer-name": "cc.fib.v0p1",
    }
    cloze = root.find(".//q:item[@ident='q_faw-cloze-one']", NS)
    assert "_____" in cloze.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
    accepted = [v.text for v in cloze.iterfind(".//q:varequal", NS)]
    assert accepted == ["FAW", "FAW Group"]
    weights = root.find(
        ".//q:item[@ident='q_faw-partners']//q:qtimetadatafield[q:fieldlabel='cc_weighting']", NS
    )
    assert weights.findtext("q:fieldentry", namespaces=NS) == "2"


def test_skips_and_conversions_are_reported(package):
    result, _, _ = package
    assert [qid for qid, _ in result.skipped] == ["faw-cloze-two", "faw-roles"]
    assert "no matching type" in dict(result.skipped)["faw-roles"]
    converted = dict(result.converted)
    assert set(converted) == {"faw-stake-percent", "faw-price-relative", "faw-cloze-one"}
    assert "tolerance ±0.5 cannot be expressed" in converted["faw-stake-percent"]
    assert "tolerance ±0.187" in converted["faw-price-relative"]


def test_fractional_points_are_rounded_and_reported(bank):
    result = EXPORTERS["cc11"](
        ExportSelection(title="t", questions=bank[:1], points={"faw-stake-price": 1.5})
    )
    assert result.converted == [("faw-stake-price", "points 1.5 -> cc_weighting 2")]


def test_a_selection_cc_cannot_hold_at_all_is_an_error(bank):
    only_matching = [q for q in bank if q["type"] == "matching"]
    with pytest.raises(ExportError, match="Nothing to export as Common Cartridge"):
        EXPORTERS["cc11"](ExportSelection(title="t", questions=only_matching))
