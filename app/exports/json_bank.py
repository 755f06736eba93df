"""The Casewise JSON bank: every field and the provenance, sorted by id, so export → import → export is exact.

Shape: {"format": "casewise-bank", "version": 2, "articles": [...], "questions": [...]}; each question lists its
keys in a fixed order (id, type, status, topic, …) and the rest alphabetically. Version 2 carries the articles
the questions quote (raw text, metadata and the sentence map), so an import into an empty instance keeps every
question's provenance and exporting again gives the same bytes. Version 1 files (no articles) still import; a
file from a newer version is refused, naming both versions. Import validates every question and names the
first problem by its path, e.g. "questions[3].answer: …".
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import IO, Any

from pydantic import ValidationError

from app.exports.model import (
    ExportReport,
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
VERSION = 2
READABLE_VERSIONS = (1, 2)
ARTICLE_KEYS = ("slug", "title", "publisher", "published_on", "topics", "source_format", "content_sha256",
                "raw_text", "body", "segments")  # fmt: skip
SEGMENT_KEYS = ("sid", "paragraph", "position", "start", "end", "kind", "excluded", "reason", "text")
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


def _article(data: dict[str, Any]) -> dict[str, Any]:
    article = {key: data.get(key) for key in ARTICLE_KEYS}
    article["segments"] = [{key: s.get(key) for key in SEGMENT_KEYS} for s in data.get("segments") or []]
    return article


def dump_bank(questions: list[dict[str, Any]], articles: list[dict[str, Any]] | None = None) -> bytes:
    """The JSON document for already-validated question dicts (``model_dump(mode="json")`` form) and the
    articles they quote (only those: a selection carries what it needs)."""
    ordered = [_canonical(q) for q in sorted(questions, key=lambda q: q["id"])]
    quoted = {q["source"]["article"] for q in questions if q.get("source")}
    kept = sorted((_article(a) for a in articles or [] if a.get("slug") in quoted), key=lambda a: a["slug"])
    document = {"format": FORMAT, "version": VERSION, "articles": kept, "questions": ordered}
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


_SLOT = "\u0000casewise-slot"


def write_json(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the same document as dump_bank into `out`, one question at a time (the questions sorted by
    id, each indented as json.dumps(indent=2) places it in the list)."""
    questions = sorted(prepare(selection), key=lambda q: q.id)
    quoted = {q.source.article for q in questions if q.source}
    kept = sorted(
        (_article(a) for a in selection.article_data or [] if a.get("slug") in quoted),
        key=lambda a: a["slug"],
    )
    frame = {"format": FORMAT, "version": VERSION, "articles": kept, "questions": [_SLOT]}
    head, tail = json.dumps(frame, ensure_ascii=False, indent=2).split(json.dumps(_SLOT, ensure_ascii=False))
    out.write(head.encode("utf-8"))
    for number, question in enumerate(questions):
        text = json.dumps(_canonical(HANDLERS[question.type](question)), ensure_ascii=False, indent=2)
        out.write(((",\n    " if number else "") + text.replace("\n", "\n    ")).encode("utf-8"))
    out.write((tail + "\n").encode("utf-8"))
    return ExportReport(filename=export_filename(selection, ".json"))


def export_json(selection: ExportSelection) -> ExportResult:
    buffer = io.BytesIO()
    report = write_json(selection, buffer)
    return ExportResult(data=buffer.getvalue(), filename=report.filename, mimetype="application/json")


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
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise ImportFormatError(
            f"version: this file is version {version} of the Casewise bank format, written by a newer Casewise; "
            f"this instance reads versions {READABLE_VERSIONS[0]}–{VERSION}. Upgrade Casewise to import it"
        )
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise ImportFormatError(
            f"version: expected one of {', '.join(map(str, READABLE_VERSIONS))}, got {json.dumps(version)}"
        )
    questions = document.get("questions")
    if not isinstance(questions, list):
        raise ImportFormatError("questions: expected a list of questions")
    articles = _read_articles(document.get("articles", []))
    unknown = sorted(set(document) - {"format", "version", "questions", "articles"})
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
    return ImportResult(questions=restored, warnings=warnings, articles=articles)


def _read_articles(articles: Any) -> list[dict[str, Any]]:
    """The articles of a version 2 file, checked for the fields an import needs."""
    if not isinstance(articles, list):
        raise ImportFormatError("articles: expected a list of articles")
    read = []
    for index, item in enumerate(articles):
        where = f"articles[{index}]"
        if not isinstance(item, dict):
            raise ImportFormatError(f"{where}: expected an object, got {type(item).__name__}")
        for key in ("slug", "title", "raw_text", "body", "content_sha256"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise ImportFormatError(f"{where}.{key}: expected non-empty text")
        segments = item.get("segments")
        if not isinstance(segments, list):
            raise ImportFormatError(f"{where}.segments: expected the list of sentences")
        for number, segment in enumerate(segments):
            if not isinstance(segment, dict) or not isinstance(segment.get("sid"), str):
                raise ImportFormatError(f"{where}.segments[{number}]: expected an object with a 'sid'")
            for key in ("paragraph", "position", "start", "end"):
                if not isinstance(segment.get(key), int) or isinstance(segment.get(key), bool):
                    raise ImportFormatError(f"{where}.segments[{number}].{key}: expected a whole number")
        read.append(_article(item))
    return read
