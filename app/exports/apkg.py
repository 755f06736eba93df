"""Anki deck (.apkg) through genanki: Basic notes for most questions (an essay: prompt / model answer and
rubric), Cloze notes for cloze questions.

GUIDs come from the question ids and the note types and deck have fixed ids, so importing a later export
of the same bank updates the notes instead of adding copies. Notes are stamped with the selection's
``modified_at`` (a fixed date when absent, so the same selection gives the same bytes); Anki updates a
note on import when that stamp is newer than its copy's.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

import genanki

from app.exports.answers import answer_text, source_line
from app.exports.archive import ZipStream
from app.exports.markup import html, inline_html
from app.exports.model import ExportReport, ExportResult, ExportSelection, export_filename, prepare
from app.qtypes.numeric import format_numeric
from app.qtypes.schema import BLANK_RE, MCQ, TF, Cloze, Essay, Matching, Multi, Numeric, Question

DEFAULT_STAMP = datetime(2024, 1, 1, tzinfo=UTC)
COPY_BYTES = 1 << 20  # the package is copied into the export a megabyte at a time
STYLE = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }\n.source { color: #555; }"


def _fixed_id(name: str) -> int:
    """A stable 31-bit id for a note type or deck, derived from a fixed name."""
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:7]  # an id, not security
    return int(digest, 16) | (1 << 30)


BASIC_MODEL = genanki.Model(
    _fixed_id("casewise-basic-v1"),
    "Casewise Basic",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}, {"name": "Source"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": (
                '{{FrontSide}}<hr id="answer">{{Back}}'
                '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'
                '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
            ),
        }
    ],
    css=STYLE,
)

CLOZE_MODEL = genanki.Model(
    _fixed_id("casewise-cloze-v1"),
    "Casewise Cloze",
    model_type=genanki.Model.CLOZE,
    fields=[{"name": "Text"}, {"name": "Explanation"}, {"name": "Source"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": (
                "{{cloze:Text}}"
                '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'
                '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
            ),
        }
    ],
    css=STYLE,
)


def anki_tag(text: str) -> str:
    """Anki tags have no spaces."""
    return re.sub(r"\s+", "_", text.strip())


def _tags(question: Question) -> list[str]:
    tags = [question.topic, *question.tags]
    if question.source:
        tags.append(f"article::{question.source.article}")
    return [anki_tag(tag) for tag in dict.fromkeys(tags)]


def _cloze_text(question: Cloze) -> str:
    """The stem with {{n}} as Anki's {{cN::variant / variant}}: the back shows every accepted variant."""

    def replace(match: re.Match) -> str:
        number = int(match.group(1))
        variants = " / ".join(html_lib.escape(v) for v in question.answer[number - 1])
        return f"{{{{c{number}::{variants}}}}}"

    return BLANK_RE.sub(replace, html(question.stem))


def _basic(
    question: Question, front_extra: str = "", back: str | None = None
) -> tuple[genanki.Model, list[str]]:
    """A Basic note: the stem (and `front_extra`) on the front, the answer on the back."""
    answer = html_lib.escape(answer_text(question)) if back is None else back
    return BASIC_MODEL, [html(question.stem) + front_extra, answer]


def _choices(question: MCQ | Multi) -> tuple[genanki.Model, list[str]]:
    items = "".join(f"<li>{inline_html(option)}</li>" for option in question.options)
    back = None
    if isinstance(question, Multi):
        back = "<ul>" + "".join(f"<li>{inline_html(a)}</li>" for a in question.answer) + "</ul>"
    return _basic(question, f'<ol type="A">{items}</ol>', back)


def _truefalse(question: TF) -> tuple[genanki.Model, list[str]]:
    return _basic(question, "<p><em>True or false?</em></p>")


def _typed(question: Question) -> tuple[genanki.Model, list[str]]:
    return _basic(question)


def _matching(question: Matching) -> tuple[genanki.Model, list[str]]:
    items = "".join(f"<li>{inline_html(pair.left)}</li>" for pair in question.answer)
    rows = "".join(f"<li>{inline_html(p.left)} → {inline_html(p.right)}</li>" for p in question.answer)
    return _basic(question, f"<ul>{items}</ul>", f"<ul>{rows}</ul>")


def _cloze(question: Cloze) -> tuple[genanki.Model, list[str]]:
    return CLOZE_MODEL, [_cloze_text(question)]


def _essay(question: Essay) -> tuple[genanki.Model, list[str]]:
    """A Basic card: the prompt (and word limit) on the front, the model answer and rubric on the back."""
    limit = f"<p><em>Answer in at most {question.word_limit} words.</em></p>" if question.word_limit else ""
    parts = [html(question.answer) if question.answer else "<p><em>No model answer.</em></p>"]
    if question.rubric:
        parts.append("<p><strong>Rubric</strong></p>" + html(question.rubric))
    return _basic(question, limit, "".join(parts))


# One note builder per registered type: its Anki note type and the fields before explanation and source.
# The handlers test fails when a registered type is missing here.
HANDLERS: dict[str, Callable[[Any], tuple[genanki.Model, list[str]]]] = {
    "mcq": _choices,
    "multi": _choices,
    "tf": _truefalse,
    "numeric": _typed,
    "short": _typed,
    "matching": _matching,
    "cloze": _cloze,
    "essay": _essay,
}


def _feedback_label(question: Question, key: str) -> str:
    """What a feedback key is shown as on the back: the option, the answer or 'Blank 1: variant'."""
    if isinstance(question, TF):
        return {"true": "True", "false": "False"}[key]
    if isinstance(question, Numeric):
        return format_numeric(question.answer)
    if isinstance(question, Cloze):
        blank, _, variant = key.partition(":")
        return f"Blank {blank}: {variant}"
    return key


def _note(question: Question, selection: ExportSelection) -> genanki.Note:
    article = selection.article_title(question.source.article) if question.source else ""
    explanation = html(question.explanation) if question.explanation else ""
    source = html_lib.escape(source_line(question, article))
    model, fields = HANDLERS[question.type](question)
    if question.feedback:
        # Per-option feedback on the back, under the answer: why each option is right or tempting.
        rows = "".join(
            f"<li><strong>{inline_html(_feedback_label(question, key))}</strong>: {inline_html(text)}</li>"
            for key, text in question.feedback.items()
        )
        listing = f'<ul class="option-feedback">{rows}</ul>'
        if model is BASIC_MODEL:
            fields = [fields[0], f"{fields[1]}{listing}", *fields[2:]]
        else:  # the cloze note has no back field of its own: the list opens the explanation (back only)
            explanation = listing + explanation
    return genanki.Note(
        model=model,
        fields=[*fields, explanation, source],
        tags=_tags(question),
        guid=genanki.guid_for(question.id),
    )


def write_apkg(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the .apkg into `out`: genanki writes it to a temporary file, whose entries are copied over in
    pieces with fixed dates (genanki stamps them with the temp file's time)."""
    questions = prepare(selection)
    deck_name = f"Casewise::{selection.title}"
    deck = genanki.Deck(_fixed_id(f"casewise-deck:{deck_name}"), deck_name)
    for question in questions:
        deck.add_note(_note(question, selection))
    stamp = (selection.modified_at or DEFAULT_STAMP).timestamp()
    handle, path = tempfile.mkstemp(suffix=".apkg")
    os.close(handle)
    try:
        genanki.Package(deck).write_to_file(path, timestamp=stamp)
        del deck
        with zipfile.ZipFile(path) as written, ZipStream(out) as archive:
            for name in sorted(written.namelist()):
                with written.open(name) as source, archive.open(name) as target:
                    shutil.copyfileobj(source, target, COPY_BYTES)
    finally:
        os.remove(path)
    return ExportReport(filename=export_filename(selection, ".apkg"))


def export_apkg(selection: ExportSelection) -> ExportResult:
    """An .apkg with one deck named after the selection; Anki's File → Import reads it."""
    buffer = io.BytesIO()
    report = write_apkg(selection, buffer)
    return ExportResult(data=buffer.getvalue(), filename=report.filename, mimetype="application/apkg")
