"""Every format × every type: the seed bank plus a synthetic question of each type full of special characters,
exported, read back by a reader Casewise did not write, and classified faithful / converted (how) / lost (what).

Run with ``-s`` to see the table (it is kept in README.md, "Exports: what arrives where").
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from app.bank.yamlio import load_bank_dir
from app.exports import EXPORTERS, IMPORTERS, ExportSelection
from app.qtypes.registry import TYPES
from tests.unit.exports.conftest import canonical, reader, unzip

pytestmark = pytest.mark.filterwarnings("ignore:'locale.getdefaultlocale' is deprecated:DeprecationWarning")

QUESTIONS = Path(__file__).resolve().parents[3] / "questions"
SPECIAL = '{ } ~ = # : \\ / " & < >'
SYNTHETIC = [
    {"type": "mcq", "options": ["a = b: {c}", "x ~ y # z", 'p \\ q & <r> "s"'], "answer": "x ~ y # z",
     "feedback": {"a = b: {c}": "tempting: {braces} # ~"}},
    {"type": "multi", "options": ["1/2 {a}", "b ~ c", "d # e", "f \\ g"], "answer": ["1/2 {a}", "d # e"]},
    {"type": "tf", "answer": True, "feedback": {"false": "no: {x} ~ y # z"}},
    {"type": "numeric", "answer": {"value": 3.74, "tolerance": 0.05, "tolerance_mode": "relative", "unit": "bn ¥",
                                    "multiplier": 1e9}},
    {"type": "cloze", "stem": "First {{1}} then {{2}} with " + SPECIAL,
     "answer": [["a/b", 'say "hi"', "x~y"], ["back\\slash", "a}b#c", "ratio 3:2"]]},
    {"type": "matching", "answer": [{"left": "a {1}", "right": "x ~ 1"}, {"left": "b # 2", "right": "y = 2"},
                                    {"left": "c \\ 3", "right": 'z "3"'}]},
    {"type": "short", "answer": ["a/b {c}", "d ~ e # f"], "feedback": {"a/b {c}": "exact: \\ & <"}},
    {"type": "essay", "answer": "Model *answer* with " + SPECIAL, "rubric": "- point {1}", "word_limit": 200},
]  # fmt: skip


def _synthetic() -> list[dict]:
    made = []
    for data in SYNTHETIC:
        made.append(
            canonical(
                {
                    "id": f"special-{data['type']}",
                    "stem": f"Which {data['type']} handles {SPECIAL}?",
                    "topic": "comprehension",
                    "explanation": f"Explained with {SPECIAL}",
                    **data,
                }
            )
        )
    return made


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    seed, errors = load_bank_dir(QUESTIONS)
    assert not errors
    return [canonical(q) for q in seed] + _synthetic()


@pytest.fixture(scope="module")
def selection(questions) -> ExportSelection:
    points = {q["id"]: (3.0 if q["type"] == "matching" else 1.0) for q in questions}
    return ExportSelection(title="Matrix", questions=questions, points=points)


QTI12 = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


def _base_id(ident: str) -> str:
    """q_faw-roles-m2 -> faw-roles; 'id (blank 1 of 2)' -> id."""
    ident = ident.removeprefix("q_").split(" (blank")[0]
    for marker in ("-m", "-b", "-blank"):
        head, sep, tail = ident.rpartition(marker)
        if sep and tail.isdigit():
            return head
    return ident


# Questions a foreign reader misreads although the file follows Moodle's rules: (format, id) -> why.
READER_LIMITS: dict[tuple[str, str], str] = {}


def _read_gift(data: bytes, tmp: Path) -> set[str]:
    parser = reader("pygiftparser.parser", "pygiftparser==1.1")
    found, rejected = set(), set()
    for q in parser.parseFile(io.StringIO(data.decode("utf-8"))):
        (found if q.valid and q.answers is not None else rejected).add(_base_id(q.title))
    # pygiftparser 1.1 ends an answer at an escaped '\}', which Moodle's GIFT parser does not: a question it
    # rejects counts only when an option or answer holds '}' and our importer (Moodle's rules) reads its key back.
    imported = {q["stem"]: q for q in IMPORTERS["gift"](data).questions}
    for qid in rejected - found:
        original = STEMS.get(qid)
        if (
            original
            and "}" in json.dumps([original.get("options"), original["answer"]])
            and imported.get(original["stem"], {}).get("answer")
        ):
            READER_LIMITS[("gift", qid)] = (
                "pygiftparser 1.1 ends an answer at an escaped '\\}'; Moodle does not"
            )
            found.add(qid)
    return found


def _read_moodle(data: bytes, tmp: Path) -> set[str]:
    parser = reader("moodle_xml_parser.parser", "moodle-xml-parser==0.3.1")
    parsed = parser.parse_bytes(data)
    choice = {q.name for q in parsed["multichoice"] if any(o.score_fraction > 0 for o in q.options)}
    cloze = {q.name for q in parsed["cloze"] if all(any(o.score == 100 for o in g.options) for g in q.gaps)}
    found = choice | cloze
    # moodle-xml-parser decodes entities before splitting alternatives (Moodle decodes after): cloze keys are
    # checked with the port of Moodle's own multianswer parser as well.
    from tests.unit.exports.moodle_multianswer import extract

    for element in etree.fromstring(data).iterfind("question[@type='cloze']"):
        name = element.findtext("name/text")
        gaps = extract(element.findtext("questiontext/text"))
        if name not in found and gaps and all(any(f == 1.0 for _, f, _ in g["answers"]) for g in gaps):
            READER_LIMITS[("moodle-xml", name)] = (
                "moodle-xml-parser splits at '&#126;'; Moodle's parser reads it"
            )
            found.add(name)
    for element in etree.fromstring(data).iterfind("question"):
        kind, name = element.get("type"), element.findtext("name/text")
        if (
            kind in ("truefalse", "numerical", "shortanswer")
            and any(float(a.get("fraction", "0")) == 100 for a in element.iterfind("answer"))
            or kind == "matching"
            and element.findall("subquestion/answer/text")
            or kind == "essay"
        ):
            found.add(name)
    return found


def _read_canvas(data: bytes, tmp: Path) -> set[str]:
    processors = reader("qti2txt.processors", "--ignore-requires-python qti2txt==0.1.0")
    parsers = reader("qti2txt.parsers", "--ignore-requires-python qti2txt==0.1.0")
    files = unzip(data, tmp)
    assessment = next(p for n, p in files.items() if n.endswith(".xml") and "/" in n and "meta" not in n)
    stripped = tmp / "stripped.xml"
    processors.NamespaceStripper().remove_namespace_from_file(assessment, stripped)
    details = parsers.XMLCanvasParser(str(stripped)).extract_question_details()
    idents = [i.get("ident") for i in etree.parse(str(assessment)).iterfind(".//q:item", QTI12)]
    assert len(idents) == len(details)
    found = set()
    for ident, detail in zip(idents, details, strict=True):
        keyed = any(detail.get(k) for k in ("correct_answers", "correct_choices", "multiple_blanks_answers"))
        if keyed or detail["question_type"] == "essay_question":
            found.add(_base_id(ident))
    return found


def _read_cc(data: bytes, tmp: Path, validate) -> set[str]:
    files = unzip(data, tmp)
    assessment = next(p for n, p in files.items() if n.endswith("/assessment.xml"))
    assert validate(assessment, "cc11-qti", engine="lxml") == []
    found = set()
    for item in etree.parse(str(assessment)).iterfind(".//q:item", QTI12):
        if item.find(".//q:setvar", QTI12) is not None or "essay" in etree.tostring(item).decode():
            found.add(_base_id(item.get("ident")))
    return found


def _read_qti21(data: bytes, tmp: Path, validate) -> set[str]:
    files = unzip(data, tmp)
    found = set()
    ns = {"i": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
    for name, path in files.items():
        if not name.endswith(".xml") or "imsmanifest" in name:
            continue
        root = etree.parse(str(path)).getroot()
        if root.tag != f"{{{ns['i']}}}assessmentItem":
            continue
        assert validate(path, "qti21-item", engine="lxml") == [], name
        keyed = root.find(".//i:correctResponse", ns) is not None or root.find(".//i:mapping", ns) is not None
        if keyed or root.find(".//i:extendedTextInteraction", ns) is not None:
            found.add(_base_id(root.get("identifier")))
    return found


def _read_apkg(data: bytes, tmp: Path) -> set[str]:
    anki_collection = reader("anki.collection", "anki==26.9.3")
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = anki_collection.Collection(str(tmp / "c.anki2"))
    try:
        path = tmp / "d.apkg"
        path.write_bytes(data)
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        )
        import genanki

        by_guid = {genanki.guid_for(qid): qid for qid in ALL_IDS}
        return {
            by_guid[note.guid]
            for note in (col.get_note(n) for n in col.find_notes(""))
            if note.guid in by_guid and all(card.answer().strip() for card in note.cards())
        }
    finally:
        col.close()


def _read_csv(data: bytes, tmp: Path) -> set[str]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {row["id"] for row in rows if row["answer"] or row["type"] == "essay"}


def _read_json(data: bytes, tmp: Path) -> set[str]:
    document = json.loads(data)
    restored = IMPORTERS["json"](data).questions
    assert len(restored) == len(document["questions"])
    return {q["id"] for q in restored}


ALL_IDS: list[str] = []
STEMS: dict[str, dict] = {}
READERS = {
    "gift": _read_gift,
    "moodle-xml": _read_moodle,
    "qti12-canvas": _read_canvas,
    "cc11": _read_cc,
    "qti21": _read_qti21,
    "apkg": _read_apkg,
    "csv": _read_csv,
    "json": _read_json,
}


def _short(reason: str) -> str:
    return reason.split(" (")[0].split(";")[0][:90]


def test_every_format_carries_every_type_and_prints_the_table(
    selection, questions, tmp_path, shared_validator
):
    ALL_IDS[:] = [q["id"] for q in questions]
    STEMS.update({q["id"]: q for q in questions})
    types = {q["id"]: q["type"] for q in questions}
    assert set(types.values()) == set(TYPES)
    table: dict[str, dict[str, str]] = {}
    lost_anywhere = []
    for fmt, exporter in EXPORTERS.items():
        result = exporter(selection)
        target = tmp_path / fmt
        target.mkdir()
        read = READERS[fmt]
        found = (
            read(result.data, target, shared_validator)
            if fmt in ("cc11", "qti21")
            else read(result.data, target)
        )
        converted = defaultdict(list)
        for qid, reason in result.converted:
            if not reason.startswith("points"):
                converted[types[qid]].append(_short(reason))
        lost, caveats = defaultdict(list), defaultdict(list)
        for qid, reason in [*result.skipped, *result.lost]:
            lost[types[qid]].append(f"{qid}: {reason}")
        for qid in types:
            if qid not in found:
                lost[types[qid]].append(f"{qid}: not read back with its key")
            elif (fmt, qid) in READER_LIMITS:
                caveats[types[qid]].append(READER_LIMITS[(fmt, qid)])
        row = {}
        for qtype in TYPES:
            if lost[qtype]:
                row[qtype] = "lost (" + lost[qtype][0] + ")"
                lost_anywhere.append((fmt, qtype, lost[qtype]))
            elif converted[qtype]:
                row[qtype] = "converted (" + max(converted[qtype], key=len) + ")"
            elif caveats[qtype]:
                row[qtype] = "faithful (reader caveat: " + caveats[qtype][0] + ")"
            else:
                row[qtype] = "faithful"
        table[fmt] = row
    print("\n| format | " + " | ".join(TYPES) + " |")
    print("|---" * (len(TYPES) + 1) + "|")
    for fmt, row in table.items():
        print(f"| {fmt} | " + " | ".join(row[t] for t in TYPES) + " |")
    assert lost_anywhere == []
