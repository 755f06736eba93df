"""Every format × every type: the seed bank plus a synthetic question of each type full of special characters,
exported, read back by a reader Casewise did not write, and classified faithful / converted (how) / lost (what).

Run with ``-s`` to see the table (it is kept in README.md, "Exports: what arrives where").
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from app.bank.yamlio import load_bank_dir
from app.exports import EXPORTERS, IMPORTERS, ExportSelection
from app.exports.markup import html
from app.qtypes.registry import TYPES
from tests.unit.exports.conftest import canonical, reader, unzip

pytestmark = pytest.mark.filterwarnings("ignore:'locale.getdefaultlocale' is deprecated:DeprecationWarning")

QUESTIONS = Path(__file__).resolve().parents[3] / "questions"
SPECIAL = '{ } ~ = # : \\ / " & < >'
SYNTHETIC = [
    {"type": "mcq", "options": ["a = b: {c}", "x ~ y # z", 'p \\ q & <r> "s"'], "answer": "x ~ y # z",
     "feedback": {"a = b: {c}": "tempting: {braces} # ~"}},
    {"type": "multi", "options": ["1/2 {a}", "b ~ c", "d # e", "f \\ g"], "answer": ["1/2 {a}", "d # e"],
     "feedback": {"b ~ c": "not this: = # {x}", "d # e": "right: & < >"}},
    {"type": "tf", "answer": True, "feedback": {"false": "no: {x} ~ y # z"}},
    {"type": "numeric", "answer": {"value": 3.74, "tolerance": 0.05, "tolerance_mode": "relative", "unit": "bn ¥",
                                    "multiplier": 1e9}, "feedback": {"answer": "right: {x} ~ # \\ & <"}},
    {"type": "cloze", "stem": "First {{1}} then {{2}} with " + SPECIAL,
     "answer": [["a/b", 'say "hi"', "x~y"], ["back\\slash", "a}b#c", "ratio 3:2"]],
     "feedback": {"1:x~y": "tilde: {x} ~ # /", "2:a}b#c": "brace: } # ~ \\ & <"}},
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


def _gift_feedback(parsed, question: dict) -> dict[str, str]:
    """pygiftparser's per-answer feedback (`#`), keyed as the bank keys it: options and accepted answers by
    position, true/false by the right and wrong answer's feedback."""
    if question["type"] == "tf":
        right, wrong = ("true", "false") if question["answer"] else ("false", "true")
        return {right: parsed.answers.feedbackCorrect or "", wrong: parsed.answers.feedbackWrong or ""}
    keys = question.get("options") or {"short": question["answer"], "numeric": ["answer"]}.get(
        question["type"], []
    )
    return {
        key: answer.feedback or ""
        for key, answer in zip(keys, getattr(parsed.answers, "answers", []) or [], strict=False)
    }


def _read_gift(data: bytes, tmp: Path) -> set[str]:
    parser = reader("pygiftparser.parser", "pygiftparser==1.1")
    found, rejected = set(), set()
    for q in parser.parseFile(io.StringIO(data.decode("utf-8"))):
        (found if q.valid and q.answers is not None else rejected).add(_base_id(q.title))
        if q.valid and q.answers is not None and q.title in STEMS:
            _check("gift", q.title, _gift_feedback(q, STEMS[q.title]))  # GIFT has no place for points
    # pygiftparser 1.1 ends an answer at an escaped '\}', which Moodle's GIFT parser does not: a question it
    # rejects counts only when an option or answer holds '}' and our importer (Moodle's rules) reads its key back.
    imported = {q["stem"]: q for q in IMPORTERS["gift"](data).questions}
    for qid in [qid for fmt, qid in SHORTFALLS if fmt == "gift"]:
        # The same limit cuts a feedback short after an escaped '\}' in it or in its answer.
        original = STEMS[qid]
        if "}" in json.dumps([original.get("feedback"), original["answer"]]) and imported.get(
            original["stem"], {}
        ).get("feedback") == original.get("feedback"):
            del SHORTFALLS[("gift", qid)]
            READER_LIMITS[("gift", qid)] = (
                "pygiftparser 1.1 ends an answer at an escaped '\\}'; Moodle does not"
            )
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
    option_feedback = {q.name: [o.feedback for o in q.options] for q in parsed["multichoice"]}
    for element in etree.fromstring(data).iterfind("question"):
        kind, name = element.get("type"), element.findtext("name/text")
        if name in STEMS:
            question = STEMS[name]
            if kind == "multichoice":
                shown = dict(zip(question["options"], option_feedback.get(name, []), strict=False))
            elif kind == "numerical":  # the right number's <answer> and its <feedback>
                right = [a for a in element.iterfind("answer") if float(a.get("fraction", "0")) == 100]
                shown = {"answer": right[0].findtext("feedback/text")} if right else {}
            elif kind == "cloze":  # each blank's alternatives as Moodle's parser reads them, with feedback
                blanks = extract(element.findtext("questiontext/text"))
                shown = {f"{n}:{a}": said for n, g in enumerate(blanks, 1) for a, _, said in g["answers"]}
            else:  # true/false and short answer: each <answer> with its text and <feedback>
                shown = {a.findtext("text"): a.findtext("feedback/text") for a in element.iterfind("answer")}
                shown = shown if kind in ("truefalse", "shortanswer") else {}
            _check("moodle-xml", name, shown, float(element.findtext("defaultgrade")))
        if (
            kind in ("truefalse", "numerical", "shortanswer")
            and any(float(a.get("fraction", "0")) == 100 for a in element.iterfind("answer"))
            or kind == "matching"
            and element.findall("subquestion/answer/text")
            or kind == "essay"
        ):
            found.add(name)
    return found


def _words(text: str | None) -> str:
    """Letters and digits only (markup, escapes and punctuation vary by format): enough to see that the
    right feedback arrived on the right answer."""
    helpers = reader("qti2txt.helpers", "--ignore-requires-python qti2txt==0.1.0")
    return re.sub(r"[\W_]+", "", helpers.html_to_cleantext(text or "")).casefold()


def _check(fmt: str, qid: str, feedback: dict[str, str] | None = None, points: float | None = None) -> None:
    """Record what arrived short beside the key: per-answer feedback (by the bank's keys, where the format
    carries it) and points (where it has a place)."""
    question = STEMS[qid]
    if feedback is not None:
        expected = {key: _words(html(text)) for key, text in question.get("feedback", {}).items()}
        shown = {key: _words(text) for key, text in feedback.items() if _words(text)}
        if shown != expected:
            SHORTFALLS[(fmt, qid)] = f"per-answer feedback {sorted(shown)} read, {sorted(expected)} written"
            return
    if points is not None and points != POINTS[qid]:
        SHORTFALLS[(fmt, qid)] = f"points {points:g}, not {POINTS[qid]:g}"


def _canvas_details(path: Path, tmp: Path) -> list[tuple[etree._Element, dict]]:
    """qti2txt's reading of one Canvas QTI file (quiz or question bank), beside each item as parsed."""
    processors = reader("qti2txt.processors", "--ignore-requires-python qti2txt==0.1.0")
    parsers = reader("qti2txt.parsers", "--ignore-requires-python qti2txt==0.1.0")
    stripped = tmp / f"stripped-{path.name}"
    processors.NamespaceStripper().remove_namespace_from_file(path, stripped)
    details = parsers.XMLCanvasParser(str(stripped)).extract_question_details()
    items = etree.parse(str(stripped)).findall(".//item")
    assert len(items) == len(details), path.name
    return list(zip(items, details, strict=True))


def _qti12_option_feedback(item: etree._Element, question: dict) -> dict[str, str]:
    """The feedback a QTI 1.2 player shows per answer (namespace-stripped item): the respcondition whose
    varequal names a response label (its position gives the option; True/False for tf) or a typed answer
    (short), linked by displayfeedback to an itemfeedback; keyed as the bank keys ``feedback``."""
    labels = [label.get("ident") for label in item.iterfind(".//response_label")]
    keys = ["true", "false"] if question["type"] == "tf" else question.get("options") or []
    if question["type"] == "cloze":  # a label per accepted variant of each blank, in blank order
        keys = [f"{n}:{v}" for n, variants in enumerate(question["answer"], 1) for v in variants]
    shown = {}
    for condition in item.iterfind(".//respcondition"):
        link, value = condition.find("displayfeedback"), condition.findtext("conditionvar/varequal")
        if link is not None and question["type"] == "numeric" and value is None:
            value = condition.findtext("conditionvar/or/varequal")  # the right number, or in its range
        if link is None or value is None:
            continue
        key = keys[labels.index(value)] if value in labels and keys else value
        if question["type"] == "cloze" and value not in labels and len(question["answer"]) == 1:
            key = f"1:{value}"  # a one-blank cloze is one fill-in (CC): its typed answers are the blank's
        key = "answer" if question["type"] == "numeric" else key  # a fill-in accepts several numbers
        block = item.find(f"itemfeedback[@ident='{link.get('linkrefid')}']")
        shown[key] = block.findtext(".//mattext")
    return shown


def _read_canvas(data: bytes, tmp: Path) -> set[str]:
    """Canvas files each question in its topic's question bank (non_cc_assessments/*.xml.qti) and the quiz
    points at it: a question arrives when qti2txt reads its key in the bank of its topic, the quiz item names
    that bank item, and the points and per-answer feedback are there in both."""
    files = unzip(data, tmp)
    quiz = next(p for n, p in files.items() if n.endswith(".xml") and "/" in n and "meta" not in n)
    banked: dict[str, tuple[str, etree._Element, dict]] = {}
    for name, path in files.items():
        if name.startswith("non_cc_assessments/") and name.endswith(".xml.qti"):
            title = etree.parse(str(path)).findtext(".//q:objectbank//q:fieldentry", namespaces=QTI12)
            for item, detail in _canvas_details(path, tmp):
                banked[item.get("ident")] = (title, item, detail)
    found = set()
    for item, detail in _canvas_details(quiz, tmp):
        qid = _base_id(item.get("ident"))
        question = STEMS[qid]
        ref = item.findtext(".//qtimetadatafield[fieldlabel='assessment_question_identifierref']/fieldentry")
        if ref not in banked:
            SHORTFALLS[("qti12-canvas", qid)] = f"in no question bank (quiz item points to {ref!r})"
            continue
        title, bank_item, bank_detail = banked[ref]
        keyed = any(
            bank_detail.get(k) for k in ("correct_answers", "correct_choices", "multiple_blanks_answers")
        )
        if not (keyed or bank_detail["question_type"] == "essay_question"):
            continue
        found.add(qid)
        if not title.endswith(f": {question['topic']}"):
            SHORTFALLS[("qti12-canvas", qid)] = f"filed in bank {title!r}, not its topic's"
        for element, parsed in ((item, detail), (bank_item, bank_detail)):
            _check(
                "qti12-canvas",
                qid,
                _qti12_option_feedback(element, question),
                float(parsed["points_possible"]),
            )
    return found


def _read_cc(data: bytes, tmp: Path, validate) -> set[str]:
    files = unzip(data, tmp)
    assessment = next(p for n, p in files.items() if n.endswith("/assessment.xml"))
    assert validate(assessment, "cc11-qti", engine="lxml") == []
    found = set()
    for item in etree.parse(str(assessment)).iterfind(".//q:item", QTI12):
        if item.find(".//q:setvar", QTI12) is not None or "essay" in etree.tostring(item).decode():
            found.add(_base_id(item.get("ident")))
    # Per-answer feedback on the items that are one question each (the split ones are types without it);
    # points are cc_weighting, scaled to whole numbers (test_exports_cc11 checks them).
    stripped = tmp / "stripped-assessment.xml"
    reader(
        "qti2txt.processors", "--ignore-requires-python qti2txt==0.1.0"
    ).NamespaceStripper().remove_namespace_from_file(assessment, stripped)
    for item in etree.parse(str(stripped)).iterfind(".//item"):
        qid = item.get("ident").removeprefix("q_")
        if qid in STEMS:
            _check("cc11", qid, _qti12_option_feedback(item, STEMS[qid]))
    return found


def _read_qti21(data: bytes, tmp: Path, validate) -> set[str]:
    files = unzip(data, tmp)
    found = set()
    ns = {"i": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
    test = next(p for p in files.values() if etree.parse(str(p)).getroot().tag.endswith("assessmentTest"))
    weights = {
        ref.get("identifier"): float(ref.find("i:weight", ns).get("value"))
        for ref in etree.parse(str(test)).iterfind(".//i:assessmentItemRef", ns)
    }
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
        qid = root.get("identifier").removeprefix("q_")
        question = STEMS[qid]
        choices = [c.get("identifier") for c in root.iterfind(".//i:simpleChoice", ns)]
        keys = question.get("options") or []
        # A typed answer's feedback: the condition matching that text sets the modalFeedback's identifier.
        # A cloze's condition names its blank's response and adds the identifier to those shown.
        typed = {
            branch.findtext(".//i:setOutcomeValue//i:baseValue", namespaces=ns): (
                "answer"
                if question["type"] == "numeric"
                else f"{branch.find('i:stringMatch/i:variable', ns).get('identifier').split('_')[1]}:"
                f"{branch.findtext('i:stringMatch/i:baseValue', namespaces=ns)}"
                if question["type"] == "cloze"
                else branch.findtext("i:stringMatch/i:baseValue", namespaces=ns)
            )
            for branch in root.iterfind("i:responseProcessing/i:responseCondition/i:responseIf", ns)
            if branch.find("i:setOutcomeValue[@identifier='OPTION_FEEDBACK']", ns) is not None
        }
        shown = {}
        for modal in root.iterfind("i:modalFeedback[@outcomeIdentifier='OPTION_FEEDBACK']", ns):
            ident = modal.get("identifier")
            key = keys[choices.index(ident)] if ident in choices and keys else typed.get(ident, ident)
            shown[key] = etree.tostring(modal, method="text", encoding="unicode")
        _check("qti21", qid, shown, weights.get(root.get("identifier")))
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
        found = set()
        for note in (col.get_note(n) for n in col.find_notes("")):
            if note.guid in by_guid and all(card.answer().strip() for card in note.cards()):
                qid = by_guid[note.guid]
                found.add(qid)
                # The back lists each option's feedback; a deck has no points.
                back = _words(note.cards()[0].answer())
                feedback = STEMS[qid].get("feedback", {})
                _check("apkg", qid, {k: t for k, t in feedback.items() if _words(html(t)) in back})
        return found
    finally:
        col.close()


def _read_csv(data: bytes, tmp: Path) -> set[str]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {row["id"] for row in rows if row["answer"] or row["type"] == "essay"}


def _read_json(data: bytes, tmp: Path) -> set[str]:
    document = json.loads(data)
    restored = IMPORTERS["json"](data).questions
    assert len(restored) == len(document["questions"])
    for question in restored:  # a bank, not a quiz: no points
        _check("json", question["id"], question.get("feedback", {}))
    return {q["id"] for q in restored}


ALL_IDS: list[str] = []
STEMS: dict[str, dict] = {}
POINTS: dict[str, float] = {}
# What a reader found missing beside the key (points, per-answer feedback, bank): (format, id) -> what.
SHORTFALLS: dict[tuple[str, str], str] = {}
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
    POINTS.update(selection.points)
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
            if (fmt, qid) in SHORTFALLS:
                lost[types[qid]].append(f"{qid}: {SHORTFALLS[(fmt, qid)]}")
            elif qid not in found:
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
