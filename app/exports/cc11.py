"""IMS Common Cartridge 1.1 (.imscc) with one assessment in the CC QTI 1.2 profile: the path into Moodle,
Blackboard, Brightspace and Schoology.

The profile has multiple choice (three choices or more), multiple response, true/false, fill-in-the-blank
(exact text, no numeric range: the profile removed ``vargte``/``varlte``), pattern match and essay. Every
registered type arrives gradable:

- mcq, multi, tf and short map directly;
- numeric becomes fill-in-the-blank accepting the *set* of numbers inside the tolerance, written at the
  answer's precision (19.5, 19.6 … 20.5 for 20 ± 0.5);
- a cloze becomes one fill-in-the-blank item per blank, each showing the whole sentence and carrying the
  question's feedback and source;
- matching becomes one multiple choice per left item (its choices: every right item), or one
  fill-in-the-blank per left item naming the choices when there are fewer than three;
- essay is the profile's essay; its word limit goes into the prompt, its model answer and rubric into the
  feedback shown after grading.

Beside the assessment the cartridge carries its question bank (``imsqti_xmlv1p2/imscc_xmlv1p1/question-bank``:
an ``objectbank`` holding the same items), so an LMS files the questions in its pool too. The profile allows
one question bank per cartridge (manifest RULE 4a) and no sections in it, so the bank is titled with the
topics it holds rather than split per topic.

Points become ``cc_weighting`` (a whole number 1–99). All weights are multiplied by one factor so that they
are whole and the parts of a split question add up exactly to its points. A conversion that would lose
something (a tolerance needing more accepted values than ``MAX_ACCEPTED``, points no factor makes whole)
stops the export unless the selection accepts the loss (``flask export --accept-loss``, or the checkbox on the
export page).
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import IO

from lxml import etree

from app.exports import qti12
from app.exports.answers import (
    BLANK_LINE,
    absolute_tolerance,
    feedback_markdown,
    format_number,
    stem_with_unit,
)
from app.exports.archive import Spool, ZipStream, lom_title, manifest_head, xml_bytes, xml_frame
from app.exports.markup import html, inline_html
from app.exports.model import (
    ExportError,
    ExportReport,
    ExportResult,
    ExportSelection,
    export_filename,
    prepare,
)
from app.exports.qti12 import sub
from app.plural import counted
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

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
CC_QTI_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
QUESTION_BANK_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank"
# At most this many accepted values stand in for a numeric tolerance; beyond it the step is coarsened (a loss).
MAX_ACCEPTED = 401
# Above this many accepted values, a numeric answer's feedback is attached to the exact value only.
MAX_FEEDBACK_COPIES = 21
MAX_WEIGHT = 99

Build = Callable[[etree._Element, etree._Element], None]


@dataclass(frozen=True)
class Part:
    """One CC item made from a question: a whole question, or one blank / one left item of it."""

    profile: str
    stem: str  # Markdown
    build: Build
    suffix: str = ""  # '' for the question itself, '-b2' / '-m3' for a part
    extra_feedback: str = ""


@dataclass(frozen=True)
class Plan:
    """How a question goes into the profile: its items, what was converted, what would be lost."""

    parts: list[Part]
    conversion: str | None = None
    loss: str | None = None


def _choice_build(
    choices: list[tuple[str, str]], correct: set[str], multiple: bool, feedback: dict[str, str] | None = None
) -> Build:
    """A choice item; ``feedback`` maps a choice ident to the Markdown shown when it is picked."""

    def build(presentation: etree._Element, processing: etree._Element) -> None:
        qti12.choice_response(presentation, "response1", "Multiple" if multiple else "Single", choices)
        condvar = qti12.scoring_condition(processing)
        if multiple:
            both = sub(condvar, "and")
            for ident, _ in choices:
                target = both if ident in correct else sub(both, "not")
                sub(target, "varequal", ident, respident="response1")
        else:
            sub(condvar, "varequal", next(iter(correct)), respident="response1")
        for ident, text in (feedback or {}).items():
            qti12.answer_feedback(processing.getparent(), processing, "response1", ident, html(text))

    return build


def _fib_build(accepted: list[str], feedback: dict[str, str] | None = None) -> Build:
    """A fill-in item; ``feedback`` maps an accepted text to the Markdown shown when it is typed."""

    def build(presentation: etree._Element, processing: etree._Element) -> None:
        qti12.text_response(presentation)
        # One condition per accepted text: the profile's rules want varequal directly under conditionvar.
        for text in dict.fromkeys(accepted):
            condvar = qti12.scoring_condition(processing)
            sub(condvar, "varequal", text, respident="response1", case="No")
        item = processing.getparent()
        for number, text in enumerate(accepted, start=1):
            if (feedback or {}).get(text):
                ident = f"{item.get('ident')}_a{number}"
                qti12.answer_feedback(
                    item, processing, "response1", ident, html(feedback[text]), value=text, case="No"
                )

    return build


def _essay_build(presentation: etree._Element, processing: etree._Element) -> None:
    """The profile's essay: a typed response and no scoring condition (qmd_computerscored is No)."""
    qti12.text_response(presentation)
    # No score is set: a condition that always holds, as Canvas writes it (the schema wants one).
    sub(sub(sub(processing, "respcondition", continue_="Yes"), "conditionvar"), "other")


def _choice_plan(question: MCQ | Multi | TF) -> Plan:
    if isinstance(question, TF):
        choices = [("true", "True"), ("false", "False")]
        correct = {"true" if question.answer else "false"}
        keys = ["true", "false"]
    else:
        keys = list(question.options)
        choices = [(f"c{i}", inline_html(option)) for i, option in enumerate(question.options, start=1)]
        wanted = {question.answer} if isinstance(question, MCQ) else set(question.answer)
        correct = {f"c{i}" for i, option in enumerate(question.options, start=1) if option in wanted}
    profile = {"mcq": "cc.multiple_choice.v0p1", "multi": "cc.multiple_response.v0p1"}.get(
        question.type, "cc.true_false.v0p1"
    )
    feedback = {
        ident: question.feedback[key]
        for (ident, _), key in zip(choices, keys, strict=True)
        if question.feedback.get(key)
    }
    build = _choice_build(choices, correct, isinstance(question, Multi), feedback)
    return Plan([Part(profile, question.stem, build)])


def _short_plan(question: Short) -> Plan:
    build = _fib_build(list(question.answer), question.feedback)
    return Plan([Part("cc.fib.v0p1", question.stem, build)])


def _decimals(value: float) -> int:
    text = format_number(value)
    return len(text.partition(".")[2])


def accepted_numbers(question: Numeric) -> tuple[list[str], Decimal, bool]:
    """The numbers inside the tolerance at the answer's precision, the step, and whether it was coarsened.

    The step is one unit of the last decimal of the answer (and of an absolute tolerance): 20 ± 0.5 accepts
    19.5, 19.6 … 20.5; 3.74 ± 5 % accepts 3.56 … 3.92.
    """
    answer = question.answer
    places = _decimals(answer.value)
    if answer.tolerance_mode == "absolute":
        places = max(places, _decimals(answer.tolerance))
    step = Decimal(1).scaleb(-places)
    value = Decimal(format_number(answer.value))
    margin = Decimal(format_number(absolute_tolerance(answer.value, answer.tolerance, answer.tolerance_mode)))
    coarsened = False
    while (2 * margin / step) + 1 > MAX_ACCEPTED:
        step *= 10
        coarsened = True
    low = math.ceil((value - margin - value) / step)
    high = math.floor((value + margin - value) / step)
    texts = [format_number(float(value + k * step)) for k in range(low, high + 1)]
    exact = format_number(answer.value)
    return [exact, *(t for t in texts if t != exact)], step, coarsened


def _numeric_plan(question: Numeric) -> Plan:
    answer = question.answer
    accepted, step, coarsened = accepted_numbers(question)
    conversion = f"numeric -> fill-in-the-blank accepting '{accepted[0]}'"
    loss = None
    if answer.tolerance:
        margin = absolute_tolerance(answer.value, answer.tolerance, answer.tolerance_mode)
        conversion = (
            f"numeric ±{format_number(margin)} -> fill-in-the-blank accepting {len(accepted)} values "
            f"from {min(accepted, key=float)} to {max(accepted, key=float)} in steps of "
            f"{format_number(float(step))} (CC 1.1 has no numeric range)"
        )
        if coarsened:
            loss = (
                f"the tolerance ±{format_number(margin)} would need more than {MAX_ACCEPTED} accepted values; "
                f"only multiples of {format_number(float(step))} are accepted"
            )
    said = question.feedback.get(NUMERIC_FEEDBACK_KEY)
    feedback = {}
    if said:
        # The right number's feedback on each accepted value, as long as that stays a handful of copies.
        shown = accepted if len(accepted) <= MAX_FEEDBACK_COPIES else accepted[:1]
        feedback = dict.fromkeys(shown, said)
        if len(shown) < len(accepted):
            conversion += f"; its feedback is shown for '{accepted[0]}' only"
    build = _fib_build(accepted, feedback)
    return Plan([Part("cc.fib.v0p1", stem_with_unit(question), build)], conversion, loss)


def _blank_feedback(question: Cloze, number: int) -> dict[str, str]:
    """Accepted variant of blank ``number`` -> its feedback, for the fill-in item of that blank."""
    return {v: said for v in question.answer[number - 1] if (said := question.blank_feedback(number, v))}


def _cloze_plan(question: Cloze) -> Plan:
    count = len(question.answer)
    if count == 1:
        stem = BLANK_RE.sub(BLANK_LINE, question.stem)
        build = _fib_build(list(question.answer[0]), _blank_feedback(question, 1))
        return Plan(
            [Part("cc.fib.v0p1", stem, build)],
            "cloze with one blank -> fill-in-the-blank (the blank is shown as a line)",
        )
    parts = []
    for number in range(1, count + 1):

        def show(match, number=number) -> str:
            own = int(match.group(1)) == number
            return f"**({match.group(1)})** {BLANK_LINE}" if own else f"({match.group(1)}) {BLANK_LINE}"

        stem = f"{BLANK_RE.sub(show, question.stem)}\n\nFill in blank ({number}) of {count}."
        build = _fib_build(list(question.answer[number - 1]), _blank_feedback(question, number))
        parts.append(Part("cc.fib.v0p1", stem, build, f"-b{number}"))
    return Plan(parts, f"cloze with {count} blanks -> {count} fill-in-the-blank items, one per blank")


def _matching_plan(question: Matching) -> Plan:
    rights = sorted((pair.right for pair in question.answer), key=str.casefold)
    count = len(question.answer)
    parts = []
    for number, pair in enumerate(question.answer, start=1):
        if len(rights) >= 3:
            choices = [(f"c{i}", inline_html(right)) for i, right in enumerate(rights, start=1)]
            correct = {f"c{rights.index(pair.right) + 1}"}
            stem = f"{question.stem}\n\n**{pair.left}** matches:"
            parts.append(
                Part("cc.multiple_choice.v0p1", stem, _choice_build(choices, correct, False), f"-m{number}")
            )
        else:
            names = " or ".join(f"“{right}”" for right in rights)
            stem = f"{question.stem}\n\n**{pair.left}** matches (type {names}):"
            parts.append(Part("cc.fib.v0p1", stem, _fib_build([pair.right]), f"-m{number}"))
    kind = "multiple-choice" if len(rights) >= 3 else "fill-in-the-blank"
    return Plan(parts, f"matching with {count} pairs -> {count} {kind} items, one per left item")


def _essay_plan(question: Essay) -> Plan:
    stem = question.stem
    if question.word_limit:
        stem += f"\n\n(At most {question.word_limit} words.)"
    extra = "\n\n".join(
        f"**{label}:**\n\n{text.strip()}"
        for label, text in (("Model answer", question.answer), ("Rubric", question.rubric))
        if text.strip()
    )
    moved = [
        what
        for what, value in (
            ("word limit into the prompt", question.word_limit),
            ("model answer into the feedback", question.answer),
            ("rubric into the feedback", question.rubric),
        )
        if value
    ]
    conversion = f"essay: {', '.join(moved)} (the CC 1.1 essay has no place for them)" if moved else None
    return Plan([Part("cc.essay.v0p1", stem, _essay_build, extra_feedback=extra)], conversion)


# One entry per registered type: how its questions become CC items. The handlers test fails when a registered
# type is missing here.
HANDLERS: dict[str, Callable[..., Plan]] = {
    "mcq": _choice_plan,
    "multi": _choice_plan,
    "tf": _choice_plan,
    "short": _short_plan,
    "numeric": _numeric_plan,
    "cloze": _cloze_plan,
    "matching": _matching_plan,
    "essay": _essay_plan,
}


def _split(total: int, count: int) -> list[int]:
    """``count`` whole numbers adding up to ``total``, as equal as possible (the first ones larger)."""
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def weights(points: list[tuple[float, int]]) -> tuple[list[list[int]], int | None]:
    """Whole ``cc_weighting``s for (points, number of parts) per question, and the common factor.

    The smallest factor that makes every question's points whole, at least its number of parts, and at most
    ``MAX_WEIGHT`` per part (equal parts preferred). None as the factor means no factor works: the points
    are rounded (a loss the caller reports).
    """
    kinds = {(Fraction(p).limit_denominator(1000), n) for p, n in points}  # few distinct pairs in a bank

    def fits(factor: int, even: bool) -> bool:
        for fraction, n in kinds:
            total = fraction * factor
            if total.denominator != 1 or total < n or math.ceil(total / n) > MAX_WEIGHT:
                return False
            if even and int(total) % n:
                return False
        return True

    for even in (True, False):
        factor = next((f for f in range(1, MAX_WEIGHT + 1) if fits(f, even)), None)
        if factor is not None:
            return [_split(int(Fraction(p).limit_denominator(1000) * factor), n) for p, n in points], factor
    return [_split(max(n, min(MAX_WEIGHT * n, round(p))), n) for p, n in points], None


def _build_item(
    section: etree._Element, question: Question, part: Part, weight: int, feedback_html: str
) -> None:
    scored = "No" if part.profile == "cc.essay.v0p1" else "Yes"
    ident = f"q_{question.id}{part.suffix}"
    item = sub(section, "item", ident=ident, title=f"{question.id}{part.suffix}")
    qti12.metadata(
        sub(item, "itemmetadata"),
        [("cc_profile", part.profile), ("cc_weighting", str(weight)), ("qmd_computerscored", scored)],
    )
    presentation = sub(item, "presentation")
    qti12.material(presentation, html(part.stem))
    processing = qti12.resprocessing(item)
    part.build(presentation, processing)
    text = "\n".join(
        t for t in (feedback_html, html(part.extra_feedback) if part.extra_feedback else "") if t
    )
    if text:
        qti12.item_feedback(item, processing, text)


def _manifest(selection: ExportSelection, ident: str, href: str, bank_href: str) -> etree._Element:
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
    bank = etree.SubElement(
        resources, f"{{{CC_NS}}}resource", identifier=f"{ident}_bank", type=QUESTION_BANK_TYPE
    )
    etree.SubElement(bank, f"{{{CC_NS}}}file", href=bank_href)
    return manifest


def bank_title(selection: ExportSelection, questions: list[Question]) -> str:
    topics = list(dict.fromkeys(question.topic for question in questions))
    return f"{selection.title}: {', '.join(topics)}"


def _account(selection: ExportSelection, questions: list[Question]):
    """Each question's plan and item weights, and what is converted or lost; raises ExportError on a loss
    the instructor has not accepted."""
    plans = [HANDLERS[question.type](question) for question in questions]
    converted: list[tuple[str, str]] = []
    lost: list[tuple[str, str]] = []
    for question, plan in zip(questions, plans, strict=True):
        if plan.conversion:
            converted.append((question.id, plan.conversion))
        if plan.loss:
            lost.append((question.id, plan.loss))

    points = [selection.points_for(q.id) for q in questions]
    item_weights, factor = weights([(p, len(plan.parts)) for p, plan in zip(points, plans, strict=True)])
    for question, p, ws in zip(questions, points, item_weights, strict=True):
        if factor is None:
            lost.append(
                (question.id, f"points {format_number(p)} -> cc_weighting {'+'.join(map(str, ws))} (rounded)")
            )
        elif factor != 1 or len(ws) > 1:
            converted.append(
                (
                    question.id,
                    f"points {format_number(p)} -> cc_weighting {'+'.join(map(str, ws))} "
                    f"(every weight × {factor}: CC 1.1 weights are whole numbers 1–{MAX_WEIGHT})",
                )
            )
    if lost and not selection.accept_loss:
        listed = "; ".join(f"{qid}: {what}" for qid, what in lost)
        raise ExportError(
            f"Common Cartridge 1.1 cannot hold {counted(len(lost), 'question')} of {selection.describe()} "
            "without a loss "
            f"— {listed}. Export as qti12-canvas, qti21 or moodle-xml, or accept the loss "
            "(flask export --accept-loss, or tick “Accept the loss” on the export page)."
        )
    return plans, item_weights, converted, lost


def report_cc11(selection: ExportSelection) -> ExportReport:
    """What export_cc11 converts or loses, without building the package."""
    _, _, converted, lost = _account(selection, prepare(selection))
    return ExportReport(filename=export_filename(selection, ".imscc"), converted=converted, lost=lost)


def write_cc11(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the Common Cartridge package into `out` item by item: the assessment's items stream into its
    file and their bank copies are spooled to a temporary file, so no whole tree is ever in memory."""
    questions = prepare(selection)
    plans, item_weights, converted, lost = _account(selection, questions)

    key = "\n".join([selection.title, selection.scope, selection.scope_id or "", *(q.id for q in questions)])
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
    bank_href = f"{ident}_bank/question_bank.xml"
    bank_document = qti12.root(CC_QTI_XSD)
    bank = sub(bank_document, "objectbank", ident=f"{ident}_objectbank")
    qti12.metadata(bank, [("bank_title", bank_title(selection, questions))])
    frame, bank_frame = xml_frame(document, section), xml_frame(bank_document, bank)

    with ZipStream(out) as archive, Spool() as spool:
        with archive.open(href) as entry:
            entry.write(frame.head)
            written = 0
            for question, plan, ws in zip(questions, plans, item_weights, strict=True):
                article = selection.article_title(question.source.article) if question.source else ""
                feedback = feedback_markdown(question, article)
                feedback_html = html(feedback) if feedback else ""  # once, for every part of a split question
                for part, weight in zip(plan.parts, ws, strict=True):
                    _build_item(section, question, part, weight, feedback_html)
                    item = section[-1]
                    if written:
                        entry.write(b"\n" + b"  " * frame.level)
                    entry.write(frame.element(item))
                    spool.add("bank", bank_frame.element(item))
                    section.remove(item)
                    written += 1
            entry.write(frame.tail)
        with archive.open(bank_href) as entry:
            bank_frame.write_pieces(entry, spool.read("bank"))
        archive.write("imsmanifest.xml", xml_bytes(_manifest(selection, ident, href, bank_href)))
    return ExportReport(filename=export_filename(selection, ".imscc"), converted=converted, lost=lost)


def export_cc11(selection: ExportSelection) -> ExportResult:
    """A Common Cartridge 1.1 package holding one assessment (QTI 1.2, CC profile); nothing is skipped."""
    buffer = io.BytesIO()
    report = write_cc11(selection, buffer)
    return ExportResult(
        data=buffer.getvalue(),
        filename=report.filename,
        mimetype="application/zip",
        converted=report.converted,
        lost=report.lost,
    )
