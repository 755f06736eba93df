"""Moodle XML: export every type to Moodle's own question types, and import Moodle XML back as candidates.

Export: a category per topic ($course$/top/Casewise/<topic>); mcq and multi are multichoice (single true /
false, multi with Moodle's partial credit and penalties for wrong choices), tf truefalse, numeric numerical
(absolute tolerance; the unit as Moodle's first unit and, when the stem lacks it, "(answer in …)"; a unit
multiplier as a second, base unit: "US$ million" x1 and "US$" x1000000), short
shortanswer, matching matching, cloze the embedded-answers type with {1:SHORTANSWER:=a~=b} per blank
({1:NUMERICAL:=n:0} when every variant is a number), essay essay (word limit; rubric and model answer as
grader information). The explanation and the source quote are the general
feedback; the question id is the Moodle idnumber.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from collections.abc import Callable
from typing import IO, Any

from lxml import etree

from app.exports.answers import (
    absolute_tolerance,
    feedback_markdown,
    format_number,
    shares,
    split_feedback,
    stem_with_unit,
    strip_unit_hint,
)
from app.exports.archive import xml_frame
from app.exports.markup import html, html_to_markdown, inline_html
from app.exports.model import (
    CATEGORY_ROOT,
    ExportReport,
    ExportResult,
    ExportSelection,
    ImportFormatError,
    ImportResult,
    difficulty_tag,
    export_filename,
    prepare,
    slug_tags,
    split_difficulty,
    stable_import_id,
    topic_from_category,
    unwrap_zip,
    validated_import,
)
from app.plural import counted
from app.qtypes.reading import _SCALES
from app.qtypes.schema import (
    BLANK_RE,
    MCQ,
    NUMERIC_FEEDBACK_KEY,
    TF,
    Cloze,
    Essay,
    Matching,
    Multi,
    Numeric,
    Question,
    Short,
    cloze_feedback_key,
)

NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
# One embedded answer: {weight:TYPE:answers}, where answers may hold backslash-escaped characters.
CLOZE_RE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
# Embedded answers (multianswer) as Moodle 4.x reads them: question/type/multianswer/questiontype.php,
# qtype_multianswer_extract_question (the version with decimal '%50.5%' fractions and the typed
# qtype_multianswer_validate_question, Moodle 4.0 and later). An answer runs lazily up to the first '~', '#'
# or '}' not preceded by '\\', '&' or '&amp;'; then Moodle html_entity_decode()s it and replaces only '\\}' and
# '\\#'. So '}' and '#' are escaped with a backslash, and '~', '\\' and '&' are written as numeric character
# references (decoded by Moodle, invisible to its regex); '/', '"' and ':' need nothing.
CLOZE_ENTITIES = {
    "\\": "&#92;",
    "~": "&#126;",
    "&": "&#38;",
    "<": "&lt;",
    ">": "&gt;",
    "}": "\\}",
    "#": "\\#",
}
MOODLE_ALTERNATIVE = re.compile(
    r"(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)?"
    r"(.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$))"
    r"(#(.*?(?<!\\)(?=[~}]|$)))?",
    re.S,
)


def _text(parent: etree._Element, tag: str, value: str, fmt: str | None = None) -> etree._Element:
    """<tag format=..><text>value</text></tag>; HTML goes in CDATA as Moodle writes it."""
    element = etree.SubElement(parent, tag, **({"format": fmt} if fmt else {}))
    text = etree.SubElement(element, "text")
    text.text = etree.CDATA(value) if fmt == "html" and value and "]]>" not in value else value
    return element


def _field(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def _answer(
    parent: etree._Element, fraction: str, value: str, fmt: str = "html", feedback: str = ""
) -> etree._Element:
    """An <answer> with its per-option feedback (Markdown from the bank, written as HTML)."""
    answer = etree.SubElement(parent, "answer", fraction=fraction, format=fmt)
    etree.SubElement(answer, "text").text = value
    _text(answer, "feedback", html(feedback) if feedback else "", "html")
    return answer


def _cloze_escape(value: str) -> str:
    """An accepted variant inside {1:SHORTANSWER:=…} that Moodle's parser reads back exactly."""
    return "".join(CLOZE_ENTITIES.get(ch, ch) for ch in value)


def _cloze_feedback(feedback: str) -> str:
    """'#feedback' after an embedded answer, or ''. Moodle reads it to the first '~' or '}' not after a
    backslash, html_entity_decode()s it and unescapes '\\}' and '\\#' (qtype_multianswer_extract_question,
    as above) and stores it as HTML: so the HTML goes through the same escaping as an answer."""
    return "#" + _cloze_escape(inline_html(feedback)) if feedback else ""


def _cloze_blank(question: Cloze, blank: int) -> str:
    variants = question.answer[blank - 1]
    if all(NUMBER_RE.match(v.strip()) for v in variants):
        alternatives = [
            f"={v.strip()}:0{_cloze_feedback(question.blank_feedback(blank, v))}" for v in variants
        ]
        return "{1:NUMERICAL:" + "~".join(alternatives) + "}"
    alternatives = [
        "=" + _cloze_escape(v) + _cloze_feedback(question.blank_feedback(blank, v)) for v in variants
    ]
    return "{1:SHORTANSWER:" + "~".join(alternatives) + "}"


def _choice(element: etree._Element, question: MCQ | Multi) -> None:
    single = isinstance(question, MCQ)
    _field(element, "single", "true" if single else "false")
    _field(element, "shuffleanswers", "true")
    _field(element, "answernumbering", "abc")
    _field(element, "showstandardinstruction", "0")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "", "html")
    if single:
        for option in question.options:
            fraction = "100" if option == question.answer else "0"
            _answer(element, fraction, inline_html(option), feedback=question.feedback.get(option, ""))
    else:
        # Right choices share 100 %, wrong ones -100 %, so ticking everything scores nothing.
        right = iter(shares(len(question.answer)))
        wrong = iter(shares(len(question.options) - len(question.answer), -100))
        for option in question.options:
            fraction = next(right) if option in question.answer else next(wrong)
            _answer(element, fraction, inline_html(option), feedback=question.feedback.get(option, ""))


def _truefalse(element: etree._Element, question: TF) -> None:
    feedback = question.feedback
    _answer(
        element, "100" if question.answer else "0", "true", "moodle_auto_format", feedback.get("true", "")
    )
    _answer(
        element, "0" if question.answer else "100", "false", "moodle_auto_format", feedback.get("false", "")
    )


def _numerical(element: etree._Element, question: Numeric) -> None:
    answer = question.answer
    node = _answer(
        element,
        "100",
        format_number(answer.value),
        "moodle_auto_format",
        question.feedback.get(NUMERIC_FEEDBACK_KEY, ""),
    )
    margin = absolute_tolerance(answer.value, answer.tolerance, answer.tolerance_mode)
    _field(node, "tolerance", format_number(margin))
    if answer.unit:
        units = etree.SubElement(element, "units")
        # Moodle wants its first unit at multiplier 1 and reads a response in another unit as value x multiplier,
        # so Casewise's "one unit is N base units" is a second unit, the base, at multiplier N.
        named = [(answer.unit, 1.0)]
        if answer.multiplier != 1:
            named.append((base_unit(answer.unit), answer.multiplier))
        for name, multiplier in named:
            unit = etree.SubElement(units, "unit")
            _field(unit, "multiplier", format_number(multiplier))
            _field(unit, "unit_name", name)
    _field(element, "unitgradingtype", "0")
    _field(element, "unitpenalty", "0.1000000")
    # 3 = units are not asked for; Moodle shows the first unit beside the answer box.
    _field(element, "showunits", "3")
    _field(element, "unitsleft", "0")


def _shortanswer(element: etree._Element, question: Short) -> None:
    _field(element, "usecase", "0")
    for accepted in question.answer:
        _answer(element, "100", accepted, "moodle_auto_format", question.feedback.get(accepted, ""))


def _matching(element: etree._Element, question: Matching) -> None:
    _field(element, "shuffleanswers", "true")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(element, tag, "", "html")
    for pair in question.answer:
        sub = _text(element, "subquestion", inline_html(pair.left), "html")
        answer = etree.SubElement(sub, "answer")
        etree.SubElement(answer, "text").text = pair.right


def _cloze(element: etree._Element, question: Cloze) -> None:
    """The blanks are embedded in the question text (written by `_question`); nothing else to add."""


def _essay(element: etree._Element, question: Essay) -> None:
    # Moodle's essay: an HTML editor, no attachments, the word limit; the rubric and the model answer go in
    # the grader information, which Moodle shows to graders and never to students.
    _field(element, "responseformat", "editor")
    _field(element, "responserequired", "1")
    _field(element, "responsefieldlines", "15")
    _field(element, "minwordlimit", "")
    _field(element, "maxwordlimit", str(question.word_limit) if question.word_limit else "")
    _field(element, "attachments", "0")
    _field(element, "attachmentsrequired", "0")
    _field(element, "maxbytes", "0")
    _field(element, "filetypeslist", "")
    info = "\n\n".join(
        part
        for part in (
            f"**Rubric**\n\n{question.rubric}" if question.rubric else "",
            f"**Model answer**\n\n{question.answer}" if question.answer else "",
        )
        if part
    )
    _text(element, "graderinfo", html(info) if info else "", "html")
    _text(element, "responsetemplate", "", "html")


# One handler per registered type: Moodle's question type and what its <question> holds beyond the shared
# fields. tests/unit/exports/test_exports_handlers.py fails when a registered type is missing here.
HANDLERS: dict[str, tuple[str, Callable[[etree._Element, Any], None]]] = {
    "mcq": ("multichoice", _choice),
    "multi": ("multichoice", _choice),
    "tf": ("truefalse", _truefalse),
    "numeric": ("numerical", _numerical),
    "short": ("shortanswer", _shortanswer),
    "matching": ("matching", _matching),
    "cloze": ("cloze", _cloze),
    "essay": ("essay", _essay),
}


def _question(quiz: etree._Element, question: Question, points: float, feedback: str) -> None:
    kind, body = HANDLERS[question.type]
    element = etree.SubElement(quiz, "question", type=kind)
    _text(element, "name", question.id)
    stem_html = html(stem_with_unit(question))
    if isinstance(question, Cloze):
        stem_html = BLANK_RE.sub(lambda m: _cloze_blank(question, int(m.group(1))), stem_html)
    _text(element, "questiontext", stem_html, "html")
    _text(element, "generalfeedback", html(feedback) if feedback else "", "html")
    _field(element, "defaultgrade", format_number(points))
    _field(element, "penalty", "1" if isinstance(question, TF) else ("0" if kind == "essay" else "0.3333333"))
    _field(element, "hidden", "0")
    _field(element, "idnumber", question.id)
    body(element, question)

    tags = etree.SubElement(element, "tags")
    for tag in [*question.tags, difficulty_tag(question.difficulty)]:
        etree.SubElement(etree.SubElement(tags, "tag"), "text").text = tag


def write_moodle_xml(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the Moodle XML into `out` one <question> at a time (a category before each topic's)."""
    questions = prepare(selection)
    quiz = etree.Element("quiz")
    frame = xml_frame(quiz, quiz)
    topics: dict[str, list[Question]] = {}
    for question in questions:
        topics.setdefault(question.topic, []).append(question)

    def elements():
        for topic, members in topics.items():
            category = etree.SubElement(quiz, "question", type="category")
            _text(category, "category", f"{CATEGORY_ROOT}/{topic}")
            _text(category, "info", "", "html")
            yield category
            for question in members:
                article = selection.article_title(question.source.article) if question.source else ""
                feedback = feedback_markdown(question, article)
                _question(quiz, question, selection.points_for(question.id), feedback)
                yield quiz[-1]

    def pieces():
        for element in elements():
            yield frame.element(element)
            quiz.remove(element)

    frame.write_pieces(out, pieces())
    return ExportReport(filename=export_filename(selection, "-moodle.xml"))


def export_moodle_xml(selection: ExportSelection) -> ExportResult:
    """Moodle XML for Question bank → Import → Moodle XML format, one category per topic."""
    buffer = io.BytesIO()
    report = write_moodle_xml(selection, buffer)
    return ExportResult(data=buffer.getvalue(), filename=report.filename, mimetype="application/xml")


# --- import ------------------------------------------------------------------------------------------


def _child_text(element: etree._Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "") if found is not None else ""


def _rich_text(element: etree._Element, tag: str) -> str:
    """A <tag format=..><text> field as Markdown (HTML converted, other formats taken as they are)."""
    node = element.find(tag)
    if node is None:
        return ""
    value = _child_text(node, "text")
    if node.get("format", "html") == "html":
        return html_to_markdown(value)
    return value.strip()


def _plain(value: str) -> str:
    return html_to_markdown(value) if "<" in value or "&" in value else value.strip()


def _fraction(answer: etree._Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0


def _unescape_cloze(value: str) -> str:
    """As Moodle does: entities decoded, then only '\\}' and '\\#' unescaped."""
    return html_lib.unescape(value).replace("\\}", "}").replace("\\#", "#").strip()


def _cloze_variants(
    kind: str, body: str, where: str, warnings: list[str]
) -> tuple[list[str], dict[str, str]]:
    """The accepted variants of one embedded answer, and the feedback of each that has one."""
    variants: list[str] = []
    feedback: dict[str, str] = {}
    dropped: list[str] = []
    remaining = body
    while match := re.match(r"~?" + MOODLE_ALTERNATIVE.pattern, remaining, re.S):
        fraction, percent, text = match.group(1), match.group(2), match.group(3)
        remaining = remaining[match.end() :]
        correct = fraction == "=" or (percent is not None and float(percent.replace(",", ".")) >= 100)
        said = html_to_markdown(_unescape_cloze(match.group(5) or ""))
        if said and not (correct and text.strip()):
            dropped.append(f"feedback {said!r}")
        if not correct and text.strip():
            dropped.append(f"{'other' if text.strip() == '*' else 'wrong'} answer {_unescape_cloze(text)!r}")
        if kind.startswith(("NUMERICAL", "NM")):
            text = text.split(":", 1)[0]
            if correct and not NUMBER_RE.match(text.strip().replace(",", ".")):
                raise ImportFormatError(f"{where}: numerical blank answer {text.strip()!r} is not a number")
        if correct and text.strip():
            variants.append(_unescape_cloze(text))
            if said:
                feedback[variants[-1]] = said
        if not match.group(0):
            break
    if kind.startswith(("MULTICHOICE", "MC", "MULTIRESPONSE", "MR")):
        warnings.append(f"{where}: a choice blank became a typed blank accepting its correct option")
    if dropped:
        warnings.append(
            f"{where}: in a blank, {', '.join(dropped)} dropped (Casewise blanks keep right answers)"
        )
    return variants, feedback


def _cloze(element: etree._Element, where: str, warnings: list[str]) -> dict:
    """The stem with {{n}} blanks, the accepted variants of each blank and their feedback."""
    source = _child_text(element, "questiontext/text")
    answers: list[list[str]] = []
    feedback: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        variants, said = _cloze_variants(match.group(2), match.group(3), where, warnings)
        if not variants:
            raise ImportFormatError(f"{where}: embedded answer {match.group(0)!r} has no correct answer")
        answers.append(variants)
        feedback.update({cloze_feedback_key(len(answers), v): text for v, text in said.items()})
        return f"{{{{{len(answers)}}}}}"

    stem = html_to_markdown(CLOZE_RE.sub(replace, source))
    return {"stem": stem, "answer": answers, "feedback": feedback}


def base_unit(unit: str) -> str:
    """The unit without its scale words ("US$ million" -> "US$"), or "units" when only a scale is left."""
    kept = [word for word in unit.split() if word.casefold() not in _SCALES]
    return " ".join(kept) or "units"


def _units(element: etree._Element, where: str, warnings: list[str]) -> tuple[str, float]:
    """(unit, multiplier) from Moodle's units: the first unit, and a second one read as its base unit."""
    units = []
    for unit in element.findall("units/unit"):
        try:
            multiplier = float(_child_text(unit, "multiplier").strip() or 1)
        except ValueError as exc:
            raise ImportFormatError(f"{where}: unit multiplier is not a number ({exc})") from exc
        units.append((_child_text(unit, "unit_name").strip(), multiplier))
    if not units:
        return "", 1.0
    (name, first), rest = units[0], units[1:]
    if first != 1 or any(multiplier <= 0 for _, multiplier in rest):
        warnings.append(
            f"{where}: units {_show_units(units)} kept as '{name}' only (Moodle wants the first at x1)"
        )
        return name, 1.0
    if len(rest) > 1:
        warnings.append(
            f"{where}: units {_show_units(rest[1:])} dropped; Casewise keeps one unit and its base"
        )
    return name, rest[0][1] if rest else 1.0


def _show_units(units: list[tuple[str, float]]) -> str:
    return ", ".join(f"'{name}' x{format_number(multiplier)}" for name, multiplier in units)


def _numeric(element: etree._Element, where: str, warnings: list[str]) -> dict:
    answers = sorted(element.findall("answer"), key=_fraction, reverse=True)
    if not answers:
        raise ImportFormatError(f"{where}: numerical question without <answer>")
    best = answers[0]
    try:
        value = float(_child_text(best, "text").strip())
        tolerance = float(_child_text(best, "tolerance").strip() or 0)
    except ValueError as exc:
        raise ImportFormatError(f"{where}: numerical answer is not a number ({exc})") from exc
    dropped = [f"answer {_show_answer(other)}" for other in answers[1:]]
    if dropped:
        warnings.append(
            f"{where}: {'; '.join(dropped)} dropped (Casewise keeps one number and its tolerance)"
        )
    unit, multiplier = _units(element, where, warnings)
    right_feedback = _rich_text(best, "feedback")
    return {
        "answer": {"value": value, "tolerance": abs(tolerance), "unit": unit, "multiplier": multiplier},
        "feedback": {NUMERIC_FEEDBACK_KEY: right_feedback} if right_feedback else {},
    }


def _show_answer(answer: etree._Element) -> str:
    feedback = _rich_text(answer, "feedback")
    text = f"{_child_text(answer, 'text').strip()!r} ({_fraction(answer):g} %"
    return text + (f", feedback {feedback!r})" if feedback else ")")


# What Moodle's essay settings are when nothing is said (qtype_essay's defaults).
ESSAY_DEFAULTS = {
    "responseformat": "editor",
    "responserequired": "1",
    "responsefieldlines": "15",
    "attachments": "0",
}
COMBINED_FEEDBACK = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")


def _unkept(element: etree._Element, kind: str, where: str) -> list[str]:
    """Warnings for what a Moodle question has and a Casewise question cannot keep, so nothing goes silently."""
    found = []
    grade = _child_text(element, "defaultgrade").strip()
    if grade and kind not in ("cloze", "multianswer", "description"):
        try:
            if float(grade) != 1:
                found.append(f"its default mark {float(grade):g} dropped (Casewise sets points per quiz)")
        except ValueError:
            found.append(f"its default mark {grade!r} is not a number; ignored")
    hints = element.findall("hint")
    if hints:
        found.append(f"{counted(len(hints), 'hint')} dropped (Casewise questions have no hints)")
    combined = [tag for tag in COMBINED_FEEDBACK if _rich_text(element, tag)]
    if combined:
        found.append(f"combined feedback ({', '.join(combined)}) dropped; the general feedback is kept")
    files = [file.get("name", "?") for file in element.iter("file")]
    if files:
        found.append(
            f"embedded {'file' if len(files) == 1 else 'files'} {', '.join(map(repr, files))} dropped "
            "(links to them will not work)"
        )
    if kind == "essay":
        changed = [
            f"{tag} {_child_text(element, tag).strip()}"
            for tag, default in ESSAY_DEFAULTS.items()
            if _child_text(element, tag).strip() not in ("", default)
        ]
        if _child_text(element, "attachmentsrequired").strip() not in ("", "0"):
            changed.append(f"attachmentsrequired {_child_text(element, 'attachmentsrequired').strip()}")
        if _rich_text(element, "responsetemplate"):
            changed.append("the response template")
        if changed:
            found.append(f"essay settings dropped ({', '.join(changed)}): Casewise essays are typed text")
    return [f"{where}: {text}" for text in found]


def _essay_fields(element: etree._Element, where: str, warnings: list[str]) -> dict:
    """An essay: Moodle's word limit, and the grader information as rubric (and model answer, when it is
    split the way our export writes it)."""
    fields: dict = {"type": "essay"}
    limit = _child_text(element, "maxwordlimit").strip()
    if limit.isdigit() and int(limit) > 0:
        fields["word_limit"] = int(limit)
    elif limit:
        warnings.append(f"{where}: word limit {limit!r} is not a positive whole number; dropped")
    info = _rich_text(element, "graderinfo")
    rubric, marker, model = info.partition("**Model answer**")
    rubric = rubric.strip()
    rubric = rubric[len("**Rubric**") :].strip() if rubric.startswith("**Rubric**") else rubric
    fields["rubric"] = rubric
    fields["answer"] = model.strip() if marker else ""
    return fields


def _answer_feedback(answers: list[etree._Element], keys: list[str]) -> dict[str, str]:
    """Per-option feedback: each answer's non-empty <feedback>, keyed as the bank keys it."""
    found = {key: _rich_text(answer, "feedback") for answer, key in zip(answers, keys, strict=True)}
    return {key: text for key, text in found.items() if text}


def _question_data(element: etree._Element, kind: str, where: str, warnings: list[str]) -> dict | None:
    """The canonical fields for one Moodle question, or None (with a warning) for a type Casewise lacks."""
    if kind == "multichoice":
        options, fractions = [], []
        answers = element.findall("answer")
        for answer in answers:
            options.append(_plain(_child_text(answer, "text")))
            fractions.append(_fraction(answer))
        correct = [option for option, fraction in zip(options, fractions, strict=True) if fraction > 0]
        single = _child_text(element, "single").strip().lower() != "false"
        feedback = _answer_feedback(answers, options)
        if single and len(correct) == 1 and max(fractions, default=0) >= 99.9:
            return {"type": "mcq", "options": options, "answer": correct[0], "feedback": feedback}
        return {"type": "multi", "options": options, "answer": correct, "feedback": feedback}
    if kind == "truefalse":
        answers = element.findall("answer")
        keys = [_child_text(answer, "text").strip().lower() for answer in answers]
        feedback = _answer_feedback(answers, keys) if set(keys) <= {"true", "false"} else {}
        for answer, key in zip(answers, keys, strict=True):
            if _fraction(answer) > 0:
                return {"type": "tf", "answer": key == "true", "feedback": feedback}
        raise ImportFormatError(f"{where}: truefalse question has no answer with a positive fraction")
    if kind == "numerical":
        return {"type": "numeric", **_numeric(element, where, warnings)}
    if kind == "shortanswer":
        answers = [a for a in element.findall("answer") if _fraction(a) >= 99.9]
        accepted = [_plain(_child_text(a, "text")) for a in answers]
        for partial in (a for a in element.findall("answer") if 0 < _fraction(a) < 99.9):
            warnings.append(
                f"{where}: answer {_plain(_child_text(partial, 'text'))!r} worth {_fraction(partial):g} % dropped "
                "(Casewise short answers are right or wrong); check the question in the review queue"
            )
        for wrong in (a for a in element.findall("answer") if _fraction(a) <= 0):
            warnings.append(
                f"{where}: wrong answer {_show_answer(wrong)} dropped (Casewise marks any other answer wrong)"
            )
        return {"type": "short", "answer": accepted, "feedback": _answer_feedback(answers, accepted)}
    if kind == "matching":
        pairs = []
        for sub in element.findall("subquestion"):
            left = _plain(_child_text(sub, "text"))
            right = _child_text(sub, "answer/text").strip()
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                warnings.append(f"{where}: extra wrong match {right!r} dropped (Casewise matching has none)")
        return {"type": "matching", "answer": pairs}
    if kind in ("cloze", "multianswer"):
        return {"type": "cloze", **_cloze(element, where, warnings)}
    if kind == "essay":
        return _essay_fields(element, where, warnings)
    warnings.append(f"{where}: question type '{kind}' has no Casewise equivalent; skipped")
    return None


def import_moodle_xml(data: bytes) -> ImportResult:
    """Read a Moodle XML question file; every question becomes a candidate with a generated stable id."""
    data = unwrap_zip(data, "Moodle XML", (".xml",))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        quiz = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportFormatError(f"Moodle XML is not well-formed: {exc}") from exc
    if quiz.tag != "quiz":
        raise ImportFormatError(f"line {quiz.sourceline}: root element is <{quiz.tag}>, expected <quiz>")
    topic = "imported"
    questions: list[dict] = []
    warnings: list[str] = []
    errors: list[ImportFormatError] = []
    seen: set[str] = set()
    for element in quiz:
        if not isinstance(element.tag, str):
            continue
        if element.tag != "question":
            raise ImportFormatError(
                f"line {element.sourceline}: <{element.tag}> inside <quiz>, expected <question>"
            )
        kind = element.get("type", "")
        if kind == "category":
            topic = topic_from_category(_child_text(element, "category/text"))
            continue
        name = _child_text(element, "name/text").strip()
        where = f"line {element.sourceline} (question '{name or kind}')"
        try:
            fields = _question_data(element, kind, where, warnings)
        except ImportFormatError as exc:
            errors.append(exc)
            warnings.append(f"skipped: {exc}")
            continue
        if fields is None:
            continue
        warnings.extend(_unkept(element, kind, where))
        idnumber = _child_text(element, "idnumber").strip()
        stem = fields.pop("stem", None) or _rich_text(element, "questiontext")
        if fields["type"] == "numeric":
            stem, hinted_unit = strip_unit_hint(stem)
            fields["answer"]["unit"] = fields["answer"]["unit"] or hinted_unit
        qid = stable_import_id("imp-moodle", idnumber or f"{topic}\n{name}\n{stem}")
        while qid in seen:
            warnings.append(f"{where}: the same question appears twice; the copy gets id {qid}-2")
            qid += "-2"
        seen.add(qid)
        tags, difficulty = split_difficulty(
            slug_tags([_child_text(tag, "text") for tag in element.findall("tags/tag")])
        )
        candidate = {
            "id": qid,
            "stem": stem,
            "explanation": split_feedback(_rich_text(element, "generalfeedback")),
            "topic": topic,
            "status": "candidate",
            "tags": tags,
            **difficulty,
            **fields,
        }
        try:
            questions.append(validated_import(candidate, where))
        except ImportFormatError as exc:
            errors.append(exc)
            warnings.append(f"skipped: {exc}")
    if errors and not questions:
        raise errors[0]  # nothing importable: the first problem, named with its line
    return ImportResult(questions=questions, warnings=warnings)
