"""IMS Common Cartridge 1.1 (.imscc) with one assessment in the CC QTI 1.2 profile: the path into Moodle,
Blackboard, Brightspace and Schoology.

The profile has multiple choice, multiple response, true/false, fill-in-the-blank (one blank, exact text),
pattern match and essay. So: mcq, multi, tf and short map directly; a numeric question becomes
fill-in-the-blank on its number's text (a tolerance cannot be expressed); a one-blank cloze becomes
fill-in-the-blank with the blank shown as a line; essay is the profile's essay (not computer-scored; its word
limit, rubric and model answer have no place in the profile); matching and cloze with several blanks have
no CC type and are skipped. Points become ``cc_weighting`` (an integer 1–99).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from lxml import etree

from app.exports import qti12
from app.exports.answers import (
    BLANK_LINE,
    absolute_tolerance,
    feedback_markdown,
    fill_blanks,
    format_number,
    stem_with_unit,
)
from app.exports.archive import build_zip, lom_title, manifest_head, xml_bytes
from app.exports.markup import html, inline_html
from app.exports.model import (
    ExportError,
    ExportResult,
    ExportSelection,
    Unsupported,
    export_filename,
    prepare,
)
from app.exports.qti12 import sub
from app.qtypes.schema import MCQ, TF, Cloze, Essay, Multi, Numeric, Question, Short

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
CC_QTI_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"


def _skip_reason(question: Question) -> str | None:
    handler = HANDLERS[question.type]
    if isinstance(handler, Unsupported):
        return handler.reason
    if isinstance(question, Cloze) and len(question.answer) > 1:
        return (
            f"Common Cartridge 1.1 fill-in-the-blank has one blank, this cloze has {len(question.answer)}; "
            "export as qti12-canvas, qti21 or moodle-xml"
        )
    return None


def _conversion(question: Question) -> str | None:
    if isinstance(question, Numeric):
        answer = question.answer
        reason = f"numeric -> fill-in-the-blank accepting the text '{format_number(answer.value)}'"
        if answer.tolerance:
            margin = absolute_tolerance(answer.value, answer.tolerance, answer.tolerance_mode)
            reason += f"; the tolerance ±{format_number(margin)} cannot be expressed in CC 1.1"
        return reason
    if isinstance(question, Cloze):
        return "cloze with one blank -> fill-in-the-blank (the blank is shown as a line)"
    if isinstance(question, Essay):
        dropped = [
            name
            for name, value in (
                ("word limit", question.word_limit),
                ("rubric", question.rubric),
                ("model answer", question.answer),
            )
            if value
        ]
        if dropped:
            return f"essay without its {', '.join(dropped)} (the CC 1.1 essay profile has no place for them)"
    return None


def _weighting(points: float) -> tuple[str, str | None]:
    weight = min(99, max(1, round(points)))
    note = None if weight == points else f"points {format_number(points)} -> cc_weighting {weight}"
    return str(weight), note


def _accepted_texts(question: Question) -> list[str]:
    if isinstance(question, Short):
        return list(question.answer)
    if isinstance(question, Numeric):
        return [format_number(question.answer.value)]
    if isinstance(question, Cloze):
        return list(question.answer[0])
    raise TypeError(question.type)


def _stem_markdown(question: Question) -> str:
    if isinstance(question, Cloze):
        return fill_blanks(question, BLANK_LINE)
    return stem_with_unit(question)


def _choice(presentation: etree._Element, processing: etree._Element, question: Question) -> None:
    if isinstance(question, TF):
        choices = [("true", "True"), ("false", "False")]
        correct = {"true" if question.answer else "false"}
    else:
        choices = [(f"c{i}", inline_html(option)) for i, option in enumerate(question.options, start=1)]
        wanted = {question.answer} if isinstance(question, MCQ) else set(question.answer)
        correct = {f"c{i}" for i, option in enumerate(question.options, start=1) if option in wanted}
    cardinality = "Multiple" if isinstance(question, Multi) else "Single"
    qti12.choice_response(presentation, "response1", cardinality, choices)
    condvar = qti12.scoring_condition(processing)
    if isinstance(question, Multi):
        both = sub(condvar, "and")
        for ident, _ in choices:
            target = both if ident in correct else sub(both, "not")
            sub(target, "varequal", ident, respident="response1")
    else:
        sub(condvar, "varequal", next(iter(correct)), respident="response1")


def _fib(presentation: etree._Element, processing: etree._Element, question: Question) -> None:
    qti12.text_response(presentation)
    # One condition per accepted text: the profile's rules want varequal directly under conditionvar.
    for accepted in _accepted_texts(question):
        condvar = qti12.scoring_condition(processing)
        sub(condvar, "varequal", accepted, respident="response1", case="No")


def _essay(presentation: etree._Element, processing: etree._Element, question: Question) -> None:
    """The profile's essay: a typed response and no scoring condition (qmd_computerscored is No)."""
    qti12.text_response(presentation)
    # No score is set: a condition that always holds, as Canvas writes it (the schema wants one).
    sub(sub(sub(processing, "respcondition", continue_="Yes"), "conditionvar"), "other")


# One entry per registered type: the CC profile and the item's response and scoring, or Unsupported with the
# reason the question is skipped. The handlers test fails when a registered type is missing here.
HANDLERS: dict[str, tuple[str, Callable[[etree._Element, etree._Element, Any], None]] | Unsupported] = {
    "mcq": ("cc.multiple_choice.v0p1", _choice),
    "multi": ("cc.multiple_response.v0p1", _choice),
    "tf": ("cc.true_false.v0p1", _choice),
    "short": ("cc.fib.v0p1", _fib),
    "numeric": ("cc.fib.v0p1", _fib),
    "cloze": ("cc.fib.v0p1", _fib),
    "matching": Unsupported(
        "Common Cartridge 1.1 has no matching type; export as qti12-canvas, qti21 or moodle-xml"
    ),
    "essay": ("cc.essay.v0p1", _essay),
}


def _build_item(section: etree._Element, question: Question, weight: str, feedback: str) -> None:
    handler = HANDLERS[question.type]
    if isinstance(handler, Unsupported):  # export_cc11 skips these before building items
        raise ExportError(f"{question.id}: {handler.reason}")
    profile, body = handler
    scored = "No" if profile == "cc.essay.v0p1" else "Yes"
    item = sub(section, "item", ident=f"q_{question.id}", title=question.id)
    qti12.metadata(
        sub(item, "itemmetadata"),
        [("cc_profile", profile), ("cc_weighting", weight), ("qmd_computerscored", scored)],
    )
    presentation = sub(item, "presentation")
    qti12.material(presentation, html(_stem_markdown(question)))
    processing = qti12.resprocessing(item)
    body(presentation, processing, question)
    if feedback:
        qti12.item_feedback(item, processing, html(feedback))


def _manifest(selection: ExportSelection, ident: str, href: str) -> etree._Element:
    nsmap = {None: CC_NS, "lomimscc": LOM_NS}
    manifest, metadata = manifest_head(CC_NS, nsmap, f"{ident}_manifest", "IMS Common Cartridge", "1.1.0")
    lom_title(metadata, LOM_NS, selection.title, "string", language="en")
    organizations = etree.SubElement(manifest, f"{{{CC_NS}}}organizations")
    organization = etree.SubElement(
        organizations, f"{{{CC_NS}}}organization", identifier="org_1", structure="rooted-hierarchy"
    )
    top = etree.SubElement(organization, f"{{{CC_NS}}}item", identifier="root")
    entry = etree.SubElement(top, f"{{{CC_NS}}}item", identifier=f"{ident}_item", identifierref=ident)
    etree.SubElement(entry, f"{{{CC_NS}}}title").text = selection.title
    resources = etree.SubElement(manifest, f"{{{CC_NS}}}resources")
    resource = etree.SubElement(resources, f"{{{CC_NS}}}resource", identifier=ident, type=ASSESSMENT_TYPE)
    etree.SubElement(resource, f"{{{CC_NS}}}file", href=href)
    return manifest


def export_cc11(selection: ExportSelection) -> ExportResult:
    """A Common Cartridge 1.1 package holding one assessment (QTI 1.2, CC profile)."""
    questions = prepare(selection)
    skipped: list[tuple[str, str]] = []
    converted: list[tuple[str, str]] = []
    kept: list[tuple[Question, str]] = []
    for question in questions:
        reason = _skip_reason(question)
        if reason:
            skipped.append((question.id, reason))
            continue
        weight, weight_note = _weighting(selection.points_for(question.id))
        for note in (_conversion(question), weight_note):
            if note:
                converted.append((question.id, note))
        kept.append((question, weight))
    if not kept:
        raise ExportError(
            f"Nothing to export as Common Cartridge: every question in {selection.describe()} is of a type "
            "CC 1.1 cannot hold (matching, cloze with several blanks). Export as qti12-canvas, qti21 or moodle-xml."
        )

    key = "\n".join([selection.title, selection.scope, selection.scope_id or "", *(q.id for q, _ in kept)])
    ident = "i" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:32]  # an identifier
    href = f"{ident}/assessment.xml"

    document = qti12.root(CC_QTI_XSD)
    assessment = sub(document, "assessment", ident=f"{ident}_assessment", title=selection.title)
    qti12.metadata(
        assessment,
        [
            ("cc_profile", "cc.exam.v0p1"),
            ("qmd_assessmenttype", "Examination"),
            ("qmd_scoretype", "Percentage"),
            ("cc_maxattempts", "1"),
        ],
    )
    section = sub(assessment, "section", ident="root_section")
    for question, weight in kept:
        article = selection.article_title(question.source.article) if question.source else ""
        _build_item(section, question, weight, feedback_markdown(question, article))

    files = {"imsmanifest.xml": xml_bytes(_manifest(selection, ident, href)), href: xml_bytes(document)}
    return ExportResult(
        data=build_zip(files),
        filename=export_filename(selection, ".imscc"),
        mimetype="application/zip",
        skipped=skipped,
        converted=converted,
    )
