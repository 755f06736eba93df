"""Limited Markdown for question text and explanations, rendered safely (markdown-it, then nh3)."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(["image"])
ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "br", "blockquote", "a"}

# Most question text is one line of prose. Such a line renders as one escaped paragraph, so it skips the
# Markdown parser (which dominates the cost of exporting a large bank). A line is plain when it has no
# inline markup character and does not open a block (list item, heading, quote, fence, thematic break).
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>&!#|~\x00-\x1f\x7f]")
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


def markdown_to_html(text: str) -> str:
    if _is_plain_line(text):
        return _clean(f"<p>{escape(text)}</p>\n")
    return _clean(_MD.render(text or ""))


def render_markdown(text: str) -> Markup:
    """Jinja filter `markdown`: safe HTML for limited Markdown (emphasis, lists, code)."""
    return Markup(markdown_to_html(text))  # noqa: S704 - nh3 has sanitised it  # nosec
