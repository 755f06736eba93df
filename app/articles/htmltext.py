"""Reduce an HTML page to its article text: one block per line, chrome and scripts dropped.

The output is plain text; nothing from the page is executed, and script/style content never reaches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

# Elements that never hold article text (or must never be kept, like scripts).
_DROP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "nav",
        "footer",
        "aside",
        "form",
        "template",
        "svg",
        "canvas",
        "object",
        "embed",
        "applet",
        "button",
        "select",
        "textarea",
        "input",
        "dialog",
        "link",
        "meta",
        "base",
        "audio",
        "video",
        "map",
        "head",
        "title",
    ]
)
# Landmark roles of page chrome (the ARIA names for header, footer, sidebars, menus and pop-ups).
_DROP_ROLES = frozenset(
    [
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "search",
        "dialog",
        "alertdialog",
        "menu",
        "menubar",
    ]
)
# Words in a class or id that mark page chrome; matched as whole words of the attribute value.
_CHROME_WORDS = frozenset(
    [
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "banner",
        "menu",
        "nav",
        "navbar",
        "navigation",
        "breadcrumb",
        "breadcrumbs",
        "share",
        "sharing",
        "social",
        "newsletter",
        "subscribe",
        "subscription",
        "related",
        "recommended",
        "recommendations",
        "advert",
        "advertisement",
        "advertising",
        "ad",
        "ads",
        "sponsor",
        "sponsored",
        "promo",
        "comment",
        "comments",
        "popup",
        "modal",
        "sidebar",
        "outbrain",
        "taboola",
    ]
)
# Containers that are never dropped for their class or id: a body class such as "has-cookie-banner"
# must not take the whole page with it.
_NEVER_DROP = frozenset({"html", "body", "article", "main"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = (
    frozenset(
        [
            "p",
            "div",
            "section",
            "article",
            "main",
            "header",
            "li",
            "ul",
            "ol",
            "dl",
            "dt",
            "dd",
            "blockquote",
            "pre",
            "table",
            "thead",
            "tbody",
            "tfoot",
            "tr",
            "figure",
            "figcaption",
            "address",
            "hr",
            "br",
            "caption",
            "details",
            "summary",
            "center",
        ]
    )
    | _HEADINGS
)
# What a dropped block is called when the reader says what was left out of the page. Words of a class or id
# name the block first (a cookie banner is often role="dialog"), then its tag and role, then the other words.
_WORD_LABELS = (
    ({"cookie", "cookies", "consent", "gdpr"}, "cookie notice"),
    ({"share", "sharing", "social"}, "share buttons"),
    ({"newsletter", "subscribe", "subscription"}, "newsletter sign-up"),
    ({"related", "recommended", "recommendations", "outbrain", "taboola"}, "related links"),
    (
        {"advert", "advertisement", "advertising", "ad", "ads", "sponsor", "sponsored", "promo"},
        "advertisements",
    ),
    ({"comment", "comments"}, "comments"),
)
_TAG_LABELS = {
    "nav": "navigation",
    "header": "site header",
    "footer": "footer",
    "aside": "sidebar",
    "dialog": "pop-up",
    "form": "forms and buttons",
    "button": "forms and buttons",
    "select": "forms and buttons",
    "textarea": "forms and buttons",
    "noscript": "no-JavaScript notice",
}
_ROLE_LABELS = {
    "navigation": "navigation",
    "menu": "navigation",
    "menubar": "navigation",
    "search": "search box",
    "banner": "site header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "dialog": "pop-up",
    "alertdialog": "pop-up",
}
_OTHER_WORD_LABELS = (
    ({"menu", "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs"}, "navigation"),
    ({"sidebar"}, "sidebar"),
    ({"popup", "modal"}, "pop-up"),
    ({"banner"}, "banner"),
)
# Not worth reporting inside a block that is reported already.
_MINOR_LABELS = frozenset(["forms and buttons", "hidden text", "embedded media", "page furniture"])
# Never shown on the page, so never worth reporting as left out.
_UNSEEN_TAGS = frozenset(["script", "style", "template", "head", "title", "meta", "link", "base"])
OUTSIDE_ARTICLE = "text outside the article"
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\xad"))

BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class ReducedHtml:
    """The article text of a page; `headings` and `table_rows` hold the start offsets of such blocks.

    `left_out` says what of the page's visible text is not in `text`: (label, blocks) in page order, such as
    ("navigation", 2); the headline used as the title is not left out, it is the title.
    """

    text: str
    title: str | None
    headings: frozenset[int]
    table_rows: frozenset[int]
    left_out: tuple[tuple[str, int], ...] = ()

    @property
    def left_out_blocks(self) -> int:
        return sum(n for _, n in self.left_out)


def describe_left_out(left_out: tuple[tuple[str, int], ...]) -> str:
    """What `ReducedHtml.left_out` holds, in words: "navigation, footer ×2, cookie notice (4 blocks)"."""
    total = sum(n for _, n in left_out)
    names = ", ".join(label if n == 1 else f"{label} ×{n}" for label, n in left_out)
    return f"{names} ({total} block{'' if total == 1 else 's'})"


def reduce_html(markup: str, shown_as: str | None = None) -> ReducedHtml:
    """Keep the article body (preferring <article>, then <main>) as text blocks separated by blank lines.

    The article's <h1> becomes the title and is not kept as the first block, unless the article is to be
    shown under another title (`shown_as`, when already chosen): then the page's own headline stays.
    """
    # lxml refuses str input that carries an encoding declaration; the text is already decoded.
    markup = _XML_DECLARATION.sub("", markup, count=1)
    if not markup.strip():
        return ReducedHtml("", None, frozenset(), frozenset())
    try:
        # huge_tree lifts libxml2's nesting limit of 256 (to 2048), which real pages sometimes exceed.
        root = lxml_html.document_fromstring(markup, parser=lxml_html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return ReducedHtml("", None, frozenset(), frozenset())
    page_title = _fold(root.findtext(".//title") or "")
    first_h1 = root.find(".//h1")
    page_h1 = _fold(first_h1.text_content()) if first_h1 is not None else ""
    left_out = _drop_chrome(root)
    content = _content_root(root)
    left_out += _outside(content)
    content_h1 = content.find(".//h1")
    headline = _fold(content_h1.text_content()) if content_h1 is not None else ""
    title = headline or page_title or page_h1
    if headline and (not shown_as or _fold(shown_as).casefold() == headline.casefold()):
        # The headline is the title: the reader shows it as the title, not again as the first paragraph.
        _remove_keep_tail(content_h1)
    blocks = _blocks(content)
    parts: list[str] = []
    headings: set[int] = set()
    rows: set[int] = set()
    offset = 0
    for text, kind in blocks:
        if parts:
            offset += len(BLOCK_SEPARATOR)
        if kind == "heading":
            headings.add(offset)
        elif kind in ("row", "header-row"):
            rows.add(offset)
            if kind == "header-row":
                headings.add(offset)
        parts.append(text)
        offset += len(text)
    return ReducedHtml(
        BLOCK_SEPARATOR.join(parts), title or None, frozenset(headings), frozenset(rows), _tally(left_out)
    )


def _fold(text: str) -> str:
    return " ".join(text.translate(_INVISIBLE).split())


def _drop_chrome(root: lxml_html.HtmlElement) -> list[str]:
    """Remove the page chrome; return a label for each dropped block with visible text (a block inside another
    counts when it is a region of its own: the navigation inside a site header, not a cookie notice's buttons)."""
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str) or _is_chrome(el):  # comments and processing instructions
            doomed.append(el)
    labelled = {el: _label(el) for el in doomed if _seen_text(el)}
    labels = []
    for el, label in labelled.items():
        inside = [labelled[a] for a in el.iterancestors() if a in labelled]
        if not inside or (label not in _MINOR_LABELS and label not in inside):
            labels.append(label)
    for el in doomed:
        _remove_keep_tail(el)
    return labels


def _seen_text(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and el.tag.lower() not in _UNSEEN_TAGS and bool(_fold(el.text_content()))


def _label(el: lxml_html.HtmlElement) -> str:
    tag = el.tag.lower()
    words = set(re.split(r"[^a-z0-9]+", f"{el.get('class', '')} {el.get('id', '')}".lower()))
    for vocabulary, label in _WORD_LABELS:
        if words & vocabulary:
            return label
    if tag in _TAG_LABELS:
        return _TAG_LABELS[tag]
    if tag in _DROP_TAGS:
        return "embedded media"  # iframes, video, canvas and the like
    if el.get("hidden") is not None or el.get("aria-hidden", "").lower() == "true":
        return "hidden text"
    if _HIDDEN_STYLE.search(el.get("style", "")):
        return "hidden text"
    role = el.get("role", "").lower()
    if role in _ROLE_LABELS:
        return _ROLE_LABELS[role]
    for vocabulary, label in _OTHER_WORD_LABELS:
        if words & vocabulary:
            return label
    return "page furniture"


def _outside(content: lxml_html.HtmlElement) -> list[str]:
    """A label for each block with visible text that lies outside the chosen article or main element."""
    labels: list[str] = []
    el = content
    for parent in content.iterancestors():
        if parent.tag == "html":
            break
        blocks = sum(1 for s in parent if s is not el and _seen_text(s))
        if not blocks and any(t.strip() for t in [parent.text or "", *(s.tail or "" for s in parent)]):
            blocks = 1  # loose text beside the article
        labels.extend([OUTSIDE_ARTICLE] * blocks)
        el = parent
    return labels


def _tally(labels: list[str]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return tuple(counts.items())


def _is_chrome(el: lxml_html.HtmlElement) -> bool:
    tag = el.tag.lower()
    if tag in _DROP_TAGS:
        return True
    if tag == "header":
        # A page header is chrome; an <article>'s own header carries its title and byline.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    if tag in _NEVER_DROP:
        return False
    if el.get("hidden") is not None or el.get("aria-hidden", "").lower() == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style", "")):
        return True
    if el.get("role", "").lower() in _DROP_ROLES:
        return True
    words = re.split(r"[^a-z0-9]+", f"{el.get('class', '')} {el.get('id', '')}".lower())
    return any(w in _CHROME_WORDS for w in words)


def _remove_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _content_root(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    articles = root.findall(".//article")
    if articles:
        # Listing pages hold many teaser <article>s; the story is the one with the most text.
        return max(articles, key=lambda a: len(a.text_content()))
    for path in (".//main", ".//*[@role='main']", ".//body"):
        found = root.find(path)
        if found is not None:
            return found
    return root


def _blocks(content: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    """Walk the tree (iteratively: deep nesting must not hit the recursion limit) into (text, kind) blocks."""
    blocks: list[tuple[str, str]] = []
    inline: list[str] = []

    def flush() -> None:
        text = _fold("".join(inline))
        inline.clear()
        if text:
            blocks.append((text, "text"))

    stack: list[tuple[bool, lxml_html.HtmlElement]] = [(True, content)]
    while stack:
        opening, el = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not opening:
            if tag in _BLOCKS:
                flush()
            if el is not content and el.tail:
                inline.append(el.tail)
            continue
        if tag in _BLOCKS:
            flush()
        stack.append((False, el))
        if tag in _HEADINGS:
            text = _fold(el.text_content())
            if text:
                blocks.append((text, "heading"))
        elif tag == "tr":
            _table_row(el, blocks)
        elif tag == "pre":
            blocks.extend((line, "text") for line in map(_fold, el.text_content().splitlines()) if line)
        else:
            if el.text:
                inline.append(el.text)
            stack.extend((True, child) for child in reversed(el))
    flush()
    return blocks


def _table_row(tr: lxml_html.HtmlElement, blocks: list[tuple[str, str]]) -> None:
    cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
    texts = [_fold(c.text_content()) for c in cells]
    if any(texts):
        header = all(c.tag.lower() == "th" for c in cells)
        blocks.append((" | ".join(texts), "header-row" if header else "row"))
