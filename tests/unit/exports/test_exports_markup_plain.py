"""append_html's plain-text fast path writes exactly the XML that parsing the HTML writes."""

from __future__ import annotations

import re
import string
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from app.exports import markup
from app.exports.markup import append_html, html, inline_html

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
_NEVER = re.compile(r"(?!)")
_ALPHABET = (
    string.ascii_letters
    + string.digits
    + " .,;:'\"()=/%$€@?{}^*_`#>[]<&!|~\\\t\n"
    + ("\u00a0\u2009\u3000é中ß🙂👍🏽\u0301\u0085\ufeff\ufffd\u2028")
)


def _blank_hook(text: str) -> list:
    """Split on 'x' and put an element there, as the cloze blanks do."""
    pieces: list = []
    for i, part in enumerate(text.split("x")):
        if i:
            pieces.append(etree.Element(f"{{{NS}}}textEntryInteraction", responseIdentifier=f"R{i}"))
        pieces.append(part)
    return pieces


def _xml(source: str, hook=None, fast: bool = True) -> bytes:
    parent = etree.Element(f"{{{NS}}}div")
    etree.SubElement(parent, f"{{{NS}}}p").text = "before"  # text lands in a tail, as after a prompt
    with mock.patch.object(markup, "_PLAIN_TEXT", markup._PLAIN_TEXT if fast else _NEVER):
        try:
            append_html(parent, source, NS, hook)
        except ValueError as error:  # lxml refuses text XML cannot hold: both paths must refuse it
            return f"refused: {type(error).__name__}".encode()
    return etree.tostring(parent, encoding="utf-8")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40) | st.text(max_size=30), st.booleans())
@example("A plain stem, with 'quotes' and \"double\" ones.", False)
@example("x marks x the spot x", True)
@example("\u00a0leading nbsp", False)
@example("🙂", False)
@example("R&D, AT&amp;T and a\u00a0b &nbsp; x", True)
@example("An explanation.\n\nSource: \u201cquoted\u201d, x", True)
def test_fast_path_writes_the_same_xml_as_parsing(text, with_hook):
    hook = _blank_hook if with_hook else None
    for source in (html(text), inline_html(text), f"<p>{text}</p>", text):
        assert _xml(source, hook) == _xml(source, hook, fast=False), source


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=25), min_size=1, max_size=4), st.booleans())
def test_fast_path_writes_paragraphs_as_parsing_does(lines, with_hook):
    hook = _blank_hook if with_hook else None
    for source in (html("\n\n".join(lines)), "\n".join(f"<p>{line}</p>" for line in lines)):
        assert _xml(source, hook) == _xml(source, hook, fast=False), source


def test_the_fast_path_is_taken_for_a_plain_paragraph_and_a_plain_option():
    with mock.patch.object(markup, "_parse_fragment", side_effect=AssertionError("parsed")):
        _xml(html("Which ratio is higher?"))
        _xml(inline_html("The current ratio"))
        _xml(html("R&D rose.\n\nSource: \u201cthe article\u201d"))
