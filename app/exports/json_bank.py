"""The Casewise JSON bank: every field and the provenance, sorted by id, so export → import → export is exact.

Shape: {"format": "casewise-bank", "version": 1, "questions": [...]}; each question lists its keys in a fixed
order (id, type, status, topic, …) and the rest alphabetically. Import validates every question and names
the first problem by its path, e.g. "questions[3].answer: …".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from app.exports.model import (
    ExportResult,
    ExportSelection,
    ImportFormatError,
    ImportResult,
    describe_validation_error,
    export_filename,
    prepare,
    unwrap_zip,
)
from app.inputs import InputError, loads_json
from app.qtypes.schema import Question, parse_question

FORMAT = "casewise-bank"
VERSION = 1
KEY_ORDER = ("id", "type", "status", "topic", "difficulty", "tags", "stem", "options", "answer", "fuzzy",
             "word_limit", "rubric", "explanation", "source")  # fmt: skip
SOURCE_ORDER = ("article", "sentence_id", "quote", "start", "end", "also")


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    first = [key for key in order if key in data]
    return {key: data[key] for key in [*first, *sorted(set(data) - set(first))]}


def _canonical(question: dict[str, Any]) -> dict[str, Any]:
    data = _ordered(question, KEY_ORDER)
    if isinstance(data.get("source"), dict):
        data["source"] = _ordered(data["source"], SOURCE_ORDER)
    return data


def dump_bank(questions: list[dict[str, Any]]) -> bytes:
    """The JSON document for already-validated question dicts (``model_dump(mode="json")`` form)."""
    ordered = [_canonical(q) for q in sorted(questions, key=lambda q: q["id"])]
    document = {"format": FORMAT, "version": VERSION, "questions": ordered}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _fields(question: Question) -> dict[str, Any]:
    """Every field of the question as the schema dumps it: JSON carries every type whole."""
    return question.model_dump(mode="json")


# One handler per registered type (all the schema's own dump: nothing is converted); the handlers test
# fails when a registered type is missing here.
HANDLERS: dict[str, Callable[[Question], dict[str, Any]]] = {
    "mcq": _fields,
    "multi": _fields,
    "tf": _fields,
    "numeric": _fields,
    "cloze": _fields,
    "matching": _fields,
    "short": _fields,
    "essay": _fields,
}


def export_json(selection: ExportSelection) -> ExportResult:
    questions = [HANDLERS[q.type](q) for q in prepare(selection)]
    return ExportResult(
        data=dump_bank(questions),
        filename=export_filename(selection, ".json"),
        mimetype="application/json",
    )


def import_json(data: bytes) -> ImportResult:
    """Restore a bank written by ``export_json``: the same questions, statuses and provenance."""
    data = unwrap_zip(data, "JSON", (".json",))
    try:
        document = loads_json(data.decode("utf-8-sig"))
    except InputError as exc:
        raise ImportFormatError(f"not accepted JSON: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"JSON file is not UTF-8 text (byte {exc.start}: {exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if not isinstance(document, dict):
        raise ImportFormatError(
            f'expected a JSON object with "format": "{FORMAT}", got a {type(document).__name__}'
        )
    if document.get("format") != FORMAT:
        raise ImportFormatError(
            f'format: expected "{FORMAT}", got {json.dumps(document.get("format"))}; '
            "this is not a Casewise bank export"
        )
    if document.get("version") != VERSION:
        raise ImportFormatError(f"version: expected {VERSION}, got {json.dumps(document.get('version'))}")
    questions = document.get("questions")
    if not isinstance(questions, list):
        raise ImportFormatError("questions: expected a list of questions")
    unknown = sorted(set(document) - {"format", "version", "questions"})
    warnings = [f"ignored unknown top-level key '{key}'" for key in unknown]
    restored: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(questions):
        if not isinstance(item, dict):
            raise ImportFormatError(f"questions[{index}]: expected an object, got {type(item).__name__}")
        try:
            question = parse_question(item)
        except ValidationError as exc:
            raise ImportFormatError(describe_validation_error(exc, prefix=f"questions[{index}]")) from exc
        if question.id in seen:
            raise ImportFormatError(
                f"questions[{index}].id: '{question.id}' repeats questions[{seen[question.id]}]; ids must be unique"
            )
        seen[question.id] = index
        restored.append(question.model_dump(mode="json"))
    return ImportResult(questions=restored, warnings=warnings)
