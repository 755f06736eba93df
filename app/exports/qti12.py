"""QTI 1.2 building blocks shared by the Canvas export and the Common Cartridge 1.1 profile."""

from __future__ import annotations

from lxml import etree

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
FEEDBACK_ID = "general_fb"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A child element in the QTI namespace; attribute names with a trailing '_' lose it (class_ -> class)."""
    element = etree.SubElement(parent, f"{{{QTI_NS}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def root(schema_location: str) -> etree._Element:
    element = etree.Element(f"{{{QTI_NS}}}questestinterop", nsmap={None: QTI_NS, "xsi": XSI_NS})
    element.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {schema_location}")
    return element


def metadata(parent: etree._Element, fields: list[tuple[str, str]]) -> etree._Element:
    block = sub(parent, "qtimetadata")
    for label, entry in fields:
        field = sub(block, "qtimetadatafield")
        sub(field, "fieldlabel", label)
        sub(field, "fieldentry", entry)
    return block


def material(parent: etree._Element, html: str, texttype: str = "text/html") -> etree._Element:
    block = sub(parent, "material")
    sub(block, "mattext", html, texttype=texttype)
    return block


def choice_response(
    presentation: etree._Element, ident: str, cardinality: str, choices: list[tuple[str, str]]
) -> etree._Element:
    """A response_lid with one response_label per (ident, html) choice."""
    lid = sub(presentation, "response_lid", ident=ident, rcardinality=cardinality)
    render = sub(lid, "render_choice")
    for choice_ident, html in choices:
        label = sub(render, "response_label", ident=choice_ident)
        material(label, html)
    return lid


def text_response(presentation: etree._Element, fibtype: str | None = None) -> etree._Element:
    """A single typed-in response (``response1``), as Canvas and the CC profile write it."""
    response = sub(presentation, "response_str", ident="response1", rcardinality="Single")
    render = sub(response, "render_fib", **({"fibtype": fibtype} if fibtype else {}))
    sub(render, "response_label", ident="answer1", **({} if fibtype else {"rshuffle": "No"}))
    return response


def resprocessing(item: etree._Element) -> etree._Element:
    """The SCORE outcome (0–100); scoring conditions follow."""
    processing = sub(item, "resprocessing")
    outcomes = sub(processing, "outcomes")
    sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    return processing


def scoring_condition(processing: etree._Element, action: str = "Set", score: str = "100") -> etree._Element:
    """A respcondition whose conditionvar the caller fills; it sets (or adds to) SCORE.

    Processing continues after it so the feedback condition that comes last is shown right or wrong
    (readers that take the first conditionvar as the scoring one also find it).
    """
    condition = sub(processing, "respcondition", continue_="Yes")
    condvar = sub(condition, "conditionvar")
    sub(condition, "setvar", score, action=action, varname="SCORE")
    return condvar


def item_feedback(item: etree._Element, processing: etree._Element, html: str) -> None:
    """Feedback shown after every answer: a last condition that always holds, and the feedback text."""
    condition = sub(processing, "respcondition", continue_="Yes")
    sub(sub(condition, "conditionvar"), "other")
    sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=FEEDBACK_ID)
    feedback = sub(item, "itemfeedback", ident=FEEDBACK_ID)
    flow = sub(feedback, "flow_mat")
    material(flow, html)


def answer_feedback(
    item: etree._Element,
    processing: etree._Element,
    respident: str,
    ident: str,
    html: str,
    value: str | None = None,
    **match: str,
) -> None:
    """Feedback for one response, as Canvas writes it: a condition on that answer showing ``{ident}_fb``.
    The answer is the choice ``ident``, or ``value`` for a typed answer (``match`` adds e.g. case="No")."""
    condition = sub(processing, "respcondition", continue_="Yes")
    sub(
        sub(condition, "conditionvar"),
        "varequal",
        ident if value is None else value,
        respident=respident,
        **match,
    )
    sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
    flow = sub(sub(item, "itemfeedback", ident=f"{ident}_fb"), "flow_mat")
    material(flow, html)
