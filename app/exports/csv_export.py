"""Spreadsheet exports: a full CSV (one row per question) and a two-column Quizlet variant.

Full CSV columns: id,type,topic,difficulty,stem,options,answer,explanation,article,sentence_id,quote. Lists
(options, several answers, matching pairs, a blank's variants) are joined with ' | '; stems keep their
Markdown; an essay's answer cell is its model answer. The Quizlet variant (``export_quizlet``) writes
term<TAB>definition lines with no header, the layout Quizlet's "Import" box expects by default (tab
between term and definition, one card per line); the stem is the term (blanks shown as _____) and the
answer text is the definition. With ``delimiter=","`` it writes a quoted CSV instead, for spreadsheets or
Quizlet's "custom" comma setting.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import IO, Any

from app.exports.answers import BLANK_LINE, answer_text, fill_blanks, options_text, stem_with_unit
from app.exports.model import ExportReport, ExportResult, ExportSelection, export_filename, prepare
from app.qtypes.schema import Cloze, Essay, Question

CSV_MIMETYPE = "text/csv; charset=utf-8"
COLUMNS = ("id", "type", "topic", "difficulty", "stem", "options", "answer", "explanation", "article",
           "sentence_id", "quote")  # fmt: skip


def _essay_cells(question: Essay, converted: list[tuple[str, str]]) -> tuple[str, str]:
    dropped = [
        name for name, value in (("word limit", question.word_limit), ("rubric", question.rubric)) if value
    ]
    if dropped:
        converted.append(
            (question.id, f"essay without its {', '.join(dropped)} (no CSV column; export JSON)")
        )
    return "", question.answer


def _cells(question: Question, converted: list[tuple[str, str]]) -> tuple[str, str]:
    return options_text(question), answer_text(question)


# The options and answer cells per registered type; the handlers test fails when a type is missing here.
HANDLERS: dict[str, Callable[[Any, list[tuple[str, str]]], tuple[str, str]]] = {
    "mcq": _cells,
    "multi": _cells,
    "tf": _cells,
    "numeric": _cells,
    "cloze": _cells,
    "matching": _cells,
    "short": _cells,
    "essay": _essay_cells,
}


def _row(question: Question, converted: list[tuple[str, str]]) -> list[str]:
    options, answer = HANDLERS[question.type](question, converted)
    source = question.source
    return [
        question.id,
        question.type,
        question.topic,
        question.difficulty,
        question.stem,
        options,
        answer,
        question.explanation,
        source.article if source else "",
        source.sentence_id if source else "",
        source.quote if source else "",
    ]


def report_csv(selection: ExportSelection) -> ExportReport:
    """What export_csv converts, without writing it (the cells are cheap; the rows are not written)."""
    converted: list[tuple[str, str]] = []
    for question in prepare(selection):
        HANDLERS[question.type](question, converted)
    return ExportReport(filename=export_filename(selection, ".csv"), converted=converted)


def write_csv(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the CSV (UTF-8, a header row) to `out` row by row; returns what was converted."""
    questions = prepare(selection)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    converted: list[tuple[str, str]] = []
    for question in questions:
        writer.writerow(_row(question, converted))
    text.detach()  # leave `out` open for the caller
    return ExportReport(filename=export_filename(selection, ".csv"), converted=converted)


def export_csv(selection: ExportSelection) -> ExportResult:
    """The full CSV, UTF-8, with a header row."""
    buffer = io.BytesIO()
    report = write_csv(selection, buffer)
    return ExportResult(
        data=buffer.getvalue(),
        filename=report.filename,
        mimetype=CSV_MIMETYPE,
        converted=report.converted,
    )


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def export_quizlet(selection: ExportSelection, delimiter: str = "\t") -> ExportResult:
    """Quizlet cards: term (the stem) and definition (the answer), tab-separated by default."""
    if delimiter not in ("\t", ","):
        raise ValueError("delimiter must be a tab or a comma")
    questions = prepare(selection)
    buffer = io.StringIO()
    if delimiter == "\t":
        # Quizlet's paste box has no quoting: each card is one line, so tabs and newlines become spaces.
        for question in questions:
            buffer.write(f"{_one_line(_term(question))}\t{_one_line(answer_text(question))}\n")
    else:
        writer = csv.writer(buffer)
        for question in questions:
            writer.writerow([_term(question), answer_text(question)])
    tab = delimiter == "\t"
    return ExportResult(
        data=buffer.getvalue().encode("utf-8"),
        filename=export_filename(selection, "-quizlet.txt" if tab else "-quizlet.csv"),
        mimetype="text/tab-separated-values; charset=utf-8" if tab else "text/csv; charset=utf-8",
    )


def _term(question: Question) -> str:
    return fill_blanks(question, BLANK_LINE) if isinstance(question, Cloze) else stem_with_unit(question)
