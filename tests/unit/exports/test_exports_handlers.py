"""Every exporter has one handler table keyed by question type, and it covers every registered type."""

from __future__ import annotations

from types import ModuleType

import pytest

from app.exports import (
    EXPORTERS,
    apkg,
    cc11,
    csv_export,
    gift,
    json_bank,
    moodle_xml,
    qti12_canvas,
    qti21,
)
from app.exports.model import Unsupported
from app.qtypes import text
from app.qtypes.registry import TYPES

MODULES: dict[str, ModuleType] = {
    "moodle-xml": moodle_xml,
    "gift": gift,
    "qti12-canvas": qti12_canvas,
    "cc11": cc11,
    "qti21": qti21,
    "apkg": apkg,
    "csv": csv_export,
    "json": json_bank,
}


def test_every_export_format_has_its_handler_module_here():
    assert set(MODULES) == set(EXPORTERS)
    assert all(EXPORTERS[name].__module__ == module.__name__ for name, module in MODULES.items())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_registered_type_has_a_handler_or_an_explicit_unsupported_entry(name):
    table = MODULES[name].HANDLERS
    missing = sorted(set(TYPES) - set(table))
    assert not missing, f"{name} has no handler for {missing}: add one, or Unsupported('converted to …')"
    assert not set(table) - set(TYPES), f"{name} handles types the registry does not know"
    for qtype, entry in table.items():
        if isinstance(entry, Unsupported):
            assert "export as" in entry.reason or "converted to" in entry.reason, (name, qtype)
        else:
            handler = entry[1] if isinstance(entry, tuple) else entry
            assert callable(handler), (name, qtype)


def test_the_shared_answer_tables_cover_every_type():
    assert set(text.ANSWER_TEXT) == set(text.OPTIONS_TEXT) == set(TYPES)


def test_a_type_missing_from_a_table_is_caught(monkeypatch):
    monkeypatch.setitem(TYPES, "poem", TYPES["essay"])
    with pytest.raises(AssertionError, match="no handler for \\['poem'\\]"):
        test_every_registered_type_has_a_handler_or_an_explicit_unsupported_entry("gift")
