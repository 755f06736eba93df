"""Question Markdown as sanitised HTML strings, as XML elements (QTI 2.1 bodies) and back from HTML."""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from app.rendering import markdown_to_html

# Block elements: html_to_markdown sets them apart with blank lines; other unknown tags keep only their text.
_BLOCKS = {"p", "pre", "ul", "ol", "li", "blockquote"}
_WRAPPED_P = re.compile(r"^<p>(.*)</p>$", re.S)
# Text with no markup or control character, no entity but &amp; and &nbsp;, and no surrounding space.
_PLAIN_TEXT = re.compile(r"(?:[^<>&\x00-\x1f\x7f]|&amp;|&nbsp;)+")

TextHook = Callable[[str], list["str | etree._Element"]]


def html(markdown: str) -> str:
    """Block HTML for a stem or explanation."""
    return markdown_to_html(markdown).strip()


def inline_html(markdown: str) -> str:
    """HTML for a short text (an option, a matching item): the single paragraph wrapper removed."""
    rendered = html(markdown)
    match = _WRAPPED_P.match(rendered)
    return match.group(1) if match and "<p>" not in match.group(1) else rendered


def _plain_texts(source: str) -> tuple[list[str], bool] | None:
    """The texts of ``source`` when it is plain text alone or plain paragraphs joined by newlines (most stems,
    options and feedback), and whether they are paragraphs; None for anything else. append_html sets these
    texts directly, the same XML as parsing them (tests/unit/exports/test_exports_markup_plain.py)."""
    wrapped = source.startswith("<p>") and source.endswith("</p>")
    texts = []
    for part in source[3:-4].split("</p>\n<p>") if wrapped else [source]:
        if not _PLAIN_TEXT.fullmatch(part):
            return None
        text = part.replace("&nbsp;", "\u00a0").replace("&amp;", "&")
        if text[0].isspace() or text[-1].isspace():
            return None
        texts.append(text)
    return texts, wrapped


def _parse_fragment(source: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(source or "", create_parent="div")


def append_html(parent: etree._Element, source: str, ns: str, text_hook: TextHook | None = None) -> None:
    """Copy sanitised HTML into ``parent`` as XML elements in namespace ``ns``.

    ``text_hook`` may split a text run into strings and elements (QTI inline interactions for blanks).
    Only href is kept on links: the XML vocabularies here allow no other attribute from the HTML.
    """
    hook = text_hook or (lambda text: [text])

    def add_text(target: etree._Element, text: str | None) -> None:
        if not text:
            return
        for piece in hook(text):
            if isinstance(piece, str):
                last = target[-1] if len(target) else None
                if last is None:
                    target.text = (target.text or "") + piece
                else:
                    last.tail = (last.tail or "") + piece
            else:
                target.append(piece)

    def copy(source_el: lxml.html.HtmlElement, target: etree._Element) -> None:
        add_text(target, source_el.text)
        for child in source_el:
            if not isinstance(child.tag, str):
                add_text(target, child.tail)
                continue
            element = etree.SubElement(target, f"{{{ns}}}{child.tag}")
            if child.tag == "a" and child.get("href"):
                element.set("href", child.get("href"))
            copy(child, element)
            add_text(target, child.tail)

    plain = _plain_texts(source)
    if plain is None:
        copy(_parse_fragment(source), parent)
        return
    texts, wrapped = plain
    for number, text in enumerate(texts):
        if not wrapped:
            add_text(parent, text)
            continue
        if number:
            add_text(parent, "\n")  # the newline between two paragraphs, as the parser keeps it
        add_text(etree.SubElement(parent, f"{{{ns}}}p"), text)


def html_to_markdown(source: str) -> str:
    """Turn simple HTML (what LMS editors produce) into the limited Markdown stems use."""

    def walk(element: lxml.html.HtmlElement, list_marker: str = "-") -> str:
        in_list = element.tag in ("ul", "ol")

        def loose(text: str | None) -> str:
            # Whitespace between list items is layout, not content.
            return "" if in_list and not (text or "").strip() else text or ""

        out = loose(element.text)
        index = 0
        for child in element:
            if not isinstance(child.tag, str):
                out += loose(child.tail)
                continue
            tag = child.tag.lower()
            inner = walk(child, "1." if tag == "ol" else "-")
            if tag in ("em", "i"):
                out += f"*{inner}*"
            elif tag in ("strong", "b"):
                out += f"**{inner}**"
            elif tag == "code":
                out += f"`{inner}`"
            elif tag == "br":
                out += "\n"
            elif tag == "li":
                index += 1
                marker = f"{index}." if list_marker == "1." else "-"
                out += f"\n{marker} {inner.strip()}"
            elif tag == "blockquote":
                quoted = "\n".join(f"> {line}".rstrip() for line in inner.strip().splitlines())
                out += f"\n\n{quoted}\n\n"
            elif tag in _BLOCKS or tag in ("div", "h1", "h2", "h3", "h4", "h5", "h6"):
                out += f"\n\n{inner.strip()}\n\n"
            else:
                out += inner
            out += loose(child.tail)
        return out

    text = walk(_parse_fragment(source))
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\u00a0", " "))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
