"""Read and write the curated bank (`questions/*.yaml`) with errors that name the file, line and field.

Pure: text and files in, plain dicts out; no Flask, no database. Layout: questions/README.md.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from app.qtypes.registry import TYPES
from app.qtypes.schema import SLUG_PATTERN, Question, QuestionBase, parse_question

FILE_KEYS = ("article", "topic", "questions")
MODELS: dict[str, type[QuestionBase]] = {name: qtype.schema for name, qtype in TYPES.items()}
ALLOWED_TYPES = ", ".join(MODELS)
FOLD_WIDTH = 92  # characters of text per line in folded scalars; keeps lines under ~100 with indentation
FOLD_AFTER = 96  # strings longer than this are written as folded block scalars
NOT_A_MAPPING = "a question must be a mapping of fields (id, type, stem, ...)"
HEADER = "Curated question bank. Schema, rules and commands: questions/README.md"

# Model-level validator messages name no field in pydantic's `loc`; these say which field they are about.
_MODEL_ERROR_FIELDS = (
    (re.compile(r"^stem blanks"), "stem"),
    (re.compile(r"^blank (\d+) "), "answer[{0}]"),
    (re.compile(r"^(answer|every option|matching (left|right) items)"), "answer"),
)
_REPEATS = re.compile(r"^(?:matching (left|right) items|options|answer) repeats (.+); each must be different")


@dataclass(frozen=True)
class BankError:
    """One problem in the bank, located as precisely as the input allows (line is 1-based)."""

    file: str
    line: int | None
    field: str | None
    message: str
    index: int | None = None  # 0-based position of the question in its file's list
    qid: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:" if self.line is not None else f"{self.file}:"
        subject = []
        if self.index is not None:
            subject.append(f"q[{self.index}]")
        if self.qid:
            subject.append(f"'{self.qid}'")
        if self.field:
            subject.append(f"field {self.field}")
        return f"{where} {' '.join(subject)}: {self.message}" if subject else f"{where} {self.message}"


@dataclass(frozen=True)
class QuestionLocation:
    """Where a question sits: its file, list index, first line, and the line of each field path."""

    file: str
    index: int | None
    line: int | None
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, path: str | None) -> int | None:
        """The line of `path` (e.g. 'source.quote', 'options[2]'), else of its nearest written parent."""
        while path:
            if path in self.field_lines:
                return self.field_lines[path]
            path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", path) if re.search(r"[.\[]", path) else ""
        return self.line

    def error(self, path: str | None, message: str, qid: str | None) -> BankError:
        return BankError(self.file, self.line_of(path), path, message, self.index, qid)


@dataclass
class BankLoad:
    """What reading bank files gave: the questions that validated, every error, where each id sits."""

    questions: list[dict] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    locations: dict[str, QuestionLocation] = field(default_factory=dict)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never wrap plain scalars; long text is folded explicitly so dumps are stable
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _plain(node: Any) -> Any:
    """ruamel's round-trip nodes as plain Python values (pydantic then sees ordinary dicts and lists)."""
    if isinstance(node, Mapping):
        return {k if isinstance(k, str) else str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _field_lines(node: Any, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    if isinstance(node, CommentedMap):
        for key in node:
            path = f"{prefix}.{key}" if prefix else str(key)
            lines[path] = node.lc.key(key)[0] + 1
            lines.update(_field_lines(node[key], path))
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            path = f"{prefix}[{i}]"
            lines[path] = node.lc.item(i)[0] + 1
            lines.update(_field_lines(item, path))
    return lines


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: type[BaseModel], path: Iterable[str | int]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at `path` (to list its allowed fields)."""
    current: type[BaseModel] | None = model
    for part in path:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        current = _find_model(info.annotation) if info else None
    return current


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _find_model(arg)
            if found:
                return found
    return None


def _repeated_item(path: str | None, message: str, data: Mapping[str, Any]) -> str | None:
    """Narrow 'X repeats V' errors to the second item equal to V, e.g. 'answer[1].left' or 'options[3]'."""
    match = _REPEATS.match(message)
    if not match or path not in ("answer", "options"):
        return path
    side, repeated = match.group(1), ast.literal_eval(match.group(2))
    items = data.get(path)
    if not isinstance(items, list):
        return path
    seen = 0
    for i, item in enumerate(items):
        value = item.get(side) if side and isinstance(item, dict) else item
        if isinstance(value, str) and value.casefold().split() == repeated.casefold().split():
            seen += 1
            if seen == 2:
                return f"{path}[{i}].{side}" if side else f"{path}[{i}]"
    return path


def _describe(err: ErrorDetails, data: Mapping[str, Any]) -> tuple[str | None, str]:
    """A (field path, message) pair for one pydantic error, worded for someone editing YAML."""
    kind, loc = err["type"], err["loc"]
    if kind == "union_tag_not_found":
        return "type", f"missing field type; allowed types: {ALLOWED_TYPES}"
    if kind == "union_tag_invalid":
        return "type", f"unknown type {data.get('type')!r}; allowed types: {ALLOWED_TYPES}"
    if not loc:
        return None, NOT_A_MAPPING
    model = MODELS[str(loc[0])]
    path = loc[1:]
    name = _dotted(path) or None
    message = err["msg"].removeprefix("Value error, ")
    if kind == "missing":
        return name, f"required field {path[-1]!r} is missing"
    if kind == "extra_forbidden":
        owner = _model_at(model, path[:-1])
        allowed = ", ".join(owner.model_fields) if owner else "see questions/README.md"
        return name, f"unknown field {path[-1]!r}; allowed fields: {allowed}"
    if not path:
        for pattern, template in _MODEL_ERROR_FIELDS:
            match = pattern.match(message)
            if match:
                groups = [int(g) - 1 for g in match.groups() if g and g.isdigit()]
                return _repeated_item(template.format(*groups), message, data), message
        return None, message
    if kind == "value_error":
        return _repeated_item(name, message, data), message
    value = err.get("input")
    if kind != "value_error" and not isinstance(value, dict | list):
        message = f"{message} (got {value!r})"
    if kind == "string_type" and not isinstance(value, dict | list | None):
        message += "; YAML read this as a non-string: put the text in quotes"
    return name, message


def validate_question(data: Any, location: QuestionLocation) -> tuple[Question | None, list[BankError]]:
    """Validate one question dict against the schema; errors are located via `location`."""
    qid = data.get("id") if isinstance(data, Mapping) and isinstance(data.get("id"), str) else None
    try:
        return parse_question(data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            path, message = _describe(err, data if isinstance(data, Mapping) else {})
            errors.append(location.error(path, message, qid))
        return None, errors


Located = tuple[dict, QuestionLocation]


def _parse_file(text: str, file: str) -> tuple[list[Located], list[BankError]]:
    """The questions of one file that validate on their own (with their locations), and the file's errors."""
    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context
        if context and exc.context_mark and mark and exc.context_mark.line != mark.line:
            context = f"{context} (from line {exc.context_mark.line + 1})"
        detail = "; ".join(str(part) for part in (context, exc.problem) if part)
        return [], [BankError(file, mark.line + 1 if mark else None, None, f"malformed YAML: {detail}")]
    except YAMLError as exc:
        return [], [BankError(file, None, None, f"malformed YAML: {exc}")]
    if doc is None:
        return [], [BankError(file, 1, None, "empty file; write `questions:` followed by a list")]
    if not isinstance(doc, CommentedMap):
        message = "a bank file is a mapping: `questions: [...]` with optional `article:`/`topic:`"
        return [], [BankError(file, 1, None, message)]

    errors: list[BankError] = []
    defaults: dict[str, str] = {}
    for key in doc:
        line = doc.lc.key(key)[0] + 1
        if key not in FILE_KEYS:
            message = f"unknown top-level key {key!r}; allowed: {', '.join(FILE_KEYS)}"
            errors.append(BankError(file, line, str(key), message))
        elif key != "questions":
            value = doc[key]
            if isinstance(value, str) and re.match(SLUG_PATTERN, value):
                defaults[key] = value
            else:
                message = f"{key} must be a slug like 'key-figures' (got {value!r})"
                errors.append(BankError(file, line, key, message))
    if "questions" not in doc:
        return [], [*errors, BankError(file, 1, "questions", "missing `questions:` list")]
    items = doc["questions"]
    if not isinstance(items, CommentedSeq):
        line = doc.lc.key("questions")[0] + 1
        return [], [*errors, BankError(file, line, "questions", "`questions:` must be a list of questions")]

    located: list[Located] = []
    for index, node in enumerate(items):
        location = QuestionLocation(file, index, items.lc.item(index)[0] + 1, _field_lines(node))
        if not isinstance(node, CommentedMap):
            errors.append(location.error(None, NOT_A_MAPPING, None))
            continue
        data = _plain(node)
        if "topic" in defaults:
            data.setdefault("topic", defaults["topic"])
        if "article" in defaults and isinstance(data.get("source"), dict):
            data["source"].setdefault("article", defaults["article"])
        question, question_errors = validate_question(data, location)
        errors.extend(question_errors)
        if question is not None:
            located.append((question.model_dump(mode="json", exclude_none=True), location))
    return located, errors


def _without_duplicates(located: list[Located], errors: list[BankError]) -> BankLoad:
    """Every copy of a repeated id is left out; each extra copy is an error naming the first."""
    first: dict[str, QuestionLocation] = {}
    duplicated: set[str] = set()
    for question, location in located:
        qid = question["id"]
        if qid in first:
            duplicated.add(qid)
            where = f"{first[qid].file}:{first[qid].line} (q[{first[qid].index}])"
            errors.append(location.error("id", f"duplicate id {qid!r}; also at {where}", qid))
        else:
            first[qid] = location
    return BankLoad(
        questions=[q for q, _ in located if q["id"] not in duplicated],
        errors=errors,
        locations={qid: loc for qid, loc in first.items() if qid not in duplicated},
    )


def read_bank_text(text: str, file: str) -> BankLoad:
    """Parse one bank file's text; `file` is the name used in messages."""
    return _without_duplicates(*_parse_file(text, file))


def read_bank_dir(path: str | Path) -> BankLoad:
    """Read every `*.yaml` in `path` (sorted by name); ids must be unique across the files."""
    directory = Path(path)
    if not directory.is_dir():
        return BankLoad(errors=[BankError(directory.as_posix(), None, None, "no such directory")])
    located: list[Located] = []
    errors: list[BankError] = []
    for file in sorted(directory.glob("*.yaml")):
        label = file.as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(BankError(label, None, None, f"cannot read the file as UTF-8 text: {exc}"))
            continue
        file_located, file_errors = _parse_file(text, label)
        located.extend(file_located)
        errors.extend(file_errors)
    return _without_duplicates(located, errors)


def load_bank_dir(path: str | Path) -> tuple[list[dict], list[BankError]]:
    """All or nothing: the bank's questions when every file is valid, else no questions and every error."""
    result = read_bank_dir(path)
    return ([] if result.errors else result.questions), result.errors


def _canonical_order(model: type[QuestionBase]) -> list[str]:
    """Schema order, with the type-specific fields (options, answer, ...) right after the stem."""
    base = list(QuestionBase.model_fields)
    specific = [name for name in model.model_fields if name not in base and name != "type"]
    return ["id", "type", "stem", *specific, *[name for name in base if name not in ("id", "stem")]]


def _styled(value: Any) -> Any:
    """Block styles for long text, integral floats as ints, empty optional values ('' and []) left out."""
    if isinstance(value, dict):
        return CommentedMap((k, _styled(v)) for k, v in value.items() if v not in ("", [], None))
    if isinstance(value, list):
        return [_styled(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value)
        if len(value) > FOLD_AFTER and value.isprintable() and "  " not in value and value == value.strip():
            lines = textwrap.wrap(value, FOLD_WIDTH, break_long_words=False, break_on_hyphens=False)
            if " ".join(lines) == value and len(lines) > 1:
                folded = FoldedScalarString(value)
                ends = [len(line) + 1 for line in lines[:-1]]
                folded.fold_pos = [sum(ends[: i + 1]) - 1 for i in range(len(ends))]
                return folded
    return value


def render_bank(questions: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The bank as file name -> YAML text: one file per topic (`<topic>.yaml`, `topic:` set at the top),
    questions sorted by id, keys in canonical order, empty optional fields left out."""
    by_topic: dict[str, list[Question]] = {}
    for data in questions:
        question = parse_question(dict(data))
        by_topic.setdefault(question.topic, []).append(question)
    files: dict[str, str] = {}
    for topic in sorted(by_topic):
        items = []
        for question in sorted(by_topic[topic], key=lambda q: q.id):
            dumped = question.model_dump(mode="json", exclude_none=True)
            dumped.pop("topic")
            ordered = {key: dumped[key] for key in _canonical_order(type(question)) if key in dumped}
            items.append(_styled(ordered))
        doc = CommentedMap([("topic", topic), ("questions", items)])
        doc.yaml_set_start_comment(HEADER)
        buffer = io.StringIO()
        _yaml().dump(doc, buffer)
        files[f"{topic}.yaml"] = buffer.getvalue()
    return files


def dump_bank(questions: Iterable[Mapping[str, Any]], out_dir: str | Path) -> list[Path]:
    """Write `render_bank(questions)` into `out_dir` (created if needed); other files there are left alone."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_bank(questions).items():
        target = directory / name
        target.write_text(text, encoding="utf-8", newline="\n")
        written.append(target)
    return written
