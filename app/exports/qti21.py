"""IMS QTI 2.1 content package: one assessmentItem per question, an assessmentTest and an imsmanifest.xml.

Every type has a QTI 2.1 interaction, so nothing is skipped: mcq/multi/tf are choiceInteraction, numeric,
short and cloze are textEntryInteraction (one per blank, inline in the stem), matching is matchInteraction,
essay is extendedTextInteraction with no response processing (scored by a person).
Each item scores 0–1 (multi, matching and cloze with partial credit); the test weights items by quiz points.
The explanation and source quote are modal feedback shown after the attempt.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from functools import partial
from typing import IO, Any

from lxml import etree

from app.exports.answers import feedback_markdown, format_number, shares
from app.exports.archive import ZipStream, lom_title, manifest_head, xml_bytes, xml_frame
from app.exports.markup import append_html, html, inline_html
from app.exports.model import ExportReport, ExportResult, ExportSelection, export_filename, prepare
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

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def q(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{QTI_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _root(tag: str, **attrs: str) -> etree._Element:
    element = etree.Element(f"{{{QTI_NS}}}{tag}", nsmap={None: QTI_NS, "xsi": XSI_NS})
    element.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    for key, value in attrs.items():
        element.set(key, value)
    return element


def _response(item: etree._Element, ident: str, cardinality: str, base_type: str) -> etree._Element:
    return q(item, "responseDeclaration", identifier=ident, cardinality=cardinality, baseType=base_type)


def _correct(declaration: etree._Element, values: list[str]) -> None:
    block = q(declaration, "correctResponse")
    for value in values:
        q(block, "value", value)


def _mapping(declaration: etree._Element, entries: list[tuple[str, str]], **attrs: str) -> None:
    mapping = q(declaration, "mapping", defaultValue="0", **attrs)
    text = declaration.get("baseType") == "string"
    for key, value in entries:
        q(mapping, "mapEntry", mapKey=key, mappedValue=value, **({"caseSensitive": "false"} if text else {}))


def _set_score(parent: etree._Element, build: Callable[[etree._Element], None]) -> None:
    build(q(parent, "setOutcomeValue", identifier="SCORE"))


def _float(parent: etree._Element, value: str) -> None:
    q(parent, "baseValue", value, baseType="float")


def _score_if(processing: etree._Element, condition: Callable[[etree._Element], None]) -> None:
    """SCORE = 1 when ``condition`` holds, else 0."""
    rule = q(processing, "responseCondition")
    branch = q(rule, "responseIf")
    condition(branch)
    _set_score(branch, lambda target: _float(target, "1"))
    _set_score(q(rule, "responseElse"), lambda target: _float(target, "0"))


def _score_mapped(processing: etree._Element, identifiers: list[str]) -> None:
    """SCORE = the mean of the mapped responses (each 0–1), 0 when nothing was answered."""

    def mean(target: etree._Element) -> None:
        if len(identifiers) == 1:
            q(target, "mapResponse", identifier=identifiers[0])
            return
        divide = q(target, "divide")
        total = q(divide, "sum")
        for ident in identifiers:
            q(total, "mapResponse", identifier=ident)
        _float(divide, str(len(identifiers)))

    _set_score(processing, mean)


def _text_entry(ident: str, expected: int) -> etree._Element:
    element = etree.Element(f"{{{QTI_NS}}}textEntryInteraction")
    element.set("responseIdentifier", ident)
    element.set("expectedLength", str(max(4, min(40, expected))))
    return element


_Parts = tuple[Callable[[etree._Element], None], Callable[[etree._Element], None]]
"""How a type builds its item body and scores it; both run once the response declarations exist."""


def _choice(item: etree._Element, question: MCQ | Multi | TF, stem_html: str) -> _Parts:
    if isinstance(question, TF):
        choices = [("true", "True"), ("false", "False")]
        correct = ["true" if question.answer else "false"]
    else:
        choices = [(f"C{i}", option) for i, option in enumerate(question.options, start=1)]
        wanted = {question.answer} if isinstance(question, MCQ) else set(question.answer)
        correct = [ident for ident, option in choices if option in wanted]
    multiple = isinstance(question, Multi)
    declaration = _response(item, "RESPONSE", "multiple" if multiple else "single", "identifier")
    _correct(declaration, correct)
    if multiple:
        # Partial credit as Moodle gives it: the right choices share 1, the wrong ones share -1.
        right = iter(shares(len(correct), 1, places=7))
        wrong = iter(shares(len(choices) - len(correct), -1, places=7))
        entries = [(ident, next(right) if ident in correct else next(wrong)) for ident, _ in choices]
        _mapping(declaration, entries, lowerBound="0", upperBound="1")

    def choice_body(body: etree._Element) -> None:
        append_html(body, stem_html, QTI_NS)
        interaction = q(
            body,
            "choiceInteraction",
            responseIdentifier="RESPONSE",
            shuffle="false" if isinstance(question, TF) else "true",
            maxChoices="0" if multiple else "1",
        )
        for ident, text in choices:
            choice = q(interaction, "simpleChoice", identifier=ident)
            append_html(choice, inline_html(text), QTI_NS)

    build_body = choice_body
    if multiple:
        score = partial(_score_mapped, identifiers=["RESPONSE"])
    else:
        score = partial(_score_if, condition=_match_correct("RESPONSE"))
    return build_body, score


def _numeric(item: etree._Element, question: Numeric, stem_html: str) -> _Parts:
    answer = question.answer
    declaration = _response(item, "RESPONSE", "single", "float")
    _correct(declaration, [format_number(answer.value)])

    def numeric_body(body: etree._Element) -> None:
        append_html(body, stem_html, QTI_NS)
        line = q(body, "p")
        line.append(_text_entry("RESPONSE", len(format_number(answer.value)) + 4))
        if answer.unit:
            line[-1].tail = f" {answer.unit}"

    def within(branch: etree._Element) -> None:
        if answer.tolerance == 0:
            equal = q(branch, "equal", toleranceMode="exact")
        elif answer.tolerance_mode == "relative":
            percent = format_number(answer.tolerance * 100)
            equal = q(branch, "equal", toleranceMode="relative", tolerance=f"{percent} {percent}")
        else:
            margin = format_number(answer.tolerance)
            equal = q(branch, "equal", toleranceMode="absolute", tolerance=f"{margin} {margin}")
        q(equal, "variable", identifier="RESPONSE")
        q(equal, "correct", identifier="RESPONSE")

    build_body = numeric_body
    score = partial(_score_if, condition=_guard_null("RESPONSE", within))
    return build_body, score


def _short(item: etree._Element, question: Short, stem_html: str) -> _Parts:
    declaration = _response(item, "RESPONSE", "single", "string")
    _correct(declaration, [question.answer[0]])
    _mapping(declaration, [(text, "1") for text in question.answer])

    def short_body(body: etree._Element) -> None:
        append_html(body, stem_html, QTI_NS)
        q(body, "p").append(_text_entry("RESPONSE", max(len(text) for text in question.answer)))

    build_body = short_body
    score = partial(_score_mapped, identifiers=["RESPONSE"])
    return build_body, score


def _cloze(item: etree._Element, question: Cloze, stem_html: str) -> _Parts:
    identifiers = [f"RESPONSE_{n}" for n in range(1, len(question.answer) + 1)]
    for ident, variants in zip(identifiers, question.answer, strict=True):
        declaration = _response(item, ident, "single", "string")
        _correct(declaration, [variants[0]])
        _mapping(declaration, [(text, "1") for text in variants])

    def blanks(text: str) -> list[str | etree._Element]:
        pieces: list[str | etree._Element] = []
        position = 0
        for match in BLANK_RE.finditer(text):
            pieces.append(text[position : match.start()])
            number = int(match.group(1))
            longest = max(len(v) for v in question.answer[number - 1])
            pieces.append(_text_entry(f"RESPONSE_{number}", longest))
            position = match.end()
        pieces.append(text[position:])
        return [piece for piece in pieces if not isinstance(piece, str) or piece]

    build_body = partial(append_html, source=stem_html, ns=QTI_NS, text_hook=blanks)
    score = partial(_score_mapped, identifiers=identifiers)
    return build_body, score


def _matching(item: etree._Element, question: Matching, stem_html: str) -> _Parts:
    lefts = [(f"L{i}", pair.left) for i, pair in enumerate(question.answer, start=1)]
    right_of = {pair.right: f"R{i}" for i, pair in enumerate(question.answer, start=1)}
    pairs = [f"{left} {right_of[pair.right]}" for (left, _), pair in zip(lefts, question.answer, strict=True)]
    declaration = _response(item, "RESPONSE", "multiple", "directedPair")
    _correct(declaration, pairs)
    entries = list(zip(pairs, shares(len(pairs), 1, places=7), strict=True))
    _mapping(declaration, entries, lowerBound="0", upperBound="1")

    def matching_body(body: etree._Element) -> None:
        append_html(body, stem_html, QTI_NS)
        interaction = q(
            body,
            "matchInteraction",
            responseIdentifier="RESPONSE",
            shuffle="true",
            maxAssociations=str(len(pairs)),
        )
        left_set = q(interaction, "simpleMatchSet")
        for ident, text in lefts:
            append_html(
                q(left_set, "simpleAssociableChoice", identifier=ident, matchMax="1"),
                inline_html(text),
                QTI_NS,
            )
        right_set = q(interaction, "simpleMatchSet")
        for right, ident in sorted(right_of.items(), key=lambda item: item[1]):
            append_html(
                q(right_set, "simpleAssociableChoice", identifier=ident, matchMax="1"),
                inline_html(right),
                QTI_NS,
            )

    build_body = matching_body
    score = partial(_score_mapped, identifiers=["RESPONSE"])
    return build_body, score


def _essay(item: etree._Element, question: Essay, stem_html: str) -> _Parts:
    """extendedTextInteraction with the word limit as expectedLength (in characters, ~6 per word) and no
    scoring: the item is scored by a person (Moodle, Canvas and Inspera grade it by hand)."""
    _response(item, "RESPONSE", "single", "string")

    def essay_body(body: etree._Element) -> None:
        append_html(body, stem_html, QTI_NS)
        interaction = q(body, "extendedTextInteraction", responseIdentifier="RESPONSE", format="plain")
        if question.word_limit:
            interaction.set("expectedLength", str(question.word_limit * 6))
        interaction.set("expectedLines", "15")

    def no_score(processing: etree._Element) -> None:
        """Nothing: SCORE keeps its default until a person grades the response."""

    return essay_body, no_score


# One handler per registered type: it declares the responses on the item and returns how the body is built
# and how it is scored. The handlers test fails when a registered type is missing here.
HANDLERS: dict[str, Callable[[etree._Element, Any, str], _Parts]] = {
    "mcq": _choice,
    "multi": _choice,
    "tf": _choice,
    "numeric": _numeric,
    "short": _short,
    "cloze": _cloze,
    "matching": _matching,
    "essay": _essay,
}


def _option_feedback(question: Question) -> dict[str, str]:
    """Choice identifier (A1, A2… for a short answer's accepted answers) -> per-option feedback (Markdown)
    for the types that have it; {} otherwise."""
    if isinstance(question, TF):
        keys = {"true": "true", "false": "false"}
    elif isinstance(question, MCQ | Multi):
        keys = {option: f"C{i}" for i, option in enumerate(question.options, start=1)}
    elif isinstance(question, Short):
        keys = {answer: f"A{i}" for i, answer in enumerate(question.answer, start=1)}
    elif isinstance(question, Numeric):
        keys = {NUMERIC_FEEDBACK_KEY: "A1"}
    elif isinstance(question, Cloze):
        keys = {
            cloze_feedback_key(n, variant): f"B{n}V{j}"
            for n, variants in enumerate(question.answer, start=1)
            for j, variant in enumerate(variants, start=1)
        }
    else:
        return {}
    return {keys[key]: text for key, text in question.feedback.items() if key in keys}


def _string_match(ident: str, text: str) -> Callable[[etree._Element], None]:
    """A condition: the typed response ``ident`` is ``text``, compared as the mapping scores it."""

    def condition(branch: etree._Element) -> None:
        match = q(branch, "stringMatch", caseSensitive="false")
        q(match, "variable", identifier=ident)
        q(match, "baseValue", text, baseType="string")

    return condition


def _full_score(branch: etree._Element) -> None:
    """A condition: SCORE (set just before) is 1, the answer is right."""
    at_least = q(branch, "gte")
    q(at_least, "variable", identifier="SCORE")
    _float(at_least, "1")


def _typed_feedback_conditions(question: Question) -> dict[str, Callable[[etree._Element], None]]:
    """For typed answers (no choice identifier to copy): the feedback identifier -> when it is shown."""
    if isinstance(question, Short):
        return {f"A{n}": _string_match("RESPONSE", text) for n, text in enumerate(question.answer, start=1)}
    if isinstance(question, Numeric):
        return {"A1": _full_score}
    if isinstance(question, Cloze):
        return {
            f"B{n}V{j}": _string_match(f"RESPONSE_{n}", variant)
            for n, variants in enumerate(question.answer, start=1)
            for j, variant in enumerate(variants, start=1)
        }
    return {}


def _item(question: Question, article_title: str) -> etree._Element:
    item = _root(
        "assessmentItem",
        identifier=f"q_{question.id}",
        title=question.id,
        adaptive="false",
        timeDependent="false",
    )
    # A numeric item shows its unit beside the answer box, so the stem needs no unit hint.
    stem_html = html(question.stem)

    build_body, score = HANDLERS[question.type](item, question, stem_html)

    feedback = feedback_markdown(question, article_title)
    outcome = q(item, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    outcome.set("normalMaximum", "1")
    q(q(outcome, "defaultValue"), "value", "0")
    if feedback:
        q(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")
    per_option = _option_feedback(question)
    if per_option:
        # The picked choice(s) become OPTION_FEEDBACK; a modalFeedback per choice shows when it is among them.
        cardinality = "multiple" if isinstance(question, Multi | Cloze) else "single"
        q(
            item,
            "outcomeDeclaration",
            identifier="OPTION_FEEDBACK",
            cardinality=cardinality,
            baseType="identifier",
        )
    body = q(item, "itemBody")
    build_body(body)
    processing = q(item, "responseProcessing")
    score(processing)
    typed = _typed_feedback_conditions(question)
    if per_option and typed:
        # The typed answer is not an identifier: each accepted answer with feedback sets its own, matched as
        # the mapping scores it (case-insensitive); a cloze collects one per blank.
        for ident, condition in typed.items():
            if ident in per_option:
                branch = q(q(processing, "responseCondition"), "responseIf")
                condition(branch)
                chosen = q(branch, "setOutcomeValue", identifier="OPTION_FEEDBACK")
                if isinstance(question, Cloze):
                    chosen = q(chosen, "multiple")
                    q(chosen, "variable", identifier="OPTION_FEEDBACK")
                q(chosen, "baseValue", ident, baseType="identifier")
    elif per_option:
        q(q(processing, "setOutcomeValue", identifier="OPTION_FEEDBACK"), "variable", identifier="RESPONSE")
    if feedback:
        show = q(processing, "setOutcomeValue", identifier="FEEDBACK")
        q(show, "baseValue", "EXPLANATION", baseType="identifier")
        modal = q(
            item, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="EXPLANATION", showHide="show"
        )
        append_html(modal, html(feedback), QTI_NS)
    for ident, text in per_option.items():
        modal = q(
            item, "modalFeedback", outcomeIdentifier="OPTION_FEEDBACK", identifier=ident, showHide="show"
        )
        append_html(modal, html(text), QTI_NS)
    return item


def _match_correct(ident: str) -> Callable[[etree._Element], None]:
    def condition(branch: etree._Element) -> None:
        match = q(branch, "match")
        q(match, "variable", identifier=ident)
        q(match, "correct", identifier=ident)

    return condition


def _guard_null(ident: str, inner: Callable[[etree._Element], None]) -> Callable[[etree._Element], None]:
    """``not(isNull)`` and ``inner``: comparing an unanswered float would be NULL, not false."""

    def condition(branch: etree._Element) -> None:
        both = q(branch, "and")
        q(q(q(both, "not"), "isNull"), "variable", identifier=ident)
        inner(both)

    return condition


def _test(selection: ExportSelection, ident: str, items: list[tuple[Question, str]]) -> etree._Element:
    test = _root("assessmentTest", identifier=ident, title=selection.title)
    score = q(test, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    q(q(score, "defaultValue"), "value", "0")
    part = q(test, "testPart", identifier="part_1", navigationMode="nonlinear", submissionMode="individual")
    section = q(part, "assessmentSection", identifier="section_1", title=selection.title, visible="true")
    for question, href in items:
        ref = q(section, "assessmentItemRef", identifier=f"q_{question.id}", href=href)
        q(ref, "weight", identifier="W", value=format_number(selection.points_for(question.id)))
    processing = q(test, "outcomeProcessing")
    total = q(q(processing, "setOutcomeValue", identifier="SCORE"), "sum")
    q(total, "testVariables", variableIdentifier="SCORE", weightIdentifier="W")
    return test


def _manifest(
    selection: ExportSelection, ident: str, items: list[tuple[Question, str]]
) -> tuple[etree._Element, etree._Element]:
    """The manifest with the test's resource, and its <resources>, where each item's resource is added
    (`_item_resource`) and streamed."""
    nsmap = {None: CP_NS, "imsmd": IMSMD_NS, "xsi": XSI_NS}
    manifest, metadata = manifest_head(CP_NS, nsmap, f"MANIFEST-{ident}", "QTIv2.1 Package", "1.0.0")
    manifest.set(
        f"{{{XSI_NS}}}schemaLocation",
        f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {IMSMD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd",
    )
    lom_title(
        metadata,
        IMSMD_NS,
        selection.title,
        "langstring",
        **{"{http://www.w3.org/XML/1998/namespace}lang": "en"},
    )
    etree.SubElement(manifest, f"{{{CP_NS}}}organizations")
    resources = etree.SubElement(manifest, f"{{{CP_NS}}}resources")
    test = etree.SubElement(
        resources,
        f"{{{CP_NS}}}resource",
        identifier=f"RES-{ident}",
        type="imsqti_test_xmlv2p1",
        href="test.xml",
    )
    etree.SubElement(test, f"{{{CP_NS}}}file", href="test.xml")
    for question, _ in items:
        etree.SubElement(test, f"{{{CP_NS}}}dependency", identifierref=f"RES-q_{question.id}")
    return manifest, resources


def _item_resource(resources: etree._Element, question: Question, href: str) -> etree._Element:
    resource = etree.SubElement(
        resources,
        f"{{{CP_NS}}}resource",
        identifier=f"RES-q_{question.id}",
        type="imsqti_item_xmlv2p1",
        href=href,
    )
    _item_lom(resource, question)
    etree.SubElement(resource, f"{{{CP_NS}}}file", href=href)
    return resource


# LOM 1.0's difficulty vocabulary is very easy / easy / medium / difficult / very difficult.
LOM_DIFFICULTY = {"easy": "easy", "medium": "medium", "hard": "difficult"}


def _item_lom(resource: etree._Element, question: Question) -> None:
    """The item's tags as LOM keywords and its difficulty as LOM educational difficulty (IMS MD 1.2.4)."""

    def md(parent: etree._Element, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{IMSMD_NS}}}{tag}")

    def langstring(parent: etree._Element, text: str, lang: str = "en") -> None:
        etree.SubElement(
            parent, f"{{{IMSMD_NS}}}langstring", {"{http://www.w3.org/XML/1998/namespace}lang": lang}
        ).text = text

    lom = md(etree.SubElement(resource, f"{{{CP_NS}}}metadata"), "lom")
    general = md(lom, "general")
    for tag in question.tags:
        langstring(md(general, "keyword"), tag)
    difficulty = md(md(lom, "educational"), "difficulty")
    langstring(md(difficulty, "source"), "LOMv1.0", "x-none")
    langstring(md(difficulty, "value"), LOM_DIFFICULTY[question.difficulty], "x-none")


def write_qti21(selection: ExportSelection, out: IO[bytes]) -> ExportReport:
    """Write the QTI 2.1 package into `out`: the manifest, then each item's file as it is built, then
    the test (the zip's sorted order), so the items are never all in memory."""
    questions = prepare(selection)
    key = "\n".join([selection.title, selection.scope, selection.scope_id or "", *(x.id for x in questions)])
    ident = "T" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:32]  # an identifier
    items = [(question, f"items/q_{question.id}.xml") for question in questions]
    with ZipStream(out) as archive:
        manifest, resources = _manifest(selection, ident, items)
        frame = xml_frame(manifest, resources)

        def pieces():
            for question, href in items:
                resource = _item_resource(resources, question, href)
                yield frame.element(resource)
                resources.remove(resource)

        with archive.open("imsmanifest.xml") as entry:
            frame.write_pieces(entry, pieces())
        for question, href in sorted(items, key=lambda pair: pair[1]):
            article = selection.article_title(question.source.article) if question.source else ""
            archive.write(href, xml_bytes(_item(question, article), indent=False))
        archive.write("test.xml", xml_bytes(_test(selection, ident, items)))
    return ExportReport(filename=export_filename(selection, "-qti21.zip"))


def export_qti21(selection: ExportSelection) -> ExportResult:
    """A QTI 2.1 content package (zip) with items, a test and the manifest."""
    buffer = io.BytesIO()
    report = write_qti21(selection, buffer)
    return ExportResult(data=buffer.getvalue(), filename=report.filename, mimetype="application/zip")
