"""Canvas classic quiz export: the QTI 1.2 zip Canvas writes itself (manifest, assessment, assessment_meta.xml).

Every question type has a Canvas type (essay is essay_question), so nothing is skipped or converted. The
explanation and the source quote travel as the item's general feedback (Canvas "general answer comments",
shown right or wrong). Each topic is also a Canvas question bank, as Canvas exports them: an `objectbank`
titled by `bank_title` in non_cc_assessments/<ident>.xml.qti, whose items the quiz's items name through
`assessment_question_identifierref`.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import IO, Any

from lxml import etree

from app.exports import qti12
from app.exports.answers import feedback_markdown, format_number, numeric_bounds, shares, stem_with_unit
from app.exports.archive import Spool, ZipStream, lom_title, manifest_head, xml_bytes, xml_frame
from app.exports.markup import html, inline_html
from app.exports.model import ExportReport, ExportResult, ExportSelection, export_filename, prepare
from app.exports.qti12 import sub
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
)

CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
LEARNING_APP = "associatedcontent/imscc_xmlv1p1/learning-application-resource"


def item_ident(question: Question) -> str:
    return f"q_{question.id}"


def _quiz_ident(selection: ExportSelection, questions: list[Question]) -> str:
    key = "\n".join([selection.title, selection.scope, selection.scope_id or "", *(q.id for q in questions)])
    return "g" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:32]  # an identifier


def _points(value: float) -> str:
    return format_number(value) if value != int(value) else f"{value:.1f}"


class _ChoiceIds:
    """Numeric answer idents, unique across the assessment, as Canvas writes them."""

    def __init__(self, item_number: int) -> None:
        self.base = item_number * 1000
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return str(self.base + self.count)


def _stem_html(question: Question) -> str:
    return f"<div>{html(stem_with_unit(question))}</div>"


def _choice(
    presentation: etree._Element, processing: etree._Element, question: Question, ids: _ChoiceIds
) -> list[str]:
    if isinstance(question, TF):
        choices = [(ids.next(), "True"), (ids.next(), "False")]
        correct = {choices[0 if question.answer else 1][0]}
        keys = ["true", "false"]
    else:
        keys = list(question.options)
        choices = [(ids.next(), inline_html(option)) for option in question.options]
        wanted = {question.answer} if isinstance(question, MCQ) else set(question.answer)
        correct = {
            ident for (ident, _), option in zip(choices, question.options, strict=True) if option in wanted
        }
    answer_ids = [ident for ident, _ in choices]
    cardinality = "Multiple" if isinstance(question, Multi) else "Single"
    qti12.choice_response(presentation, "response1", cardinality, choices)
    condvar = qti12.scoring_condition(processing)
    if isinstance(question, Multi):
        both = sub(condvar, "and")
        for ident in answer_ids:
            target = both if ident in correct else sub(both, "not")
            sub(target, "varequal", ident, respident="response1")
    else:
        sub(condvar, "varequal", next(iter(correct)), respident="response1")
    item = processing.getparent()
    for ident, key in zip(answer_ids, keys, strict=True):
        if question.feedback.get(key):
            qti12.answer_feedback(item, processing, "response1", ident, html(question.feedback[key]))
    return answer_ids


def _numerical(
    presentation: etree._Element, processing: etree._Element, question: Numeric, ids: _ChoiceIds
) -> list[str]:
    qti12.text_response(presentation, fibtype="Decimal")
    low, high = numeric_bounds(question)

    def right_number(condvar: etree._Element) -> None:
        either = sub(condvar, "or")
        sub(either, "varequal", format_number(question.answer.value), respident="response1")
        if high > low:
            both = sub(either, "and")
            sub(both, "vargte", format_number(low), respident="response1")
            sub(both, "varlte", format_number(high), respident="response1")

    right_number(qti12.scoring_condition(processing))
    said = question.feedback.get(NUMERIC_FEEDBACK_KEY)
    if said:
        # Shown when the number is right: the scoring condition again, then the answer's feedback.
        item = processing.getparent()
        ident = f"{item.get('ident')}_a1"
        condition = sub(processing, "respcondition", continue_="Yes")
        right_number(sub(condition, "conditionvar"))
        sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
        qti12.material(sub(sub(item, "itemfeedback", ident=f"{ident}_fb"), "flow_mat"), html(said))
    return []


def _short(
    presentation: etree._Element, processing: etree._Element, question: Short, ids: _ChoiceIds
) -> list[str]:
    qti12.text_response(presentation)
    condvar = qti12.scoring_condition(processing)
    for accepted in question.answer:
        sub(condvar, "varequal", accepted, respident="response1")
    item = processing.getparent()
    for number, accepted in enumerate(question.answer, start=1):
        if question.feedback.get(accepted):
            # The answer's text is what the condition compares; the feedback ident names it by position.
            ident = f"{item.get('ident')}_a{number}"
            qti12.answer_feedback(
                item, processing, "response1", ident, html(question.feedback[accepted]), value=accepted
            )
    return []


def _cloze(
    presentation: etree._Element, processing: etree._Element, question: Cloze, ids: _ChoiceIds
) -> list[str]:
    answer_ids: list[str] = []
    parts = iter(shares(len(question.answer), 100, 2))  # two decimals that add up to exactly 100
    for number_, variants in enumerate(question.answer, start=1):
        blank = f"blank{number_}"
        choices = [(ids.next(), variant) for variant in variants]
        answer_ids += [ident for ident, _ in choices]
        lid = sub(presentation, "response_lid", ident=f"response_{blank}")
        qti12.material(lid, blank, texttype="text/plain")
        render = sub(lid, "render_choice")
        for ident, variant in choices:
            qti12.material(sub(render, "response_label", ident=ident), variant, texttype="text/plain")
        condvar = qti12.scoring_condition(processing, action="Add", score=next(parts))
        sub(condvar, "varequal", choices[0][0], respident=f"response_{blank}")
    item = processing.getparent()
    ident_of = iter(answer_ids)
    for number_, variants in enumerate(question.answer, start=1):
        for variant in variants:
            ident, said = next(ident_of), question.blank_feedback(number_, variant)
            if said:
                qti12.answer_feedback(item, processing, f"response_blank{number_}", ident, html(said))
    return answer_ids


def _matching(
    presentation: etree._Element, processing: etree._Element, question: Matching, ids: _ChoiceIds
) -> list[str]:
    parts = iter(shares(len(question.answer), 100, 2))  # 33.34 + 33.33 + 33.33 = 100, not 99.99
    pairs = [(ids.next(), pair) for pair in question.answer]
    # Canvas lists every right-hand item in each drop-down; sorted so the order gives nothing away.
    rights = sorted(((ids.next(), pair.right) for _, pair in pairs), key=lambda item: item[1].casefold())
    match_id = {text: ident for ident, text in rights}
    for ident, pair in pairs:
        lid = sub(presentation, "response_lid", ident=f"response_{ident}")
        qti12.material(lid, inline_html(pair.left))
        render = sub(lid, "render_choice")
        for right_ident, text in rights:
            qti12.material(sub(render, "response_label", ident=right_ident), text, texttype="text/plain")
        condvar = qti12.scoring_condition(processing, action="Add", score=next(parts))
        sub(condvar, "varequal", match_id[pair.right], respident=f"response_{ident}")
    return [ident for ident, _ in pairs]


def _essay(
    presentation: etree._Element, processing: etree._Element, question: Essay, ids: _ChoiceIds
) -> list[str]:
    """Canvas's essay_question: a free-text response with no scoring condition (graded in SpeedGrader)."""
    qti12.text_response(presentation)
    # No score is set: a condition that always holds, as Canvas writes it (the schema wants one).
    sub(sub(sub(processing, "respcondition", continue_="Yes"), "conditionvar"), "other")
    return []


# One handler per registered type: Canvas's question_type and the item's response and scoring. The handlers
# test fails when a registered type is missing here.
HANDLERS: dict[str, tuple[str, Callable[[etree._Element, etree._Element, Any, _ChoiceIds], list[str]]]] = {
    "mcq": ("multiple_choice_question", _choice),
    "multi": ("multiple_answers_question", _choice),
    "tf": ("true_false_question", _choice),
    "numeric": ("numerical_question", _numerical),
    "cloze": ("fill_in_multiple_blanks_question", _cloze),
    "matching": ("matching_question", _matching),
    "short": ("short_answer_question", _short),
    "essay": ("essay_question", _essay),
}


def bank_item_ident(question: Question) -> str:
    return f"aq_{question.id}"


def _build_item(
    section: etree._Element, question: Question, number: int, points: float, feedback: str, ident: str
) -> None:
    canvas_type, body = HANDLERS[question.type]
    item = sub(section, "item", ident=ident, title=question.id)
    meta_block = sub(item, "itemmetadata")
    presentation = sub(item, "presentation")
    stem_html = _stem_html(question)
    if isinstance(question, Cloze):
        stem_html = BLANK_RE.sub(lambda m: f"[blank{m.group(1)}]", stem_html)
    qti12.material(presentation, stem_html)
    processing = qti12.resprocessing(item)
    answer_ids = body(presentation, processing, question, _ChoiceIds(number))

    qti12.metadata(
        meta_block,
        [
            ("question_type", canvas_type),
            ("points_possible", _points(points)),
            ("original_answer_ids", ",".join(answer_ids)),
            ("assessment_question_identifierref", bank_item_ident(question)),
        ],
    )
    if feedback:
        qti12.item_feedback(item, processing, html(feedback))


def _bank_ident(ident: str, topic: str) -> str:
    return "b" + hashlib.sha1(f"{ident}\n{topic}".encode(), usedforsecurity=False).hexdigest()[:32]


def _bank_document(
    selection: ExportSelection, bank_ident: str, topic: str
) -> tuple[etree._Element, etree._Element]:
    document = qti12.root(QTI_XSD)
    bank = sub(document, "objectbank", ident=bank_ident)
    qti12.metadata(bank, [("bank_title", bank_title(selection, topic))])
    return document, bank


def bank_title(selection: ExportSelection, topic: str) -> str:
    return f"{selection.title}: {topic}"


def _article_title(selection: ExportSelection, question: Question) -> str:
    return selection.article_title(question.source.article) if question.source else ""


def _assessment_meta(selection: ExportSelection, ident: str, total: float) -> etree._Element:
    xsi = qti12.XSI_NS
    quiz = etree.Element(f"{{{CANVAS_NS}}}quiz", nsmap={None: CANVAS_NS, "xsi": xsi}, identifier=ident)
    quiz.set(f"{{{xsi}}}schemaLocation", f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd")

    def field(parent: etree._Element, tag: str, text: str) -> None:
        etree.SubElement(parent, f"{{{CANVAS_NS}}}{tag}").text = text

    field(quiz, "title", selection.title)
    field(quiz, "description", "")
    for tag, value in [
        ("shuffle_answers", "true"),
        ("scoring_policy", "keep_highest"),
        ("hide_results", ""),
        ("quiz_type", "assignment"),
        ("points_possible", _points(total)),
        ("show_correct_answers", "true"),
        ("anonymous_submissions", "false"),
        ("could_be_locked", "false"),
        ("allowed_attempts", "1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
        ("one_time_results", "false"),
        ("show_correct_answers_last_attempt", "false"),
        ("only_visible_to_overrides", "false"),
        ("module_locked", "false"),
    ]:
        field(quiz, tag, value)
    assignment = etree.SubElement(quiz, f"{{{CANVAS_NS}}}assignment", identifier=f"{ident}_assignment")
    for tag, value in [
        ("title", selection.title),
        ("workflow_state", "unpublished"),
        ("quiz_identifierref", ident),
        ("points_possible", _points(total)),
        ("grading_type", "points"),
        ("submission_types", "online_quiz"),
    ]:
        field(assignment, tag, value)
    etree.SubElement(quiz, f"{{{CANVAS_NS}}}assignment_overrides")
    return quiz


def _manifest(selection: ExportSelection, ident: str, banks: list[str]) -> etree._Element:
    nsmap = {None: CP_NS, "imsmd": IMSMD_NS}
    manifest, metadata = manifest_head(CP_NS, nsmap, f"{ident}_manifest", "IMS Content", "1.1.3")
    lom_title(metadata, IMSMD_NS, selection.title, "string")
    etree.SubElement(manifest, f"{{{CP_NS}}}organizations")
    resources = etree.SubElement(manifest, f"{{{CP_NS}}}resources")
    quiz = etree.SubElement(resources, f"{{{CP_NS}}}resource", identifier=ident, type="imsqti_xmlv1p2")
    etree.SubElement(quiz, f"{{{CP_NS}}}file", href=f"{ident}/{ident}.xml")
    etree.SubElement(quiz, f"{{{CP_NS}}}dependency", identifierref=f"{ident}_meta")
    meta = etree.SubElement(
        resources,
        f"{{{CP_NS}}}resource",
        identifier=f"{ident}_meta",
        type=LEARNING_APP,
        href=f"{ident}/assessment_meta.xml",
    )
    etree.SubElement(meta, f"{{{CP_NS}}}file", href=f"{ident}/assessment_meta.xml")
    for bank_ident in banks:
        href = f"non_cc_assessments/{bank_ident}.xml.qti"
        bank = etree.SubElement(
            resources, f"{{{CP_NS}}}resource", identifier=bank_ident, type=LEARNING_APP, href=href
        )
        etree.SubElement(bank, f"{{{CP_NS}}}file", href=href)
    return manifest


def write_qti12_canvas(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the Canvas zip into `out` item by item: the quiz's items stream into its file, and each
    topic's bank copies (the same items under the idents the quiz points to) are spooled to a temporary
    file until the quiz is written, so no whole tree of the bank is ever in memory."""
    questions = prepare(selection)
    ident = _quiz_ident(selection, questions)
    total = sum(selection.points_for(q.id) for q in questions)
    banks = {topic: _bank_ident(ident, topic) for topic in dict.fromkeys(q.topic for q in questions)}

    document = qti12.root(QTI_XSD)
    assessment = sub(document, "assessment", ident=ident, title=selection.title)
    qti12.metadata(assessment, [("cc_maxattempts", "1")])
    section = sub(assessment, "section", ident="root_section")
    quiz_frame = xml_frame(document, section)
    bank_frame = xml_frame(*_bank_document(selection, "b", ""))  # every bank file's items sit at its level

    with ZipStream(out) as archive, Spool() as spool:
        archive.write(f"{ident}/assessment_meta.xml", xml_bytes(_assessment_meta(selection, ident, total)))
        with archive.open(f"{ident}/{ident}.xml") as entry:
            entry.write(quiz_frame.head)
            for number, question in enumerate(questions, start=1):
                feedback = feedback_markdown(question, _article_title(selection, question))
                points = selection.points_for(question.id)
                _build_item(section, question, number, points, feedback, item_ident(question))
                item = section[-1]
                if number > 1:
                    entry.write(b"\n" + b"  " * quiz_frame.level)
                entry.write(quiz_frame.element(item))
                item.set("ident", bank_item_ident(question))
                spool.add(question.topic, bank_frame.element(item))
                section.remove(item)
            entry.write(quiz_frame.tail)
        archive.write("imsmanifest.xml", xml_bytes(_manifest(selection, ident, list(banks.values()))))
        for topic, bank_ident in sorted(banks.items(), key=lambda pair: pair[1]):
            bank_document, bank = _bank_document(selection, bank_ident, topic)
            frame = xml_frame(bank_document, bank)
            with archive.open(f"non_cc_assessments/{bank_ident}.xml.qti") as entry:
                frame.write_pieces(entry, spool.read(topic))
    return ExportReport(filename=export_filename(selection, "-canvas-qti.zip"))


def export_qti12_canvas(selection: ExportSelection) -> ExportResult:
    """A zip for Canvas: Settings → Import Course Content → QTI .zip file."""
    buffer = io.BytesIO()
    report = write_qti12_canvas(selection, buffer)
    return ExportResult(data=buffer.getvalue(), filename=report.filename, mimetype="application/zip")
