"""What every exporter shares: the registry, empty and invalid selections, reproducible bytes, answer text."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.exports import EXPORTERS, IMPORTERS, ExportError, ExportSelection, ImportFormatError, export_quizlet
from app.exports.answers import format_number, shares, split_feedback, strip_unit_hint
from app.exports.markup import html, html_to_markdown, inline_html
from app.exports.model import export_filename

ZIPPED = {"qti12-canvas", "cc11", "qti21", "apkg"}


def test_registries_have_exactly_the_documented_formats():
    assert list(EXPORTERS) == ["qti12-canvas", "cc11", "qti21", "moodle-xml", "gift", "apkg", "csv", "json"]
    assert sorted(IMPORTERS) == ["gift", "json", "moodle-xml"]


@pytest.mark.parametrize("name", [*EXPORTERS, "quizlet"])
def test_empty_selection_is_an_error_that_says_what_to_do(name):
    empty = ExportSelection(title="Risks", questions=[], scope="topic", scope_id="strategic-risks")
    export = export_quizlet if name == "quizlet" else EXPORTERS[name]
    with pytest.raises(ExportError) as info:
        export(empty)
    assert str(info.value) == (
        "Nothing to export: the selection (topic 'strategic-risks') has no questions. "
        "Choose another scope or approve questions first."
    )


def test_an_invalid_question_names_its_position_and_field(bank):
    broken = dict(bank[0], answer="not an option")
    with pytest.raises(ExportError, match=r"questions\[1\] \('faw-stake-price'\) .*answer 'not an option'"):
        EXPORTERS["json"](ExportSelection(title="x", questions=[bank[1], broken]))


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_the_same_selection_gives_the_same_bytes(name, selection):
    first, second = EXPORTERS[name](selection), EXPORTERS[name](selection)
    assert first.data == second.data
    assert first.filename == second.filename
    if name in ZIPPED:
        with zipfile.ZipFile(io.BytesIO(first.data)) as archive:
            infos = archive.infolist()
            assert [i.filename for i in infos] == sorted(i.filename for i in infos)
            assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_each_format_has_a_filename_and_mimetype(name, selection):
    result = EXPORTERS[name](selection)
    suffixes = {
        "qti12-canvas": "-canvas-qti.zip",
        "cc11": ".imscc",
        "qti21": "-qti21.zip",
        "moodle-xml": "-moodle.xml",
        "gift": ".gift.txt",
        "apkg": ".apkg",
        "csv": ".csv",
        "json": ".json",
    }
    assert result.filename == "faw-leapmotor-every-type" + suffixes[name]
    assert result.mimetype


def test_filename_falls_back_when_the_title_has_no_letters():
    assert export_filename(ExportSelection(title="***", questions=[]), ".csv") == "casewise-export.csv"


def test_shares_add_up_exactly_and_match_moodle_grades():
    assert shares(3) == ["33.33334", "33.33333", "33.33333"]
    assert shares(2, -100) == ["-50", "-50"]
    assert shares(3, 1, places=7) == ["0.3333334", "0.3333333", "0.3333333"]
    for count in range(1, 8):
        assert sum(float(s) for s in shares(count)) == pytest.approx(100, abs=1e-9)


@pytest.mark.parametrize(
    ("value", "text"),
    [(534.0, "534"), (3.74, "3.74"), (1e-05, "0.00001"), (3.74 * 0.05, "0.187"), (-2.5, "-2.5")],
)
def test_format_number_has_no_exponent_or_float_noise(value, text):
    assert format_number(value) == text


def test_feedback_and_unit_hints_split_back():
    assert split_feedback("Because.\n\nSource: “q” (A, sentence s1)") == "Because."
    assert split_feedback("Source: “q” (A, sentence s1)") == ""
    assert strip_unit_hint("How much? (answer in US$ million)") == ("How much?", "US$ million")
    assert strip_unit_hint("How much (roughly)?") == ("How much (roughly)?", "")


def test_markup_round_trips_the_limited_markdown():
    markdown = "Pick *one*:\n\n- a **b**\n- `c`\n\n1. x\n2. y\n\n> quoted"
    assert html_to_markdown(html(markdown)) == markdown
    assert inline_html("a < b & *c*") == "a &lt; b &amp; <em>c</em>"


@pytest.mark.parametrize(
    ("name", "member"), [("json", "bank.json"), ("gift", "bank.gift.txt"), ("moodle-xml", "q.xml")]
)
def test_importers_read_a_zipped_export_and_reject_a_truncated_one(name, member, selection):
    exported = EXPORTERS[name](selection).data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, exported)
    zipped = buffer.getvalue()
    assert IMPORTERS[name](zipped).questions == IMPORTERS[name](exported).questions
    with pytest.raises(ImportFormatError, match=r"^the zip archive is damaged or truncated \(.+\); export"):
        IMPORTERS[name](zipped[: len(zipped) // 2])


def test_a_zip_of_another_format_is_named_for_what_it_holds(selection):
    canvas = EXPORTERS["qti12-canvas"](selection).data
    with pytest.raises(
        ImportFormatError, match=r"should hold one Moodle XML file \(\.xml\); it holds .*imsmanifest"
    ):
        IMPORTERS["moodle-xml"](canvas)
    with pytest.raises(ImportFormatError, match=r"should hold one JSON file \(\.json\); it holds "):
        IMPORTERS["json"](canvas)
