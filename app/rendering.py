"""Limited Markdown for question text and explanations, rendered safely (markdown-it, then nh3); and cloze
blanks shown one way everywhere: a numbered line "_____ (1)", or an inline input on the attempt page."""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.qtypes.schema import BLANK_RE

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(["image"])
ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "br", "blockquote", "a"}

# Most question text is one line of prose, or a few such lines as paragraphs (an explanation and its source).
# Each line renders as one escaped paragraph, so it skips the Markdown parser and nh3 (which dominate the
# cost of exporting a large bank). A line is plain when it has no inline markup character, no `&` that could
# start an entity reference, and does not open a block (list item, heading, quote, fence, thematic break).
# Lone surrogates are excluded too, so they still reach nh3 (which refuses them) as before.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>!#|~\x00-\x1f\x7f\ud800-\udfff]|&(?=[#A-Za-z0-9]*;)")
_BLOCK_OPENER = re.compile(r"^(?:[-+>]|\d{1,9}[.)](?:\s|$))")


def _is_plain_line(text: str) -> bool:
    return (
        bool(text)
        and text == text.strip()
        and not _INLINE_MARKUP.search(text)
        and not _BLOCK_OPENER.match(text)
    )


def _clean(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"})


def _plain_paragraph(text: str) -> str:
    """What ``_clean(f"<p>{escape(text)}</p>\\n")`` returns for a plain line, without nh3: nh3 writes ``&``
    as ``&amp;``, no-break spaces as ``&nbsp;`` and quotes and apostrophes as themselves, and a plain line has
    no ``<`` or ``>`` (tests/unit/rendering/test_markdown.py checks this against nh3 and markdown-it)."""
    return f"<p>{text.replace('&', '&amp;').replace(chr(0xA0), '&nbsp;')}</p>\n"


def markdown_to_html(text: str) -> str:
    paragraphs = text.split("\n\n") if text else []
    if paragraphs and all(map(_is_plain_line, paragraphs)):
        return "".join(map(_plain_paragraph, paragraphs))
    return _clean(_MD.render(text or ""))


def render_markdown(text: str) -> Markup:
    """Jinja filter `markdown`: safe HTML for limited Markdown (emphasis, lists, code)."""
    return Markup(markdown_to_html(text))  # noqa: S704 - nh3 has sanitised it  # nosec


# ---------------------------------------------------------------- cloze blanks

BLANK_LINE = "_____"
# A placeholder that survives Markdown and sanitising untouched (letters and digits only).
_SLOT = "CWBLANKSLOT{}X"
_SLOT_RE = re.compile(r"CWBLANKSLOT(\d+)X")


def blank_label(number: int) -> str:
    """How a blank reads in plain text: '_____ (1)'."""
    return f"{BLANK_LINE} ({number})"


def cloze_text(stem: str) -> str:
    """Jinja filter `cloze_text`: the stem as plain text with each {{n}} shown as '_____ (n)'."""
    return BLANK_RE.sub(lambda m: blank_label(int(m.group(1))), stem)


def _visible_blank(number: int) -> Markup:
    # The line is drawn for the eye; a screen reader hears "blank (1)" instead of five underscores.
    return Markup(
        '<span class="blank"><span aria-hidden="true">{1}</span><span class="visually-hidden">blank</span> ({0})</span>'
    ).format(number, BLANK_LINE)


def cloze_markdown(stem: str, blank: Callable[[int], str] | None = None) -> Markup:
    """Jinja filter `cloze_markdown`: the stem as safe Markdown HTML, each {{n}} replaced by `blank(n)`
    (trusted markup such as an input, e.g. a Jinja macro) or, by default, a visible numbered blank."""
    make = blank or _visible_blank
    html = markdown_to_html(BLANK_RE.sub(lambda m: _SLOT.format(m.group(1)), stem or ""))
    return Markup(_SLOT_RE.sub(lambda m: str(make(int(m.group(1)))), html))  # noqa: S704  # nosec
