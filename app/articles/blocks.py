"""Split article text into paragraph blocks, each with its cleaned text and a map back to raw offsets.

Plain text: every non-blank line is a paragraph (unless the file is hard-wrapped, then blank lines
separate paragraphs). Markdown: CommonMark-like blocks, with heading marks, bullets, table pipes and
inline markup removed from the cleaned text but kept in the raw text the offsets point into.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_NEWLINE = re.compile(r"\r\n|\r|\n")
_TERMINAL_END = re.compile(r"""[.!?…:;"”’)\]]\s*$""")

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_MD_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$|^#+[ \t]*$")
_MD_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_MD_LIST = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_MD_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_MD_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_MD_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_MD_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]^]+\]:[ \t]*\S+")
_MD_COMMENT_LINE = re.compile(r"^[ \t]*<!--.*-->[ \t]*$")
_MD_SCRIPT_OPEN = re.compile(r"^[ \t]*<(script|style)\b[^>]*>", re.IGNORECASE)
_TXT_BULLET = re.compile(r"^[ \t]*(?:[•▪‣◦·*-]|–|\d{1,2}[.)])[ \t]+(?=\S)")
_FRONT_MATTER_LINE = re.compile(r"^(?:[A-Za-z_][\w -]*:.*|[ \t]+.*|[ \t]*-[ \t].*|#.*|)$")

# Inline Markdown, removed in this order; group "keep" is the text that stays.
_MD_INLINE = (
    re.compile(r"(?P<tick>`+)(?P<keep>.+?)(?P=tick)"),
    re.compile(r"!\[(?P<keep>[^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"),
    re.compile(r"\[(?P<keep>[^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"),
    re.compile(r"\[(?P<keep>[^\]]+)\]\[[^\]]*\]"),
    re.compile(r"\[\^[^\]]+\]"),
    re.compile(r"<(?P<keep>https?://[^>\s]+)>"),
    re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE),
    re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),
    re.compile(r"(?P<mark>\*\*|__)(?=\S)(?P<keep>.+?)(?<=\S)(?P=mark)"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(?P<keep>.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])(?P<keep>.+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"~~(?=\S)(?P<keep>.+?)(?<=\S)~~"),
    re.compile(r"\\(?P<keep>[\\`*_{}\[\]()#+\-.!|>~])"),
)


@dataclass(frozen=True)
class Block:
    """One paragraph: `clean[i]` came from raw offset `cmap[i]`; `markup` are raw offsets removed inside it."""

    kind: str  # "text" | "heading" | "list" | "table" | "table-head"
    clean: str
    cmap: Sequence[int]
    markup: frozenset[int] = frozenset()

    def raw_span(self, text: str, cstart: int, cend: int) -> tuple[int, int]:
        """Raw offsets of clean[cstart:cend], widened over markup glued to it (e.g. `**` or `](url)`)."""
        start, end = self.cmap[cstart], self.cmap[cend - 1] + 1
        while end in self.markup and not text[end].isspace():
            end += 1
        while start - 1 in self.markup and not text[start - 1].isspace():
            start -= 1
        return start, end


def split_blocks(
    text: str, fmt: str, headings: frozenset[int] = frozenset(), table_rows: frozenset[int] = frozenset()
) -> list[Block]:
    """Paragraph blocks in document order. `headings`/`table_rows` are line starts known from HTML."""
    lines = list(_lines(text))
    first = _front_matter_end(text, lines) if fmt in ("txt", "md") else 0
    lines = lines[first:]
    if fmt == "md":
        return _markdown_blocks(text, lines)
    wrapped = fmt == "txt" and _is_hard_wrapped(text, lines)
    blocks: list[Block] = []
    group: list[tuple[int, int]] = []
    kind = "text"

    def close() -> None:
        if group:
            _append(blocks, text, kind, group, strip_markdown=False)
            group.clear()

    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            close()
            continue
        bullet = _TXT_BULLET.match(line) if fmt == "txt" else None
        if not wrapped or bullet or not group:
            close()
            kind = "list" if bullet else "text"
            if start in headings:
                kind = "heading"
            elif start in table_rows:
                kind = "table"
        group.append((start + (bullet.end() if bullet else 0), end))
    close()
    return blocks


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for match in _NEWLINE.finditer(text):
        yield pos, match.start()
        pos = match.end()
    yield pos, len(text)


def _front_matter_end(text: str, lines: list[tuple[int, int]]) -> int:
    """Index of the first line after a leading YAML front-matter block (`---` ... `---`), else 0."""
    if not lines or text[lines[0][0] : lines[0][1]].strip() != "---":
        return 0
    for i, (start, end) in enumerate(lines[1:60], start=1):
        line = text[start:end]
        if line.strip() in ("---", "...") and i > 1:
            return i + 1
        if not _FRONT_MATTER_LINE.match(line):
            return 0
    return 0


def _is_hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """True when lines are wrapped at a fixed width, so that only blank lines end paragraphs.

    The tell is a line running on into the next: it ends without terminal punctuation (or with a comma)
    and the next line starts in lowercase or with a digit. A heading never does that.
    """
    inner = running_on = longest = 0
    for (start, end), (nstart, nend) in zip(lines, lines[1:], strict=False):
        line, following = text[start:end].strip(), text[nstart:nend].strip()
        longest = max(longest, end - start)
        if line and following:
            inner += 1
            open_end = not _TERMINAL_END.search(line) or line.endswith(",")
            running_on += open_end and (following[0].islower() or following[0].isdigit())
    return inner >= 2 and running_on * 3 >= inner and longest <= 120


def _append(
    blocks: list[Block], text: str, kind: str, spans: list[tuple[int, int]], *, strip_markdown: bool
) -> None:
    chars: list[str] = []
    cmap: list[int] = []
    for start, end in spans:
        line = text[start:end]
        lead = len(line) - len(line.lstrip())
        body = line.strip()
        if not body:
            continue
        if chars:
            chars.append(" ")
            cmap.append(cmap[-1] + 1)
        chars.append(body)
        cmap.extend(range(start + lead, start + lead + len(body)))
    clean = "".join(chars)
    markup: frozenset[int] = frozenset()
    if strip_markdown:
        clean, cmap, removed = _strip_inline(clean, cmap)
        markup = frozenset(removed)
    if not any(ch.isalnum() for ch in clean):
        return  # rules, separators and stray markup carry no content
    # Trim whitespace left behind by removed markup so spans start and end on content.
    lead = len(clean) - len(clean.lstrip())
    trail = len(clean.rstrip())
    blocks.append(Block(kind, clean[lead:trail], cmap[lead:trail], markup))


def _strip_inline(clean: str, cmap: list[int]) -> tuple[str, list[int], set[int]]:
    removed: set[int] = set()
    for pattern in _MD_INLINE:
        if not pattern.search(clean):
            continue
        out: list[str] = []
        omap: list[int] = []
        pos = 0
        for match in pattern.finditer(clean):
            out.append(clean[pos : match.start()])
            omap.extend(cmap[pos : match.start()])
            kept = (match.start("keep"), match.end("keep")) if "keep" in pattern.groupindex else (0, 0)
            if kept[0] == -1:
                kept = (0, 0)
            out.append(clean[kept[0] : kept[1]])
            omap.extend(cmap[kept[0] : kept[1]])
            removed.update(cmap[i] for i in range(match.start(), match.end()) if not kept[0] <= i < kept[1])
            pos = match.end()
        out.append(clean[pos:])
        omap.extend(cmap[pos:])
        clean, cmap = "".join(out), omap
    return clean, cmap, removed


def _markdown_blocks(text: str, lines: list[tuple[int, int]]) -> list[Block]:
    blocks: list[Block] = []
    group: list[tuple[int, int]] = []
    kind = "text"
    in_fence = False
    raw_html_end: re.Pattern[str] | None = None

    def close() -> None:
        if group:
            _append(blocks, text, kind, group, strip_markdown=kind != "code")
            group.clear()

    for start, end in lines:
        line = text[start:end]
        if raw_html_end or (opened := _MD_SCRIPT_OPEN.match(line)):
            # Script and style blocks embedded in Markdown are code for a browser, never article text.
            close()
            if raw_html_end is None:
                raw_html_end = re.compile(rf"</{opened.group(1)}\s*>", re.IGNORECASE)
                line = line[opened.end() :]
            if raw_html_end.search(line):
                raw_html_end = None
            continue
        if _MD_FENCE.match(line):
            close()
            in_fence = not in_fence
            continue
        if in_fence:
            kind = "code"
            group.append((start, end))
            close()
            continue
        if not line.strip() or _MD_LINK_DEFINITION.match(line) or _MD_COMMENT_LINE.match(line):
            close()
            continue
        if _MD_SETEXT.match(line):
            # "Title\n=====" makes the line above a heading; "---" does too unless that line is a finished
            # sentence (writers mean a rule there), and a lone "---" is a rule.
            above = text[group[0][0] : group[0][1]].rstrip() if len(group) == 1 else ""
            if above and kind == "text" and ("=" in line or not above.endswith((".", "!", "?"))):
                kind = "heading"
            close()
            continue
        if _MD_TABLE_RULE.match(line):
            if blocks and blocks[-1].kind == "table" and not group:
                blocks[-1] = Block("table-head", blocks[-1].clean, blocks[-1].cmap, blocks[-1].markup)
            close()
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            close()
            kind = "heading"
            closing = _MD_HEADING_CLOSE.search(line, heading.end())
            group.append((start + heading.end(), start + (closing.start() if closing else len(line))))
            close()
            continue
        if _MD_TABLE_ROW.match(line):
            close()
            kind = "table"
            inner_start = start + line.index("|") + 1
            inner_end = start + line.rindex("|")
            group.append((inner_start, inner_end))
            close()
            continue
        bullet = _MD_LIST.match(line)
        quote = _MD_QUOTE.match(line)
        if bullet or (quote and not (group and kind == "quote")):
            close()
            kind = "list" if bullet else "quote"
            group.append((start + (bullet or quote).end(), end))
            continue
        if quote:
            group.append((start + quote.end(), end))
            continue
        if not group:
            kind = "text"
        group.append((start, end))
    close()
    return [
        b if b.kind not in ("quote", "code") else Block("text", b.clean, b.cmap, b.markup) for b in blocks
    ]
