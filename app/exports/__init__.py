"""LMS exporters and importers: pure functions from an ExportSelection to file bytes, and back.

``EXPORTERS[name](selection)`` returns an ExportResult; ``IMPORTERS[name](data)`` returns an ImportResult.
``REPORTS[name](selection)`` says what the export would skip, convert or lose without writing it, and
``write_export(name, selection, out)`` writes the file into a binary stream (piece by piece where the
format has a streaming writer) and returns that report.
The Quizlet variant of the CSV export is ``export_quizlet(selection, delimiter="\\t")``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from app.exports.apkg import export_apkg, write_apkg
from app.exports.cc11 import export_cc11, report_cc11, write_cc11
from app.exports.csv_export import export_csv, export_quizlet, report_csv, write_csv
from app.exports.gift import export_gift, import_gift, report_gift, write_gift
from app.exports.json_bank import export_json, import_json, write_json
from app.exports.model import (
    ExportError,
    ExportReport,
    ExportResult,
    ExportSelection,
    ImportFormatError,
    ImportResult,
    export_filename,
    prepare,
)
from app.exports.moodle_xml import export_moodle_xml, import_moodle_xml, write_moodle_xml
from app.exports.qti12_canvas import export_qti12_canvas, write_qti12_canvas
from app.exports.qti21 import export_qti21, write_qti21

EXPORTERS: dict[str, Callable[[ExportSelection], ExportResult]] = {
    "qti12-canvas": export_qti12_canvas,
    "cc11": export_cc11,
    "qti21": export_qti21,
    "moodle-xml": export_moodle_xml,
    "gift": export_gift,
    "apkg": export_apkg,
    "csv": export_csv,
    "json": export_json,
}

# The file name each format writes (the suffix after the selection's title).
SUFFIXES = {
    "qti12-canvas": "-canvas-qti.zip",
    "cc11": ".imscc",
    "qti21": "-qti21.zip",
    "moodle-xml": "-moodle.xml",
    "gift": ".gift.txt",
    "apkg": ".apkg",
    "csv": ".csv",
    "json": ".json",
}


def _nothing_converted(fmt: str) -> Callable[[ExportSelection], ExportReport]:
    """The report of a format that carries every type as it is: the questions are valid, nothing changes."""

    def report(selection: ExportSelection) -> ExportReport:
        prepare(selection)
        return ExportReport(filename=export_filename(selection, SUFFIXES[fmt]))

    return report


REPORTS: dict[str, Callable[[ExportSelection], ExportReport]] = {
    name: _nothing_converted(name) for name in EXPORTERS
} | {"cc11": report_cc11, "csv": report_csv, "gift": report_gift}

# Formats that write into the stream as they go; the others build their bytes, then write them.
WRITERS: dict[str, Callable[[ExportSelection, IO[bytes]], ExportReport]] = {
    "csv": write_csv,
    "gift": write_gift,
    "qti12-canvas": write_qti12_canvas,
    "cc11": write_cc11,
    "qti21": write_qti21,
    "moodle-xml": write_moodle_xml,
    "json": write_json,
    "apkg": write_apkg,
}


def write_export(fmt: str, selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write format `fmt` of `selection` into `out`; returns what was skipped, converted or lost."""
    if fmt in WRITERS:
        return WRITERS[fmt](selection, out)
    result = EXPORTERS[fmt](selection)
    out.write(result.data)
    return ExportReport(result.filename, result.skipped, result.converted, result.lost)


IMPORTERS: dict[str, Callable[[bytes], ImportResult]] = {
    "json": import_json,
    "gift": import_gift,
    "moodle-xml": import_moodle_xml,
}

__all__ = [
    "EXPORTERS",
    "IMPORTERS",
    "REPORTS",
    "WRITERS",
    "ExportError",
    "ExportReport",
    "ExportResult",
    "ExportSelection",
    "ImportFormatError",
    "ImportResult",
    "export_quizlet",
    "write_export",
]
