"""Plain data in and out of the exporters and importers, their errors, and the checks every format shares."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from app.qtypes.schema import QUESTION_TYPES, SLUG_PATTERN, Question, parse_question, slugify


class ExportError(ValueError):
    """The selection cannot be exported; the message says why and what to do."""


class ImportFormatError(ValueError):
    """An import file is not what its format promises; the message names what is wrong and where."""


class QuestionDumps(Sequence):
    """Parsed questions read as their canonical dicts, each made when it is read: a selection built from
    the database hands the exporters the models (`parsed`), so a big bank is not held twice."""

    def __init__(self, parsed: tuple[Question, ...]) -> None:
        self.parsed = parsed

    def __len__(self) -> int:
        return len(self.parsed)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [q.model_dump(mode="json") for q in self.parsed[index]]
        return self.parsed[index].model_dump(mode="json")

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class ExportSelection:
    """What to export: canonical question dicts (``model_dump()`` form) and where they came from.

    ``points`` maps question id to quiz points (1 when absent). ``articles`` maps article slug to title.
    ``modified_at`` is when the newest question was last edited: the Anki deck stamps its notes with it so a
    re-import updates edited notes; without it a fixed date keeps the output byte-for-byte reproducible.
    ``accept_loss`` says the instructor has seen the conversion report and accepts what a format cannot hold;
    without it an exporter that would lose something raises ExportError naming it.
    """

    title: str
    questions: list[dict]
    scope: str = "bank"
    scope_id: str | None = None
    points: dict[str, float] | None = None
    articles: dict[str, str] | None = None
    modified_at: datetime | None = None
    accept_loss: bool = False
    # The articles the questions quote, whole (raw text, metadata, sentence map), for the self-contained JSON:
    # plain dicts in the JSON bank's article shape (see json_bank.ARTICLE_KEYS).
    article_data: list[dict] | None = None
    # The questions already parsed (build_selection parses each row once): prepare() takes these as they
    # are instead of parsing `questions` again. Same order as `questions`.
    parsed: tuple[Question, ...] | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        if self.scope_id:
            return f"the selection ({self.scope} '{self.scope_id}')"
        return f"the selection ({self.scope})"

    def points_for(self, question_id: str) -> float:
        return float((self.points or {}).get(question_id, 1.0))

    def article_title(self, slug: str) -> str:
        return (self.articles or {}).get(slug, slug)


@dataclass(frozen=True)
class Unsupported:
    """An exporter's explicit entry for a type its format cannot carry: questions of it are skipped, and the
    conversion report says why and which format to use instead."""

    reason: str


@dataclass(frozen=True)
class ExportResult:
    """The file, and the questions the format could not carry as they are (``(question id, reason)``):
    ``converted`` keeps them gradable in another shape, ``lost`` lists what the instructor accepted to lose."""

    data: bytes
    filename: str
    mimetype: str
    skipped: list[tuple[str, str]] = field(default_factory=list)
    converted: list[tuple[str, str]] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ExportReport:
    """What an export would skip, convert or lose, known without writing the file (the export page's
    "what converts?"): the same lists an ExportResult carries."""

    filename: str
    skipped: list[tuple[str, str]] = field(default_factory=list)
    converted: list[tuple[str, str]] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    """Canonical, validated question dicts, and notes about what was dropped or guessed."""

    questions: list[dict]
    warnings: list[str] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)  # JSON bank only: the articles the questions quote


def prepare(selection: ExportSelection) -> list[Question]:
    """Validate the selection's questions, in order; an empty selection is an error that says what to do."""
    if not selection.questions:
        raise ExportError(
            f"Nothing to export: {selection.describe()} has no questions. "
            "Choose another scope or approve questions first."
        )
    if selection.parsed is not None:
        return list(selection.parsed)
    questions: list[Question] = []
    for index, data in enumerate(selection.questions):
        try:
            questions.append(parse_question(data))
        except ValidationError as exc:
            qid = data.get("id", "?") if isinstance(data, dict) else "?"
            raise ExportError(
                f"questions[{index}] ('{qid}') is not a valid question: {describe_validation_error(exc)}"
            ) from exc
    return questions


def describe_validation_error(exc: ValidationError, prefix: str = "") -> str:
    """The first pydantic error as 'path: message', without the type tag pydantic puts first in unions."""
    first = exc.errors()[0]
    loc = list(first["loc"])
    if loc and loc[0] in QUESTION_TYPES:
        loc = loc[1:]
    path = prefix
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    message = _plain(first)
    return f"{path}: {message}" if path else message


def _plain(error: dict) -> str:
    """A pydantic error in words an instructor reads ("needs at least 3 items; it has 2"), else its own text."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "too_short" and "min_length" in ctx:
        return f"needs at least {ctx['min_length']} items; it has {ctx.get('actual_length', 'fewer')}"
    if kind == "too_long" and "max_length" in ctx:
        return f"takes at most {ctx['max_length']} items; it has {ctx.get('actual_length', 'more')}"
    if kind == "string_too_long" and "max_length" in ctx:
        return f"is longer than {ctx['max_length']:,} characters; shorten it"
    if kind == "string_too_short" and "min_length" in ctx:
        return "is empty" if ctx["min_length"] == 1 else f"needs at least {ctx['min_length']} characters"
    if kind == "literal_error" and "expected" in ctx:
        return f"must be {ctx['expected'].replace(chr(39), '')}"
    if kind == "missing":
        return "is missing"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == SLUG_PATTERN:
        return "must be 2 to 61 lower-case letters, digits and dashes, starting with a letter or digit"
    return str(error.get("msg", "is not valid"))


def export_filename(selection: ExportSelection, suffix: str) -> str:
    """A safe file name from the selection's title, e.g. 'faw-leapmotor-quiz.imscc'."""
    stem = re.sub(r"[^a-z0-9]+", "-", selection.title.casefold()).strip("-")[:60].strip("-")
    return f"{stem or 'casewise-export'}{suffix}"


def validated_import(candidate: dict, where: str) -> dict:
    """An imported question as canonical JSON data, or ImportFormatError naming where and which field."""
    try:
        return parse_question(candidate).model_dump(mode="json")
    except ValidationError as exc:
        raise ImportFormatError(f"{where}: {describe_validation_error(exc)}") from exc


def stable_import_id(prefix: str, *parts: str) -> str:
    """An id that stays the same when the same file is imported again: prefix plus 8 hex digits of SHA-1."""
    digest = hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()[:8]  # an id
    return f"{prefix}-{digest}"


# Moodle's question-bank category every GIFT and Moodle XML export files its questions under, per topic.
CATEGORY_ROOT = "$course$/top/Casewise"


def topic_from_category(category: str) -> str:
    """The last segment of an LMS category path ('$course$/top/Casewise/Key figures') as a topic slug."""
    last = category.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"[^a-z0-9]+", "-", last.casefold()).strip("-")[:60].strip("-")
    return slug if re.fullmatch(SLUG_PATTERN, slug) else "imported"


# Difficulty travels as a tag where a format has tags but no difficulty (Moodle XML, GIFT): 'difficulty-hard'.
DIFFICULTY_TAG = "difficulty-"


def difficulty_tag(difficulty: str) -> str:
    return f"{DIFFICULTY_TAG}{difficulty}"


def split_difficulty(tags: list[str]) -> tuple[list[str], dict]:
    """Imported tags without the difficulty tag, and {'difficulty': …} when one named a known level."""
    found = [t[len(DIFFICULTY_TAG) :] for t in tags if t.startswith(DIFFICULTY_TAG)]
    rest = [t for t in tags if not t.startswith(DIFFICULTY_TAG)]
    level = next((f for f in found if f in ("easy", "medium", "hard")), None)
    return rest, ({"difficulty": level} if level else {})


def slug_tags(tags: list[str]) -> list[str]:
    """Imported tags as slugs (lower case, hyphens), dropping any that cannot become one."""
    slugs = [slugify(tag) for tag in tags]
    return list(dict.fromkeys(s for s in slugs if re.fullmatch(SLUG_PATTERN, s)))


# Limits on a zipped upload (README "Import limits"). An import is one bank file: a whole exported bank of
# a few thousand questions is a few MB, so 20 MB unpacked leaves room; a real export compresses 5-10 times.
ZIP_MAX_MEMBERS = 100
ZIP_MAX_UNPACKED = 20 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_CHUNK = 64 * 1024


def unwrap_zip(data: bytes, what: str, suffixes: tuple[str, ...]) -> bytes:
    """The one ``suffixes`` file inside a zipped upload, or ``data`` itself when it is not a zip.

    Refuses archives beyond the ZIP_* limits before unpacking (member count, declared size, declared
    ratio), and while unpacking (the real size, read in ZIP_CHUNK pieces, so a lying header costs at most
    ZIP_MAX_UNPACKED plus a chunk of memory).
    """
    if not data.startswith(b"PK\x03\x04"):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                raise ImportFormatError(
                    f"the zip archive holds {len(infos)} files; the limit is {ZIP_MAX_MEMBERS}. "
                    f"Upload the {what} file on its own"
                )
            names = [i for i in infos if i.filename.lower().endswith(suffixes) and not i.is_dir()]
            if len(names) != 1:
                found = ", ".join(i.filename for i in infos[:5]) or "nothing"
                raise ImportFormatError(
                    f"the zip archive should hold one {what} file ({' or '.join(suffixes)}); it holds {found}"
                )
            return _read_member(archive, names[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as exc:
        raise ImportFormatError(
            f"the zip archive is damaged or truncated ({exc}); export the file again"
        ) from exc


def _too_big(info: zipfile.ZipInfo) -> ImportFormatError:
    return ImportFormatError(
        f"{info.filename} in the zip archive unpacks to more than {ZIP_MAX_UNPACKED // (1024 * 1024)} MB "
        f"(or more than {ZIP_MAX_RATIO} times its packed size), the import limit; split the bank into "
        "smaller files or upload it unzipped"
    )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    packed = max(info.compress_size, 1)
    if info.file_size > ZIP_MAX_UNPACKED or info.file_size > packed * ZIP_MAX_RATIO + ZIP_CHUNK:
        raise _too_big(info)
    limit = min(ZIP_MAX_UNPACKED, packed * ZIP_MAX_RATIO + ZIP_CHUNK)
    out = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(ZIP_CHUNK):
            out += chunk
            if len(out) > limit:  # the header lied about the size
                raise _too_big(info)
    return bytes(out)
