"""The `markdown` filter: sanitised limited Markdown, and a plain-line fast path that renders identically."""

from __future__ import annotations

import string

import lxml.html
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app.bank.service import QUESTIONS_DIR
from app.bank.yamlio import load_bank_dir
from app.rendering import _MD, _clean, _is_plain_line, _plain_paragraph, markdown_to_html


def _slow(text: str) -> str:
    return _clean(_MD.render(text or ""))


def _texts_of(question: dict) -> list[str]:
    texts = [question.get("stem", ""), question.get("explanation", "") or ""]
    for option in question.get("options") or []:
        texts.append(option["text"] if isinstance(option, dict) else str(option))
    return [t for t in texts if isinstance(t, str)]


def test_the_curated_bank_renders_the_same_with_and_without_the_fast_path():
    bank, errors = load_bank_dir(QUESTIONS_DIR)
    assert not errors
    texts = [text for question in bank for text in _texts_of(question)]
    assert sum(_is_plain_line(t) for t in texts) > len(texts) // 3  # the fast path is actually taken
    for text in texts:
        assert markdown_to_html(text) == _slow(text), text


_ALPHABET = string.ascii_letters + string.digits + " .,;:'\"()-+*_`#>[]<&!|~=\\/%$€\t\n" + "é中"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40) | st.text(max_size=30))
@example("1. first")
@example("1.5 million")
@example("- item")
@example("    indented code")
@example('He said "no" & left')
@example("US$534m (about 21%)")
@example("<script>alert(1)</script>")
def test_fast_path_matches_the_markdown_parser(text):
    assert markdown_to_html(text) == _slow(text)


# Plain lines full of what a serialiser might rewrite: quotes, apostrophes, no-break and other spaces,
# accents, CJK, emoji (astral), combining marks, C1 controls, BOM, noncharacters, line separators.
_PLAIN_ALPHABET = (
    string.ascii_letters
    + string.digits
    + " .,;:'\"()=/%$€@?{}^"
    + "\u00a0\u2009\u3000é中ß🙂👍🏽\u0301\u0085\u009f\ufeff\ufffd\uffff\u2028"
)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_PLAIN_ALPHABET, min_size=1, max_size=40) | st.text(min_size=1, max_size=30))
@example("it's \"quoted\" and 'single'")
@example("a\u00a0b\u00a0\u00a0c")
@example("🙂 emoji 👍🏽 and 中文")
def test_plain_paragraph_is_what_nh3_writes(text):
    if not _is_plain_line(text):
        return
    assert _plain_paragraph(text) == _clean(f"<p>{escape(text)}</p>\n")
    assert markdown_to_html(text) == _plain_paragraph(text)


_LINE = st.text(alphabet=_PLAIN_ALPHABET + "&;#-*>1.", min_size=1, max_size=25)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=4))
@example(["R&D spending rose", "Source: “the MoU”, 2024"])
@example(["AT&T; x", "&amp; is an entity", "&#169; too", "a & b"])
@example(["A", "", "B"])
def test_paragraphs_of_plain_lines_match_the_markdown_parser(lines):
    text = "\n\n".join(lines)
    assert markdown_to_html(text) == _slow(text)


def test_a_lone_surrogate_is_still_refused():
    # nh3 cannot take it; the fast path must not quietly accept what the sanitiser refuses.
    assert not _is_plain_line("a\ud800b")


def test_payloads_are_neutralised():
    html = markdown_to_html(
        "<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](https://a.example) *ok*"
    )
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert tree.xpath("//img") == [] and tree.xpath("//*[@onerror]") == []
    assert [a.get("href") for a in tree.xpath("//a")] == ["https://a.example"]
    assert tree.xpath("//em/text()") == ["ok"]
