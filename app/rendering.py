"""Limited Markdown for question text and explanations, rendered safely (markdown-it, then nh3)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(["image"])
ALLOWED_TAGS = {"p", "em", "strong", "code", "pre", "ul", "ol", "li", "br", "blockquote", "a"}


def markdown_to_html(text: str) -> str:
    html = _MD.render(text or "")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"})


def render_markdown(text: str) -> Markup:
    """Jinja filter `markdown`: safe HTML for limited Markdown (emphasis, lists, code)."""
    return Markup(markdown_to_html(text))  # noqa: S704 - nh3 has sanitised it
