"""The Casewise JSON bank: exact round trip, stable order, and clear errors for files of another shape."""

from __future__ import annotations

import json

import pytest

from app.exports import EXPORTERS, IMPORTERS, ExportSelection, ImportFormatError


def test_export_import_export_is_byte_identical(selection):
    first = EXPORTERS["json"](selection).data
    restored = IMPORTERS["json"](first)
    again = EXPORTERS["json"](ExportSelection(title="anything", questions=restored.questions)).data
    assert again == first
    assert restored.warnings == []


def test_import_restores_every_field_and_provenance(bank):
    data = EXPORTERS["json"](ExportSelection(title="t", questions=bank)).data
    restored = {q["id"]: q for q in IMPORTERS["json"](data).questions}
    for original in bank:
        assert restored[original["id"]] == original
    assert restored["faw-buyer-name"]["status"] == "candidate"
    assert restored["faw-stake-price"]["source"]["also"] == ["s13"]


def test_questions_are_sorted_by_id_with_a_fixed_key_order(bank):
    document = json.loads(EXPORTERS["json"](ExportSelection(title="t", questions=bank[::-1])).data)
    assert list(document) == ["format", "version", "articles", "questions"]
    assert document["format"] == "casewise-bank" and document["version"] == 2
    ids = [q["id"] for q in document["questions"]]
    assert ids == sorted(ids)
    mcq = next(q for q in document["questions"] if q["type"] == "mcq")
    assert list(mcq)[:8] == ["id", "type", "status", "topic", "difficulty", "tags", "stem", "options"]
    assert list(mcq["source"]) == ["article", "sentence_id", "quote", "start", "end", "also"]


def _bank_with(questions: list) -> bytes:
    return json.dumps({"format": "casewise-bank", "version": 1, "questions": questions}).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[1, 2]", 'expected a JSON object with "format": "casewise-bank", got a list'),
        (b'{"questions": []}', 'format: expected "casewise-bank", got null'),
        (b'{"format": "anki", "questions": []}', 'format: expected "casewise-bank", got "anki"'),
        (
            b'{"format": "casewise-bank", "version": 3, "questions": []}',
            "version: this file is version 3 of the Casewise bank format, written by a newer Casewise; "
            "this instance reads versions 1–2",
        ),
        (
            b'{"format": "casewise-bank", "version": "2", "questions": []}',
            'version: expected one of 1, 2, got "2"',
        ),
        (
            b'{"format": "casewise-bank", "version": 2, "articles": [{"slug": "x"}], "questions": []}',
            "articles[0].title: expected non-empty text",
        ),
        (b'{"format": "casewise-bank", "version": 1, "questions": {}}', "questions: expected a list"),
        (
            b'{"format": "casewise-bank", "version": 1, "questions": [',
            "not valid JSON: Expecting value at line 1",
        ),
        (b"\xff\xfe{}", "JSON file is not UTF-8 text (byte 0"),
        (_bank_with(["x"]), "questions[0]: expected an object, got str"),
    ],
)
def test_other_shapes_are_rejected_with_the_problem_named(data, message):
    with pytest.raises(ImportFormatError) as info:
        IMPORTERS["json"](data)
    assert message in str(info.value)


def test_a_bad_question_is_named_by_its_path(bank):
    broken = [*bank[:3], dict(bank[3], answer={"value": "twenty"})]
    with pytest.raises(
        ImportFormatError, match=r"^questions\[3\]\.answer\.value: Input should be a valid number"
    ):
        IMPORTERS["json"](_bank_with(broken))
    wrong_option = [dict(bank[0], answer="9 billion yuan")]
    with pytest.raises(
        ImportFormatError, match=r"^questions\[0\]: Value error, answer '9 billion yuan' is not one"
    ):
        IMPORTERS["json"](_bank_with(wrong_option))


def test_repeated_ids_are_rejected(bank):
    with pytest.raises(
        ImportFormatError, match=r"questions\[2\]\.id: 'faw-stake-price' repeats questions\[0\]"
    ):
        IMPORTERS["json"](_bank_with([bank[0], bank[1], bank[0]]))


def test_unknown_top_level_keys_are_reported_not_fatal(bank):
    document = {"format": "casewise-bank", "version": 1, "questions": bank[:1], "exported_by": "x"}
    result = IMPORTERS["json"](json.dumps(document).encode())
    assert result.warnings == ["ignored unknown top-level key 'exported_by'"]
    assert len(result.questions) == 1
