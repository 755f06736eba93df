"""QTI 2.1 content package: every file validates against the official schemas; interactions per type."""

from __future__ import annotations

import pytest
from lxml import etree

from app.exports import EXPORTERS
from tests.unit.exports.conftest import unzip

NS = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1", "cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}


@pytest.fixture
def package(selection, tmp_path):
    result = EXPORTERS["qti21"](selection)
    return result, unzip(result.data, tmp_path)


def _item(files, qid: str) -> etree._Element:
    return etree.parse(str(files[f"items/q_{qid}.xml"])).getroot()


def test_every_file_validates(package, shared_validator):
    _, files = package
    assert shared_validator(files["imsmanifest.xml"], "cp11-manifest") == []
    assert shared_validator(files["test.xml"], "qti21-assessment") == []
    items = [path for name, path in files.items() if name.startswith("items/")]
    assert len(items) == 9
    for path in items:
        assert shared_validator(path, "qti21-item") == [], path.name


def test_manifest_lists_the_test_and_every_item(package):
    result, files = package
    assert result.skipped == [] and result.converted == []
    manifest = etree.parse(str(files["imsmanifest.xml"])).getroot()
    resources = manifest.findall("cp:resources/cp:resource", NS)
    assert resources[0].get("type") == "imsqti_test_xmlv2p1"
    dependencies = [d.get("identifierref") for d in resources[0].findall("cp:dependency", NS)]
    items = {r.get("identifier"): r.get("href") for r in resources[1:]}
    assert {r.get("type") for r in resources[1:]} == {"imsqti_item_xmlv2p1"}
    assert sorted(dependencies) == sorted(items)
    assert set(items.values()) == {name for name in files if name.startswith("items/")}
    test = etree.parse(str(files["test.xml"])).getroot()
    refs = test.findall(".//q:assessmentItemRef", NS)
    assert {r.get("href") for r in refs} == set(items.values())
    weights = {r.get("identifier"): r.find("q:weight", NS).get("value") for r in refs}
    assert weights["q_faw-partners"] == "2" and weights["q_faw-stake-price"] == "1"


def test_interactions_per_type(package):
    _, files = package
    expected = {
        "faw-stake-price": ("choiceInteraction", "single", "identifier"),
        "faw-partners": ("choiceInteraction", "multiple", "identifier"),
        "faw-is-state-owned": ("choiceInteraction", "single", "identifier"),
        "faw-stake-percent": ("textEntryInteraction", "single", "float"),
        "faw-buyer-name": ("textEntryInteraction", "single", "string"),
        "faw-roles": ("matchInteraction", "multiple", "directedPair"),
    }
    for qid, (interaction, cardinality, base_type) in expected.items():
        item = _item(files, qid)
        assert item.find(f".//q:itemBody//q:{interaction}", NS) is not None, qid
        declaration = item.find("q:responseDeclaration", NS)
        assert (declaration.get("cardinality"), declaration.get("baseType")) == (cardinality, base_type), qid

    mcq = _item(files, "faw-stake-price")
    choices = {c.get("identifier"): "".join(c.itertext()) for c in mcq.iterfind(".//q:simpleChoice", NS)}
    correct = mcq.findtext("q:responseDeclaration/q:correctResponse/q:value", namespaces=NS)
    assert choices[correct] == "3.74 billion yuan"
    assert mcq.find(".//q:choiceInteraction", NS).get("maxChoices") == "1"

    multi = _item(files, "faw-partners")
    mapped = {e.get("mapKey"): float(e.get("mappedValue")) for e in multi.iterfind(".//q:mapEntry", NS)}
    assert sum(v for v in mapped.values() if v > 0) == pytest.approx(1.0, abs=1e-9)
    assert sum(v for v in mapped.values() if v < 0) == pytest.approx(-1.0, abs=1e-9)

    tf = _item(files, "faw-is-state-owned")
    assert tf.findtext("q:responseDeclaration/q:correctResponse/q:value", namespaces=NS) == "false"

    numeric = _item(files, "faw-stake-percent")
    equal = numeric.find(".//q:responseProcessing//q:equal", NS)
    assert (equal.get("toleranceMode"), equal.get("tolerance")) == ("absolute", "0.5 0.5")
    relative = _item(files, "faw-price-relative").find(".//q:responseProcessing//q:equal", NS)
    assert (relative.get("toleranceMode"), relative.get("tolerance")) == ("relative", "5 5")

    roles = _item(files, "faw-roles")
    pairs = [v.text for v in roles.iterfind("q:responseDeclaration/q:correctResponse/q:value", NS)]
    assert pairs == ["L1 R1", "L2 R2", "L3 R3"]


def test_cloze_blanks_are_inline_text_entries_in_the_stem(package):
    _, files = package
    item = _item(files, "faw-cloze-two")
    paragraph = item.find("q:itemBody/q:p", NS)
    entries = paragraph.findall("q:textEntryInteraction", NS)
    assert [e.get("responseIdentifier") for e in entries] == ["RESPONSE_1", "RESPONSE_2"]
    assert paragraph.text == "FAW pays " and entries[0].tail == " for a "
    second = item.find("q:responseDeclaration[@identifier='RESPONSE_2']", NS)
    assert [e.get("mapKey") for e in second.iterfind(".//q:mapEntry", NS)] == [
        "20%",
        "20 %",
        "twenty percent",
    ]


def test_explanation_and_source_are_modal_feedback(package):
    _, files = package
    feedback = _item(files, "faw-stake-price").find("q:modalFeedback", NS)
    text = "".join(feedback.itertext())
    assert "The article gives the price as 3.74 billion yuan." in text
    assert "Source: “FAW will pay 3.74 billion yuan" in text and "FAW buys into Leapmotor" in text
    assert _item(files, "faw-cloze-one").find("q:modalFeedback", NS) is None


def test_item_resources_carry_tags_and_difficulty_as_lom(package):
    _, files = package
    manifest = etree.parse(str(files["imsmanifest.xml"])).getroot()
    ns = {**NS, "md": "http://www.imsglobal.org/xsd/imsmd_v1p2"}
    found = {}
    for resource in manifest.findall("cp:resources/cp:resource[@type='imsqti_item_xmlv2p1']", ns):
        lom = resource.find("cp:metadata/md:lom", ns)
        keywords = [
            k.findtext("md:langstring", namespaces=ns) for k in lom.findall("md:general/md:keyword", ns)
        ]
        difficulty = lom.find("md:educational/md:difficulty", ns)
        assert difficulty.findtext("md:source/md:langstring", namespaces=ns) == "LOMv1.0"
        found[resource.get("identifier")] = (
            keywords,
            difficulty.findtext("md:value/md:langstring", namespaces=ns),
        )
    assert len(found) == 9
    assert found["RES-q_faw-stake-price"] == (["price", "stake"], "easy")
    assert found["RES-q_faw-partners"] == (["parties"], "medium")
    assert {value for _, value in found.values()} == {"easy", "medium", "difficult"}
