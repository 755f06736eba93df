"""LMS exporters and importers: pure functions from an ExportSelection to file bytes, and back.

``EXPORTERS[name](selection)`` returns an ExportResult; ``IMPORTERS[name](data)`` returns an ImportResult.
The Quizlet variant of the CSV export is ``export_quizlet(selection, delimiter="\\t")``.
"""

from __future__ import annotations

from collections.abc import Callable

from app.exports.apkg import export_apkg
from app.exports.cc11 import export_cc11
from app.exports.csv_export import export_csv, export_quizlet
from app.exports.gift import export_gift, import_gift
from app.exports.json_bank import export_json, import_json
from app.exports.model import (
    ExportError,
    ExportResult,
    ExportSelection,
    ImportFormatError,
    ImportResult,
)
from app.exports.moodle_xml import export_moodle_xml, import_moodle_xml
from app.exports.qti12_canvas import export_qti12_canvas
from app.exports.qti21 import export_qti21

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

IMPORTERS: dict[str, Callable[[bytes], ImportResult]] = {
    "json": import_json,
    "gift": import_gift,
    "moodle-xml": import_moodle_xml,
}

__all__ = [
    "EXPORTERS",
    "IMPORTERS",
    "ExportError",
    "ExportResult",
    "ExportSelection",
    "ImportFormatError",
    "ImportResult",
    "export_quizlet",
]
