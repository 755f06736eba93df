"""The streaming side of the exporters: reports agree with exports without writing, zip entries stream in
order, streamed XML equals the tree serialised whole, and GIFT escaping is unchanged."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from lxml import etree

from app.exports import EXPORTERS, REPORTS, WRITERS, ExportError, write_export
from app.exports.archive import Spool, ZipStream, xml_bytes, xml_frame
from app.exports.gift import escape


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_each_report_says_what_its_export_does(name, selection):
    accepted = replace(selection, accept_loss=True)
    result, report = EXPORTERS[name](accepted), REPORTS[name](accepted)
    assert report.filename == result.filename
    assert (report.skipped, report.converted, report.lost) == (result.skipped, result.converted, result.lost)


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_write_export_writes_the_same_bytes_as_the_exporter(name, selection):
    out = io.BytesIO()
    report = write_export(name, selection, out)
    result = EXPORTERS[name](selection)
    assert out.getvalue() == result.data and report.filename == result.filename


def test_the_streaming_writers_are_the_big_formats():
    assert {"qti12-canvas", "cc11", "gift", "csv"} <= set(WRITERS)


def test_an_empty_selection_is_refused_by_the_report_too(selection):
    for report in REPORTS.values():
        with pytest.raises(ExportError, match="Nothing to export"):
            report(replace(selection, questions=[], parsed=None))


def test_zip_stream_keeps_sorted_names_and_fixed_dates():
    out = io.BytesIO()
    with ZipStream(out) as archive:
        archive.write("a/one.xml", b"<one/>")
        with archive.open("b.xml") as entry:
            for _ in range(3):
                entry.write(b"x" * 700_000)  # more than one buffer
        with pytest.raises(ValueError, match="sorted order"):
            archive.write("a/two.xml", b"")
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["a/one.xml", "b.xml"]
        assert archive.read("b.xml") == b"x" * 2_100_000
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_streamed_document_is_the_document_serialised_whole():
    ns = "urn:example"
    root = etree.Element(
        f"{{{ns}}}root", nsmap={None: ns, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    )
    section = etree.SubElement(etree.SubElement(root, f"{{{ns}}}body"), f"{{{ns}}}section")
    frame = xml_frame(root, section)
    streamed = io.BytesIO()
    pieces = []
    for number in range(3):
        item = etree.SubElement(section, f"{{{ns}}}item", ident=f"i{number}")
        etree.SubElement(item, f"{{{ns}}}text").text = f"a < b & {number}"
        pieces.append(frame.element(item))
        section.remove(item)
    frame.write_pieces(streamed, pieces)
    for number in range(3):
        item = etree.SubElement(section, f"{{{ns}}}item", ident=f"i{number}")
        etree.SubElement(item, f"{{{ns}}}text").text = f"a < b & {number}"
    assert streamed.getvalue() == xml_bytes(root)


def test_spool_reads_back_each_key_in_order():
    with Spool() as spool:
        for key, data in [("a", b"1"), ("b", b"2"), ("a", b"3")]:
            spool.add(key, data)
        assert list(spool.read("a")) == [b"1", b"3"] and list(spool.read("b")) == [b"2"]
        assert list(spool.read("c")) == []


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("a~b=c#d{e}f:g\\h", "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"),
        ("line one\r\nline two\nthree", "line one\\nline two\\nthree"),
        ("", ""),
    ],
)
def test_gift_escape(text, escaped):
    assert escape(text) == escaped
